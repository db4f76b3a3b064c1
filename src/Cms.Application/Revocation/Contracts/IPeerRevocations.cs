using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Outbound;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Application.Revocation.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Outbound;
using Cms.Domain.Requests;
using Cms.Domain.Revocation;
using Microsoft.Extensions.Options;

namespace Cms.Application.Revocation.Contracts;

/// <summary>What a revocation done for a peer answers.</summary>
public sealed record PeerRevocationResult(Guid LocalRequestId, CardState CardState, DateOnly CardExpiryDate);

/// <summary>A revocation asked by another region's counter (interoperability), done here in one step under this region's rules.</summary>
public interface IPeerRevocations
{
    /// <summary>
    /// In the caller's transaction: the same checks as at a counter here (card revocable, people, reason and evidence), the
    /// holder's CIP tried (and counted) as here, then the request recorded under the peer's counter code and confirmed — the
    /// card REVOKED and the certificate revocation queued for the certification authority. The signed form stays with the
    /// counter that met the holder.
    /// </summary>
    Task<PeerRevocationResult> RevokeAsync(string cardNumber, IAttendeeInput attendee, RevocationReason reason, LossEvidence? evidence, string cip,
        PeerOrigin origin, CancellationToken cancellationToken);
}

internal sealed class PeerRevocations(
    IRevocationData db, RevocationRequests requests, CipChecks cipChecks, ICardRegistry registry, OutboundCalls calls, IOptions<CmsOptions> options,
    TimeProvider clock) : IPeerRevocations
{
    public async Task<PeerRevocationResult> RevokeAsync(string cardNumber, IAttendeeInput attendee, RevocationReason reason, LossEvidence? evidence,
        string cip, PeerOrigin origin, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var card = await requests.CardAsync(cardNumber, cancellationToken);
        CardRules.EnsureRevocable(card.State);
        var details = AttendeeInputRules.ToDetails(attendee);
        PeopleRules.EnsureInPersonOrLegalDelegation(details.Mode);
        PeopleRules.Check(details, card.Holder.CodiceFiscale, card.Holder.Minor, RequestViews.Today(now));
        var request = new RevocationRequest(Guid.CreateVersion7(), card.CardNumber, card.Holder.CodiceFiscale, origin.PeerId, origin.CounterCode,
            now, RequestViews.PendingFor(options.Value), details, reason, evidence);
        // The CIP before anything is recorded: a wrong one keeps only its try.
        await cipChecks.CheckAsync(card.CardNumber, request.Id, cip, origin.PeerId, origin.CounterCode, now, cancellationToken);
        db.RevocationRequests.Add(request);
        request.MarkCipVerified(now);
        request.MarkFormPrinted(now);
        await registry.ChangeStateAsync(card.CardNumber, CardTransition.Revoke, now, cancellationToken);
        var call = calls.Enqueue(OutboundTarget.CertificationAuthority, "REVOCATION", request.Id.ToString(),
            RevocationRequests.CertificatePayload("REVOKE", card.CardNumber, card.Holder.CodiceFiscale, ApiNames.Of(reason), request.Id, now, origin.CounterCode));
        request.Confirm(now, formPrintedAndSigned: true, call.Id);
        return new PeerRevocationResult(request.Id, CardState.Revoked, card.ExpiryDate);
    }
}
