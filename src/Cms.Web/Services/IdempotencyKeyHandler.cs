using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Cms.Web.Services;

/// <summary>
/// A confirm sent twice — a double click, the browser sending the form again after a lost answer — must show the first
/// answer again, not "the request is no longer pending": the first halves of the codes are shown only once; a wrong CIP sent
/// twice must count as one try; a create sent twice must make one request. Every form the site posts to itself carries a key
/// made when the page was drawn (<see cref="FormField"/>, <see cref="IdempotencyKeyTagHelper"/>); every write the page's handler sends to the API then goes with an <c>Idempotency-Key</c> made
/// of that key, the call and its body, and a "still running" answer (the first submission
/// has not finished yet) is waited out, so that the second submission shows what the first one got.
/// </summary>
public sealed partial class IdempotencyKeyHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    public const string FormField = "idempotencyKey";

    /// <summary>How long a second submission waits for the first one's answer.</summary>
    public static readonly TimeSpan WaitForFirst = TimeSpan.FromSeconds(20);

    public static string NewKey() => Guid.NewGuid().ToString("N");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if ((request.Method != HttpMethod.Post && request.Method != HttpMethod.Put) || await FormKeyAsync(cancellationToken) is not { } formKey)
            return await base.SendAsync(request, cancellationToken);

        // One key per call and content: the form's key and a digest of the call and its body. A handler may write more than
        // once, and the same form sent again with other values (a CIP typed again after a lost answer) is another request.
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        digest.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.RequestUri?.AbsolutePath}\n"));
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken);
            digest.AppendData(await request.Content.ReadAsByteArrayAsync(cancellationToken));
        }
        request.Headers.Add("Idempotency-Key", $"{formKey}-{Convert.ToHexString(digest.GetHashAndReset())[..24]}");
        var until = DateTime.UtcNow + WaitForFirst;
        while (true)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Conflict || DateTime.UtcNow > until) return response;
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            if (!(await response.Content.ReadAsStringAsync(cancellationToken)).Contains("idempotency-request-in-progress", StringComparison.Ordinal))
                return response;
            response.Dispose();
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private async Task<string?> FormKeyAsync(CancellationToken cancellationToken)
    {
        var http = accessor.HttpContext;
        if (http is null || !HttpMethods.IsPost(http.Request.Method) || !http.Request.HasFormContentType) return null;
        var form = await http.Request.ReadFormAsync(cancellationToken);
        var key = form[FormField].ToString();
        return KeyPattern().IsMatch(key) ? key : null;
    }

    [GeneratedRegex("^[A-Za-z0-9]{16,64}$")]
    private static partial Regex KeyPattern();
}
