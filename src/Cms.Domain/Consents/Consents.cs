using Cms.Domain.Consents.Contracts;
using Cms.Domain.Common;
using Cms.Domain.Requests;

namespace Cms.Domain.Consents;

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
