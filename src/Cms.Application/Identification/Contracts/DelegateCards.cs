using Cms.Application.Common.Auditing;
using Cms.Application.Requests;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Requests;
using FluentValidation;

namespace Cms.Application.Identification.Contracts;

/// <summary>A request body that may carry the reading of the delegate's own TS-CNS ("Recupera dati delegato" [M 2.4.1]).</summary>
public interface IDelegateCardInput : IAttendeeInput
{
    ChipData? DelegateCard { get; }
}

/// <summary>
/// "Recupera dati delegato" [M 2.4.1, decision 0046]: the delegate's data taken from the delegate's own card, read by the desk's
/// reader. The reading is trusted no more than identification trusts it: the card must be in the registry and the chip must match
/// it field by field; the card must be usable (not revoked, suspended or expired), its holder an adult, and it must not be the
/// holder's own card. The delegate is then the registry's holder of that card, and the request records the card's number.
/// Every lookup leaves a trace: a refused one names the card looked up in the trail's rejected entry (<see cref="AuditScope.RejectionDetail"/>),
/// so the check cannot be used as an unrecorded probe of the registry (is the card there, is it revoked, is its holder a minor).
/// </summary>
public sealed class DelegateCards(ICardDirectory cards, AuditScope audit)
{
    public static void Rules<T>(AbstractValidator<T> v) where T : IDelegateCardInput
    {
        ChipReadings.Rules(v, x => x.DelegateCard, "delegateCard");
        v.RuleFor(x => x.DelegateCard).Null().When(x => x.Mode == RequestMode.Direct).WithErrorCode("delegate-card-direct-mode")
            .WithMessage("La tessera del delegato si legge solo per le richieste su delega.");
    }

    /// <summary>
    /// The people of the request with the delegate read from the card, when a reading was given; otherwise as typed — except that a
    /// delegate read from a card earlier (<paramref name="previous"/>, on a change) and left as it was keeps its card.
    /// </summary>
    public async Task<PeopleDetails> ResolveAsync(PeopleDetails details, ChipData? reading, CardView holderCard, DelegatePerson? previous,
        CancellationToken cancellationToken)
    {
        if (reading is null)
        {
            return details.Delegate is { } typed && details.Mode != RequestMode.Direct && previous?.CardNumber is not null
                && typed.CodiceFiscale == previous.CodiceFiscale && typed.Surname == previous.Surname && typed.GivenName == previous.GivenName
                ? details with { Delegate = previous }
                : details;
        }
        // Before the lookup: whatever refuses the request from here on, the trail names the card looked up.
        audit.RejectionDetail = $"delegate-card={reading.CardNumber}";
        var delegatePerson = await ReadAsync(reading, holderCard, cancellationToken);
        if (details.Delegate is { } given)
        {
            var differing = new List<string>();
            if (given.CodiceFiscale != delegatePerson.CodiceFiscale) differing.Add("delegate.codiceFiscale");
            if (!PersonNames.Same(delegatePerson.Surname, given.Surname)) differing.Add("delegate.surname");
            if (!PersonNames.Same(delegatePerson.GivenName, given.GivenName)) differing.Add("delegate.givenName");
            if (differing.Count > 0)
                throw new DomainRuleException("delegate-card-mismatch",
                        "I dati del delegato indicati non sono quelli letti dalla sua tessera: leggere di nuovo la tessera del delegato o inserire i dati a mano.",
                        RuleKind.Conflict)
                    .With("mismatchedFields", differing);
        }
        return details with { Delegate = delegatePerson };
    }

    private async Task<DelegatePerson> ReadAsync(ChipData reading, CardView holderCard, CancellationToken cancellationToken)
    {
        if (reading.CardNumber == holderCard.CardNumber || reading.CodiceFiscale == holderCard.Holder.CodiceFiscale)
            throw new DomainRuleException("delegate-card-is-holder",
                "La tessera letta è del titolare: per la richiesta su delega va letta la tessera del delegato.");
        var card = await cards.FindCardAsync(reading.CardNumber!, cancellationToken)
            ?? throw new DomainRuleException("delegate-card-not-found",
                "La tessera del delegato non è presente in banca dati: inserire a mano i dati del delegato.");
        var mismatches = ChipReadings.Mismatches(card.Holder.CodiceFiscale, card.Holder.Surname, card.Holder.GivenName, card.Holder.BirthDate,
            card.ExpiryDate, reading);
        if (mismatches.Count > 0)
            throw new DomainRuleException("delegate-card-mismatch",
                    "I dati letti dal chip della tessera del delegato non corrispondono a quelli in banca dati: inserire a mano i dati del delegato.",
                    RuleKind.Conflict)
                .With("mismatchedFields", mismatches.Select(f => "delegateCard." + f).ToList());
        if (card.State is not (CardState.Active or CardState.NotActive))
            throw new DomainRuleException("delegate-card-not-valid",
                    $"La tessera del delegato non è valida ({StateLabel(card.State)}): identificare il delegato con il documento e inserirne i dati a mano.")
                .With("cardState", card.State);
        if (card.Holder.Minor)
            throw new DomainRuleException("delegate-card-minor", "La tessera letta è di un minorenne: il delegato deve essere maggiorenne.");
        return new DelegatePerson(card.Holder.CodiceFiscale, card.Holder.Surname.Trim().ToUpperInvariant(),
            card.Holder.GivenName.Trim().ToUpperInvariant(), card.CardNumber);
    }

    /// <summary>What the trail's detail says of the delegate's source (empty when typed).</summary>
    public static string AuditSuffix(DelegatePerson? delegatePerson) =>
        delegatePerson?.CardNumber is { } number ? $" delegate-card={number}" : "";

    private static string StateLabel(CardState state) => state switch
    {
        CardState.Revoked => "revocata",
        CardState.Suspended => "sospesa",
        CardState.Expired => "scaduta",
        _ => state.ToString().ToUpperInvariant(),
    };
}
