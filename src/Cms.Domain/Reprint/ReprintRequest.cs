using Cms.Domain.Reprint.Contracts;
using Cms.Domain.Common;
using Cms.Domain.Requests;

namespace Cms.Domain.Reprint;

/// <summary>
/// A request to release the same PIN/PUK/CIP of an active card again, in two halves [M 2.5, T 2.4, TM 10.6]. Codes the
/// holder changed with the card's software cannot be recovered: the operator is warned.
/// </summary>
public sealed class ReprintRequest : CodeReleaseRequest
{
    private ReprintRequest() { }

    public ReprintRequest(Guid id, string cardNumber, string holderCodiceFiscale, Guid operatorId, string counterCode,
        DateTimeOffset now, TimeSpan pendingFor, PeopleDetails people, ReprintReason reason, string? reasonNote, ReprintPlace place)
        : base(id, cardNumber, holderCodiceFiscale, operatorId, counterCode, now) => Apply(people, reason, reasonNote, place, now, pendingFor);

    public ReprintReason Reason { get; private set; }
    public string? ReasonNote { get; private set; }
    /// <summary>
    /// Why the codes are released at a counter outside the holder's health authority (or for a holder whose health authority is
    /// not known, or from another region): required then, audited and shown with the request.
    /// </summary>
    public string? OutsideHealthAuthorityReason { get; private set; }

    public void Modify(PeopleDetails people, ReprintReason reason, string? reasonNote, ReprintPlace place, DateTimeOffset now, TimeSpan pendingFor)
    {
        EnsurePending(now);
        Apply(people, reason, reasonNote, place, now, pendingFor);
    }

    private void Apply(PeopleDetails people, ReprintReason reason, string? reasonNote, ReprintPlace place, DateTimeOffset now, TimeSpan pendingFor)
    {
        if (reason == ReprintReason.Altro && string.IsNullOrWhiteSpace(reasonNote))
            throw new DomainRuleException("reason-note-required", "Con il motivo ALTRO va descritto il motivo della ristampa.");
        place.Check(CounterCode);
        ApplyPeople(people, now, pendingFor);
        Reason = reason;
        ReasonNote = string.IsNullOrWhiteSpace(reasonNote) ? null : reasonNote.Trim();
        OutsideHealthAuthorityReason = string.IsNullOrWhiteSpace(place.OutsideReason) ? null : place.OutsideReason.Trim();
    }

    public static string Label(ReprintReason reason) => ReprintRules.Label(reason);

    public const string ChangedCodesWarning =
        "I codici eventualmente modificati dal titolare con il software della carta non possono essere recuperati: la ristampa rilascia i codici originari.";
}
