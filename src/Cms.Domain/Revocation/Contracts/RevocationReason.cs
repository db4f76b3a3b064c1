using Cms.Domain.Common;

namespace Cms.Domain.Revocation.Contracts;

/// <summary>Why the holder asks for the revocation [T 2.5, S 9.7.1].</summary>
public enum RevocationReason
{
    Furto,
    Smarrimento,
    Deterioramento,
    Malfunzionamento,
    CompromissioneCodici,
    VariazioneDatiTitolare,
}

/// <summary>What backs a theft or a loss: a copy of the police report, or the holder's self-declaration [S 9.7.1].</summary>
public enum LossEvidenceKind
{
    PoliceReport,
    SelfDeclaration,
}

public sealed record LossEvidence(LossEvidenceKind Kind, string? Reference)
{
    /// <summary>The evidence as the revocation form prints it; null without evidence.</summary>
    public static string? Describe(LossEvidenceKind? kind, string? reference) => kind switch
    {
        LossEvidenceKind.PoliceReport => "Copia della denuncia" + (reference is null ? "" : ": " + reference),
        LossEvidenceKind.SelfDeclaration => "Autocertificazione del titolare" + (reference is null ? "" : ": " + reference),
        _ => null,
    };
}

/// <summary>The revocation's rules other modules apply too (an interoperability request checks the evidence and prints the reason).</summary>
public static class RevocationRules
{
    public static void CheckEvidence(RevocationReason reason, LossEvidence? evidence)
    {
        if (reason is not (RevocationReason.Furto or RevocationReason.Smarrimento)) return;
        if (evidence is null)
            throw new DomainRuleException("loss-evidence-required",
                "Per furto o smarrimento serve la copia della denuncia o un'autocertificazione.");
        if (evidence.Kind == LossEvidenceKind.PoliceReport && string.IsNullOrWhiteSpace(evidence.Reference))
            throw new DomainRuleException("police-report-reference-required", "Indicare gli estremi della denuncia.");
    }

    public static string Label(RevocationReason reason) => reason switch
    {
        RevocationReason.Furto => "FURTO",
        RevocationReason.Smarrimento => "SMARRIMENTO",
        RevocationReason.Deterioramento => "DETERIORAMENTO",
        RevocationReason.Malfunzionamento => "MALFUNZIONAMENTO",
        RevocationReason.CompromissioneCodici => "COMPROMISSIONE CODICI",
        _ => "VARIAZIONE DATI TITOLARE",
    };
}
