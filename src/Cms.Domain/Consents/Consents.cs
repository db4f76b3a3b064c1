using Cms.Domain.Common;
using Cms.Domain.Requests;

namespace Cms.Domain.Consents;

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

/// <summary>A request to record the holder's FSE consents [T 2.3]: at activation or later, direct or delegated, with a document.</summary>
public sealed class ConsentRequest : AttendedRequest
{
    private ConsentRequest() { }

    public ConsentRequest(Guid id, string cardNumber, string holderCodiceFiscale, Guid operatorId, string counterCode, DateTimeOffset now,
        TimeSpan pendingFor, AttendeeDetails attendee, ConsentModel model, ConsentChoices choices, bool declarationConfirmed, Guid? activationId)
        : base(id, cardNumber, holderCodiceFiscale, operatorId, counterCode, now)
    {
        ActivationId = activationId;
        Apply(attendee, model, choices, declarationConfirmed, now, pendingFor);
    }

    public ConsentModel Model { get; private set; }
    public ConsentChoices Choices { get; private set; } = null!;
    public bool DeclarationConfirmed { get; private set; }
    /// <summary>The activation these consents were collected with, for the combined print.</summary>
    public Guid? ActivationId { get; private set; }
    public Guid? VersionId { get; private set; }

    public void Modify(AttendeeDetails attendee, ConsentModel model, ConsentChoices choices, bool declarationConfirmed, DateTimeOffset now, TimeSpan pendingFor)
    {
        EnsurePending(now);
        Apply(attendee, model, choices, declarationConfirmed, now, pendingFor);
    }

    public void Complete(DateTimeOffset now, Guid versionId)
    {
        CompleteAt(now);
        VersionId = versionId;
    }

    private void Apply(AttendeeDetails attendee, ConsentModel model, ConsentChoices choices, bool declarationConfirmed, DateTimeOffset now, TimeSpan pendingFor)
    {
        PeopleRules.EnsureInPersonOrLegalDelegation(attendee.Mode);
        ConsentRules.Check(model, choices, declarationConfirmed);
        ApplyAttendee(attendee, now, pendingFor);
        Model = model;
        Choices = choices;
        DeclarationConfirmed = declarationConfirmed;
    }
}

/// <summary>One version of a holder's consents; every change is a new version. The FSE call that carried it is kept.</summary>
public sealed class ConsentVersion
{
    private ConsentVersion() { }

    public ConsentVersion(Guid id, string holderCodiceFiscale, string cardNumber, int number, ConsentModel model, ConsentChoices choices,
        RequestMode mode, Guid requestId, Guid operatorId, string counterCode, DateTimeOffset recordedAt, Guid fseCallId)
    {
        Id = id;
        HolderCodiceFiscale = holderCodiceFiscale;
        CardNumber = cardNumber;
        Number = number;
        Model = model;
        Choices = choices;
        Mode = mode;
        RequestId = requestId;
        OperatorId = operatorId;
        CounterCode = counterCode;
        RecordedAt = recordedAt;
        FseCallId = fseCallId;
    }

    public Guid Id { get; private set; }
    public string HolderCodiceFiscale { get; private set; } = null!;
    public string CardNumber { get; private set; } = null!;
    public int Number { get; private set; }
    public ConsentModel Model { get; private set; }
    public ConsentChoices Choices { get; private set; } = null!;
    public RequestMode Mode { get; private set; }
    public Guid RequestId { get; private set; }
    public Guid OperatorId { get; private set; }
    public string CounterCode { get; private set; } = null!;
    public DateTimeOffset RecordedAt { get; private set; }
    public Guid FseCallId { get; private set; }
}
