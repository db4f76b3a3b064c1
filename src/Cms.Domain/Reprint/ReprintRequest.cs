using Cms.Domain.Common;
using Cms.Domain.Requests;

namespace Cms.Domain.Reprint;

/// <summary>Why the holder asks for the codes again [M 2.5, T 2.4].</summary>
public enum ReprintReason
{
    Smarrimento,
    Dimenticanza,
    MancataRicezione,
    Altro,
}

/// <summary>
/// A request to release the same PIN/PUK/CIP of an active card again, in two halves [M 2.5, T 2.4, TM 10.6]. Codes the
/// holder changed with the card's software cannot be recovered: the operator is warned.
/// </summary>
public sealed class ReprintRequest : CodeReleaseRequest
{
    private ReprintRequest() { }

    public ReprintRequest(Guid id, string cardNumber, string holderCodiceFiscale, Guid operatorId, string counterCode,
        DateTimeOffset now, TimeSpan pendingFor, PeopleDetails people, ReprintReason reason, string? reasonNote)
        : base(id, cardNumber, holderCodiceFiscale, operatorId, counterCode, now) => Apply(people, reason, reasonNote, now, pendingFor);

    public ReprintReason Reason { get; private set; }
    public string? ReasonNote { get; private set; }

    public void Modify(PeopleDetails people, ReprintReason reason, string? reasonNote, DateTimeOffset now, TimeSpan pendingFor)
    {
        EnsurePending(now);
        Apply(people, reason, reasonNote, now, pendingFor);
    }

    private void Apply(PeopleDetails people, ReprintReason reason, string? reasonNote, DateTimeOffset now, TimeSpan pendingFor)
    {
        if (reason == ReprintReason.Altro && string.IsNullOrWhiteSpace(reasonNote))
            throw new DomainRuleException("reason-note-required", "Con il motivo ALTRO va descritto il motivo della ristampa.");
        ApplyPeople(people, now, pendingFor);
        Reason = reason;
        ReasonNote = string.IsNullOrWhiteSpace(reasonNote) ? null : reasonNote.Trim();
    }

    public static string Label(ReprintReason reason) => reason switch
    {
        ReprintReason.Smarrimento => "Smarrimento dei codici",
        ReprintReason.Dimenticanza => "Dimenticanza dei codici",
        ReprintReason.MancataRicezione => "Mancata ricezione dei codici",
        _ => "Altro",
    };

    public const string ChangedCodesWarning =
        "I codici eventualmente modificati dal titolare con il software della carta non possono essere recuperati: la ristampa rilascia i codici originari.";
}
