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

        // One key per call and content: a handler may write more than once, and the same form sent again with other values (a
        // CIP typed again after a lost answer) is another request. The key is an HMAC of the call and its body under the form's
        // key, which never leaves the page and this request: the API stores the key, and a plain hash of a body carrying a CIP
        // would give the CIP back to whoever reads that table.
        byte[] body = [];
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken);
            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
        }
        request.Headers.Add("Idempotency-Key", Derive(formKey, request.Method.Method, request.RequestUri?.AbsolutePath ?? "", body));
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

    /// <summary>The API's key for one call of a form: 48 hex digits of HMAC-SHA256(form key, method, path, body).</summary>
    public static string Derive(string formKey, string method, string path, ReadOnlySpan<byte> body)
    {
        using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.ASCII.GetBytes(formKey));
        mac.AppendData(Encoding.UTF8.GetBytes($"{method} {path}\n"));
        mac.AppendData(body);
        return "web-" + Convert.ToHexString(mac.GetHashAndReset())[..48];
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
