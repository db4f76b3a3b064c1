using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Domain.Requests;
using Microsoft.Extensions.Options;

namespace Cms.Application.Delivery;

/// <summary>
/// The moment codes are released: split by the regional settings, the second halves written to the outbox, the
/// request completed — all in the caller's transaction. The first halves go back to the counter, for printing.
/// </summary>
public sealed class CodeRelease(CodeMessageOutbox outbox, IOptions<CmsOptions> options)
{
    public (CodeParts FirstHalves, Guid DeliveryId) Release(CodeReleaseRequest request, CardCodes codes, string purpose, DateTimeOffset now)
    {
        var (first, second) = CodeHalves.Split(codes, options.Value.Codes);
        var deliveryId = outbox.Enqueue(request.Delivery, request.CardNumber, purpose, second);
        request.Complete(now, deliveryId);
        return (first, deliveryId);
    }
}
