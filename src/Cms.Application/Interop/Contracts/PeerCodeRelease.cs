using Cms.Application.Requests;
using Cms.Domain.Identification.Contracts;

namespace Cms.Application.Interop.Contracts;

/// <summary>What a code-releasing operation done for a peer answers: the request made here, the card, the first halves.</summary>
public sealed record PeerCodeRelease(Guid LocalRequestId, CardState CardState, DateOnly CardExpiryDate, CodeParts FirstHalves, Guid DeliveryId);
