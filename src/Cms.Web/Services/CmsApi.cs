using System.Net.Http.Headers;
using System.Security.Claims;

namespace Cms.Web.Services;

/// <summary>The generated client, with the signed-in operator's token (kept inside the protected sign-in cookie).</summary>
public sealed class CmsApi(IHttpClientFactory factory, IHttpContextAccessor accessor)
{
    public const string TokenClaim = "cms:access_token";
    private ICmsClient? client;

    public ICmsClient Client => client ??= Create(accessor.HttpContext?.User.FindFirstValue(TokenClaim));

    /// <summary>A client without a token, for signing in.</summary>
    public ICmsClient Anonymous() => Create(null);

    /// <summary>The named client for bodies streamed straight through: no idempotency key, no timeout (see Program.cs).</summary>
    public const string StreamingClient = "cms-streaming";

    /// <summary>
    /// The raw HTTP client with the token, for the one thing the generated client cannot stream straight through: the issuer's
    /// card feed, uploaded from the browser and sent on as it arrives (decision 0048).
    /// </summary>
    public HttpClient Http()
    {
        var http = factory.CreateClient(StreamingClient);
        if (accessor.HttpContext?.User.FindFirstValue(TokenClaim) is { } token)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private ICmsClient Create(string? token)
    {
        var http = factory.CreateClient("cms");
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new CmsClient(http);
    }
}
