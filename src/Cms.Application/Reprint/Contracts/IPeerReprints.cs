using Cms.Application.Interop.Contracts;
using Cms.Domain.Reprint.Contracts;
using Cms.Domain.Identification.Contracts;
using Cms.Application.Administration.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Delivery;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Identification.Contracts;
using Cms.Application.Reprint.Common;
using Cms.Domain.Identification;
using Cms.Domain.Reprint;
using Cms.Domain.Requests;
using Microsoft.Extensions.Options;

namespace Cms.Application.Reprint.Contracts;

/// <summary>A reprint of PIN/PUK asked by another region's counter (interoperability), done here in one step under this region's rules.</summary>
public interface IPeerReprints
{
    /// <param name="outsideHealthAuthorityReason">
    /// Why the codes are released at a counter of another region: such a counter is always outside the holder's health authority,
    /// so without it the reprint is refused (<c>reprint-outside-health-authority</c>).
    /// </param>
    Task<PeerCodeRelease> ReprintAsync(string cardNumber, IPeopleInput people, ReprintReason reason, string? reasonNote,
        string? outsideHealthAuthorityReason, PeerOrigin origin, CancellationToken cancellationToken);
}

internal sealed class PeerReprints(
    IReprintData db, ReprintRequests requests, ICardRegistry registry, CodeRelease release, IRecipientGuard recipients, IOptions<CmsOptions> options,
    TimeProvider clock)
    : IPeerReprints
{
    public async Task<PeerCodeRelease> ReprintAsync(string cardNumber, IPeopleInput people, ReprintReason reason, string? reasonNote,
        string? outsideHealthAuthorityReason, PeerOrigin origin, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var card = await requests.CardAsync(cardNumber, cancellationToken);
        CardRules.EnsureReprintable(card.State);
        var details = PeopleInputRules.ToDetails(people);
        PeopleRules.Check(details, card.Holder.CodiceFiscale, card.Holder.Minor, RequestViews.Today(now));
        var request = new ReprintRequest(Guid.CreateVersion7(), card.CardNumber, card.Holder.CodiceFiscale, origin.PeerId, origin.CounterCode,
            now, RequestViews.PendingFor(options.Value), details, reason, reasonNote,
            ReprintInputRules.Place(card, outsideHealthAuthorityReason));
        db.ReprintRequests.Add(request);
        await recipients.EnsureNotSharedAsync(request.Delivery, request.HolderCodiceFiscale, now, cancellationToken);
        var codes = await registry.ReleaseAgainAsync(request.CardNumber, now, cancellationToken);
        var (first, deliveryId) = release.Release(request, codes, "REPRINT", now);
        return new PeerCodeRelease(request.Id, card.State, card.ExpiryDate, first, deliveryId);
    }
}
