using Cms.Domain.Revocation.Contracts;
using Cms.Domain.Common;
using Cms.Domain.Requests;

namespace Cms.Domain.Revocation;

/// <summary>
/// A request to revoke the card's authentication certificate for good [M 2.6, T 2.5, TM 10.7, S 9.7]: the CIP is verified
/// as its own step, the Modulo di richiesta revoca is printed and signed, then the confirm makes the card REVOKED. A card never
/// activated (NOT_ACTIVE when the request is opened) has no CIP step: its holder never received one, and the identity document
/// recorded with the request and the signed form stand in for it (decision 0040).
/// </summary>
public sealed class RevocationRequest : AttendedRequest
{
    private RevocationRequest() { }

    public RevocationRequest(Guid id, string cardNumber, string holderCodiceFiscale, Guid operatorId, string counterCode, DateTimeOffset now,
        TimeSpan pendingFor, AttendeeDetails attendee, RevocationReason reason, LossEvidence? evidence, bool cardNeverActivated = false)
        : base(id, cardNumber, holderCodiceFiscale, operatorId, counterCode, now)
    {
        Apply(attendee, reason, evidence, now, pendingFor);
        CipRequired = !cardNeverActivated;
    }

    public RevocationReason Reason { get; private set; }
    public LossEvidenceKind? EvidenceKind { get; private set; }
    public string? EvidenceReference { get; private set; }
    public DateTimeOffset? CipVerifiedAt { get; private set; }
    /// <summary>False when the card had never been activated when the request was opened: no CIP step (decision 0040).</summary>
    public bool CipRequired { get; private set; } = true;
    public DateTimeOffset? FormPrintedAt { get; private set; }
    public Guid? CertificateRevocationCallId { get; private set; }

    public void Modify(AttendeeDetails attendee, RevocationReason reason, LossEvidence? evidence, DateTimeOffset now, TimeSpan pendingFor)
    {
        EnsurePending(now);
        Apply(attendee, reason, evidence, now, pendingFor);
        FormPrintedAt = null; // the printed form no longer says what will be executed: print it again
    }

    public void MarkCipVerified(DateTimeOffset now)
    {
        EnsurePending(now);
        EnsureCipRequired();
        CipVerifiedAt = now;
    }

    /// <summary>The CIP step exists only for a card that was activated: its holder received the CIP with the other codes.</summary>
    public void EnsureCipRequired()
    {
        if (!CipRequired)
            throw new DomainRuleException("cip-not-required",
                "La tessera non è mai stata attivata: il titolare non ha ricevuto il CIP. La revoca si esegue con il documento di riconoscimento e il modulo firmato.",
                RuleKind.Conflict);
    }

    /// <summary>
    /// A request opened without the CIP step for a card never activated: the card must still be NOT_ACTIVE at the confirm. Activated
    /// since, its holder now has a CIP — a new request asks for it.
    /// </summary>
    /// <param name="activatedSince">The card's locked row says ACTIVE or SUSPENDED: only an activation gave the holder a CIP since; any
    /// other state (expired, revoked) is the card's own refusal to revoke.</param>
    public void EnsureCardStillNeverActivated(bool activatedSince)
    {
        if (CipRequired || !activatedSince) return;
        throw new DomainRuleException("card-activated-since-request",
            "La tessera è stata attivata dopo l'apertura della richiesta: annullare la richiesta e ripeterla con la verifica del CIP.",
            RuleKind.Conflict);
    }

    /// <summary>The form was produced while pending: from now on the confirm may be accepted.</summary>
    public void MarkFormPrinted(DateTimeOffset now)
    {
        if (StatusAt(now) == RequestStatus.Pending) FormPrintedAt = now;
    }

    /// <summary>The last step: CIP verified (when required), form printed and — says the operator — signed.</summary>
    public void Confirm(DateTimeOffset now, bool formPrintedAndSigned, Guid certificateRevocationCallId)
    {
        EnsureConfirmable(now, formPrintedAndSigned);
        CompleteAt(now);
        CertificateRevocationCallId = certificateRevocationCallId;
    }

    public void EnsureConfirmable(DateTimeOffset now, bool formPrintedAndSigned)
    {
        EnsurePending(now);
        if (CipRequired && CipVerifiedAt is null)
            throw new DomainRuleException("cip-not-verified", "Prima di eseguire la revoca va verificato il CIP del titolare.", RuleKind.Conflict);
        if (FormPrintedAt is null)
            throw new DomainRuleException("revocation-form-not-printed",
                "Prima di eseguire la revoca va stampato il Modulo di richiesta revoca e fatto firmare.", RuleKind.Conflict);
        if (!formPrintedAndSigned)
            throw new DomainRuleException("form-signature-not-acknowledged",
                "Confermare di aver stampato il modulo e di averlo fatto firmare al richiedente.");
    }

    private void Apply(AttendeeDetails attendee, RevocationReason reason, LossEvidence? evidence, DateTimeOffset now, TimeSpan pendingFor)
    {
        PeopleRules.EnsureInPersonOrLegalDelegation(attendee.Mode);
        CheckEvidence(reason, evidence);
        ApplyAttendee(attendee, now, pendingFor);
        Reason = reason;
        EvidenceKind = reason is RevocationReason.Furto or RevocationReason.Smarrimento ? evidence!.Kind : null;
        EvidenceReference = EvidenceKind is null || string.IsNullOrWhiteSpace(evidence!.Reference) ? null : evidence.Reference.Trim();
    }

    /// <summary>Theft and loss need their evidence: a police report (with its reference) or a self-declaration.</summary>
    public static void CheckEvidence(RevocationReason reason, LossEvidence? evidence) => RevocationRules.CheckEvidence(reason, evidence);

    public static string Label(RevocationReason reason) => RevocationRules.Label(reason);

    /// <summary>Said on the summary and printed on the form of a revocation of a card never activated (decision 0040).</summary>
    public const string NoCipNote =
        "CIP non verificato: la tessera non è mai stata attivata e il titolare non ha ricevuto il CIP. Fanno fede il documento di riconoscimento e il modulo firmato.";

    public const string IrreversibleWarning =
        "La revoca è definitiva: la carta non potrà più essere usata per i servizi in rete (resta valida come tessera sanitaria a vista).";
}

/// <summary>One try of a CIP at a counter; the wrong ones of the last 24 hours lock the card's CIP verification.</summary>
public sealed class CipAttempt
{
    private CipAttempt() { }

    public CipAttempt(Guid id, string cardNumber, Guid requestId, Guid operatorId, string counterCode, bool succeeded, DateTimeOffset at)
    {
        Id = id;
        CardNumber = cardNumber;
        RequestId = requestId;
        OperatorId = operatorId;
        CounterCode = counterCode;
        Succeeded = succeeded;
        At = at;
    }

    public Guid Id { get; private set; }
    public string CardNumber { get; private set; } = null!;
    public Guid RequestId { get; private set; }
    public Guid OperatorId { get; private set; }
    public string CounterCode { get; private set; } = null!;
    public bool Succeeded { get; private set; }
    public DateTimeOffset At { get; private set; }

    public const int MaxWrongTries = 5;
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);
}

/// <summary>Why the issuer revokes a card on its own initiative [S 9.7.2, TM 10.7.1].</summary>
public enum IssuerRevocationReason
{
    ErroreDatiAnagrafici,
    MancatoRecapito,
    Decesso,
    CessatoDirittoAllAssistenza,
}

/// <summary>A revocation decided by the issuer (role Issuer): no CIP, no counter, the issuer's reasons.</summary>
public sealed class IssuerRevocation
{
    private IssuerRevocation() { }

    public IssuerRevocation(Guid id, string cardNumber, string holderCodiceFiscale, IssuerRevocationReason reason, string? note,
        Guid issuerOperatorId, DateTimeOffset now, Guid certificateRevocationCallId)
    {
        Id = id;
        CardNumber = cardNumber;
        HolderCodiceFiscale = holderCodiceFiscale;
        Reason = reason;
        Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        IssuerOperatorId = issuerOperatorId;
        RevokedAt = now;
        CertificateRevocationCallId = certificateRevocationCallId;
    }

    public Guid Id { get; private set; }
    public string CardNumber { get; private set; } = null!;
    public string HolderCodiceFiscale { get; private set; } = null!;
    public IssuerRevocationReason Reason { get; private set; }
    public string? Note { get; private set; }
    public Guid IssuerOperatorId { get; private set; }
    public DateTimeOffset RevokedAt { get; private set; }
    public Guid CertificateRevocationCallId { get; private set; }

    public static string Label(IssuerRevocationReason reason) => reason switch
    {
        IssuerRevocationReason.ErroreDatiAnagrafici => "ERRORE DATI ANAGRAFICI",
        IssuerRevocationReason.MancatoRecapito => "MANCATO RECAPITO",
        IssuerRevocationReason.Decesso => "DECESSO",
        _ => "CESSATO DIRITTO ALL'ASSISTENZA",
    };
}

/// <summary>Why a card is suspended [S 9.5]: suspected theft or loss, or codes possibly known to others.</summary>
public enum SuspensionReason
{
    SospettoFurto,
    SospettoSmarrimento,
    CompromissioneCodici,
    Altro,
}

public enum StateChangeKind
{
    Suspension,
    Reactivation,
}

/// <summary>A suspension or reactivation of a card at a counter [S 9.5–9.6], where the region enables them.</summary>
public sealed class StateChange
{
    private StateChange() { }

    public StateChange(Guid id, StateChangeKind kind, string cardNumber, string holderCodiceFiscale, AttendeeDetails attendee,
        SuspensionReason? reason, string? note, Guid operatorId, string counterCode, DateTimeOffset now)
    {
        if (kind == StateChangeKind.Suspension && reason is null)
            throw new DomainRuleException("suspension-reason-required", "Indicare il motivo della sospensione.");
        if (reason == SuspensionReason.Altro && string.IsNullOrWhiteSpace(note))
            throw new DomainRuleException("reason-note-required", "Con il motivo ALTRO va descritto il motivo.");
        Id = id;
        Kind = kind;
        CardNumber = cardNumber;
        HolderCodiceFiscale = holderCodiceFiscale;
        Mode = attendee.Mode;
        DelegationKind = attendee.Mode == RequestMode.Delegated ? attendee.DelegationKind : null;
        Delegate = attendee.Mode == RequestMode.Direct ? null : attendee.Delegate;
        Document = attendee.Document;
        Reason = kind == StateChangeKind.Suspension ? reason : null;
        Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        OperatorId = operatorId;
        CounterCode = counterCode;
        At = now;
    }

    public Guid Id { get; private set; }
    public StateChangeKind Kind { get; private set; }
    public string CardNumber { get; private set; } = null!;
    public string HolderCodiceFiscale { get; private set; } = null!;
    public RequestMode Mode { get; private set; }
    public DelegationKind? DelegationKind { get; private set; }
    public DelegatePerson? Delegate { get; private set; }
    public IdentityDocument Document { get; private set; } = null!;
    public SuspensionReason? Reason { get; private set; }
    public string? Note { get; private set; }
    public Guid OperatorId { get; private set; }
    public string CounterCode { get; private set; } = null!;
    public DateTimeOffset At { get; private set; }
    public Guid CertificateCallId { get; private set; }

    public void AttachCertificateCall(Guid callId) => CertificateCallId = callId;
}
