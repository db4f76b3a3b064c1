using Cms.Domain.Common;

namespace Cms.Domain.Consents.Contracts;

/// <summary>
/// The consent set a region collects for the Fascicolo Sanitario Elettronico. <see cref="Current"/>: the law since
/// 19 May 2020 (DL 34/2020 art. 11) — the record is fed automatically, so only consultation by third parties and the
/// past-data choice are asked. <see cref="Legacy"/>: the seeds' set, with the consent to feeding the record [T 2.2.1, 2.3].
/// </summary>
public enum ConsentModel
{
    Current,
    Legacy,
}

/// <summary>Recovery of the data before the record existed [T 2.2.1]: with or without obscuring them, or not at all.</summary>
public enum PastDataChoice
{
    RecoverWithoutObscuring,
    RecoverWithObscuring,
    NoRecovery,
}

/// <summary>The answers given at the counter.</summary>
public sealed record ConsentChoices(
    bool InformationNoticeSeen, bool? FeedingConsent, bool ConsultationConsent, string? NotificationEmail, PastDataChoice PastData);

/// <summary>The rules of each consent model, each with its own name.</summary>
public static class ConsentRules
{
    public static void Check(ConsentModel model, ConsentChoices c, bool declarationConfirmed)
    {
        if (model == ConsentModel.Current && c.FeedingConsent is not null)
            throw new DomainRuleException("feeding-consent-abolished",
                "Dal 19 maggio 2020 il Fascicolo è alimentato automaticamente (DL 34/2020, art. 11): il consenso all'alimentazione non si raccoglie più.");
        if (model == ConsentModel.Legacy)
        {
            if (c.FeedingConsent is null)
                throw new DomainRuleException("feeding-consent-required", "Indicare se il cittadino acconsente all'alimentazione del fascicolo.");
            if (c.FeedingConsent == false && c.ConsultationConsent)
                throw new DomainRuleException("consultation-without-feeding",
                    "Senza il consenso all'alimentazione il fascicolo non può essere consultato da terzi.");
            if (c.FeedingConsent == false && c.PastData != PastDataChoice.NoRecovery)
                throw new DomainRuleException("past-data-without-feeding",
                    "Senza il consenso all'alimentazione i dati pregressi non possono essere recuperati.");
        }
        if (c.NotificationEmail is not null && !c.ConsultationConsent)
            throw new DomainRuleException("notification-email-without-consultation",
                "L'e-mail di notifica degli accessi si indica solo con il consenso alla consultazione da parte di terzi.");
        if (!declarationConfirmed)
            throw new DomainRuleException("consent-declaration-required",
                "Il titolare della carta (o suo delegato) deve dichiarare di aver preso visione dei consensi indicati.");
    }

    public static string Label(ConsentModel model) => model == ConsentModel.Current
        ? "Consensi FSE secondo il DL 34/2020 (alimentazione automatica del fascicolo)"
        : "Consensi FSE (modello con consenso all'alimentazione)";
}
