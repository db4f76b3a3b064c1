using Cms.Application.Common.Auditing;
using Cms.Domain.Requests;

namespace Cms.Application.Requests;

/// <summary>
/// The steps every module's handlers of a counter request share (the seven <c>Print…Document</c> and the six
/// <c>Cancel…</c> handlers were near copies): the audit entry names the request and what is done, the request is read
/// (locked, for a change, until the command's transaction ends) and the entry names its card and holder.
/// </summary>
public static class CounterRequestSteps
{
    /// <summary>A request's loader: each module's (which keeps a request visible to the counter that created it only).</summary>
    public delegate Task<T> Loader<T>(Guid id, CancellationToken cancellationToken, bool forUpdate);

    /// <summary>Reads the request for the step named <paramref name="detail"/> in the audit entry.</summary>
    public static async Task<T> OpenAsync<T>(AuditScope audit, Loader<T> load, Guid id, string detail, CancellationToken cancellationToken,
        bool forUpdate = true) where T : ICancellableRequest
    {
        audit.RequestId = id.ToString();
        audit.Detail = detail;
        var request = await load(id, cancellationToken, forUpdate);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        return request;
    }

    /// <summary>Cancels a pending request (the domain refuses any other): audited as <c>cancel</c>.</summary>
    public static async Task<T> CancelAsync<T>(AuditScope audit, Loader<T> load, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
        where T : ICancellableRequest
    {
        var request = await OpenAsync(audit, load, id, "cancel", cancellationToken);
        request.Cancel(now);
        return request;
    }
}
