using Cms.Application.Common.Documents;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Domain.Common;
using Cms.Application.Requests;
using Cms.Domain.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Identification.Contracts;

/// <summary>
/// What the printed forms of any counter request need: the holder and the requester as printed, the counter's
/// name, and — only for the codes form, only after the confirm — the first halves.
/// </summary>
public sealed class CounterRequestForms(Administration.Contracts.IAdministrationDirectory administration, ICardDirectory cards, ICardRegistry registry, IOptions<CmsOptions> options, TimeProvider clock)
{
    public async Task<ActivationFormModel> ModelAsync(CodeReleaseRequest request, bool withFirstHalves, string purpose, string? reasonLabel,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var card = await cards.RequireCardAsync(request.CardNumber, cancellationToken);
        var counter = await administration.CounterNameAsync(request.CounterCode, cancellationToken);
        var h = card.Holder;
        var holder = new PersonOnForm(h.Surname, h.GivenName, h.CodiceFiscale, h.BirthPlace, h.BirthProvince, h.BirthDate, h.Citizenship, h.Sex,
            h.Residence.Address, h.Residence.Postcode, h.Residence.Municipality, h.Residence.Province, h.BirthCountry);
        var requester = request.Delegate is { } d ? new PersonOnForm(d.Surname, d.GivenName, d.CodiceFiscale) : holder;
        CodeParts? firstHalves = null;
        if (withFirstHalves)
            firstHalves = CodeHalves.Split(await registry.ReadCodesAsync(request.CardNumber, cancellationToken), options.Value.Codes).First;
        return new ActivationFormModel(request.CounterCode, counter ?? request.CounterCode, request.Id, now, request.CardNumber, card.ExpiryDate,
            holder, requester, request.Mode, request.DelegationKind, request.Document, request.Delivery, request.StatusAt(now) == RequestStatus.Completed,
            firstHalves, purpose, reasonLabel, request.Special);
    }

    /// <summary>What every form prints of the card, its holder and the counter.</summary>
    public async Task<FormBasics> BasicsAsync(string cardNumber, string counterCode, CancellationToken cancellationToken)
    {
        var card = await cards.RequireCardAsync(cardNumber, cancellationToken);
        var counter = await administration.CounterNameAsync(counterCode, cancellationToken);
        var h = card.Holder;
        var holder = new PersonOnForm(h.Surname, h.GivenName, h.CodiceFiscale, h.BirthPlace, h.BirthProvince, h.BirthDate, h.Citizenship, h.Sex,
            h.Residence.Address, h.Residence.Postcode, h.Residence.Municipality, h.Residence.Province, h.BirthCountry);
        return new FormBasics(counterCode, counter ?? counterCode, options.Value.Issuers.GetValueOrDefault(options.Value.Region) ?? options.Value.Region,
            clock.GetUtcNow(), card.CardNumber, holder);
    }

    /// <summary>Refuses a form the request does not offer in its present state.</summary>
    public static void EnsureAvailable(string? name, IReadOnlyList<string> available, RequestStatus status)
    {
        if (!available.Contains(name!))
            throw new DomainRuleException("document-not-available",
                    $"Il modulo '{name}' non è disponibile per questa richiesta (stato {status.ToString().ToUpperInvariant()}).", RuleKind.NotFound)
                .With("available", available);
    }
}
