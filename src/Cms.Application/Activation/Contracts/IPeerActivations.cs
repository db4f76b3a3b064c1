using Cms.Application.Interop.Contracts;
using Cms.Application.Activation.Common;
using Cms.Application.Administration.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Delivery;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Activation;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Requests;
using Microsoft.Extensions.Options;

namespace Cms.Application.Activation.Contracts;

/// <summary>An activation asked by another region's counter (interoperability), done here in one step under this region's rules.</summary>
public interface IPeerActivations
{
    /// <summary>
    /// In the caller's transaction: the same checks as at a counter here (card activatable, people rules), the request
    /// recorded under the peer's counter code and completed, the card ACTIVE, the second halves to the outbox.
    /// </summary>
    Task<PeerCodeRelease> ActivateAsync(string cardNumber, IPeopleInput people, PeerOrigin origin, CancellationToken cancellationToken);
}

internal sealed class PeerActivations(
    IActivationData db, ActivationRequests requests, ICardRegistry registry, CodeRelease release, IRecipientGuard recipients, IOptions<CmsOptions> options,
    TimeProvider clock)
    : IPeerActivations
{
    public async Task<PeerCodeRelease> ActivateAsync(string cardNumber, IPeopleInput people, PeerOrigin origin, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var card = await requests.CardAsync(cardNumber, cancellationToken);
        CardRules.EnsureActivatable(card.State);
        var details = PeopleInputRules.ToDetails(people);
        PeopleRules.Check(details, card.Holder.CodiceFiscale, card.Holder.Minor, RequestViews.Today(now));
        var request = new ActivationRequest(Guid.CreateVersion7(), card.CardNumber, card.Holder.CodiceFiscale, origin.PeerId,
            origin.CounterCode, now, RequestViews.PendingFor(options.Value), details);
        db.ActivationRequests.Add(request);
        await recipients.EnsureNotSharedAsync(request.Delivery, request.HolderCodiceFiscale, now, cancellationToken);
        var codes = await registry.ActivateAsync(request.CardNumber, now, cancellationToken);
        var (first, deliveryId) = release.Release(request, codes, "ACTIVATION", now);
        return new PeerCodeRelease(request.Id, CardState.Active, card.ExpiryDate, first, deliveryId);
    }
}
