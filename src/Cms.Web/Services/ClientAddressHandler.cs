namespace Cms.Web.Services;

/// <summary>
/// Passes the end client's address to the API (decision 0031), so that the API's sign-in rate limit and back-off apply to
/// each person and not to this host as a whole. The API believes the header only from the hosts named in its
/// <c>Hardening:WebUiAddresses</c>. The address is the connection's, after the forwarded headers of a known proxy
/// (<c>Web:KnownProxies</c>) have been applied.
/// </summary>
public sealed class ClientAddressHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    public const string Header = "X-Cms-Client-Address";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(Header);
        if (accessor.HttpContext?.Connection.RemoteIpAddress is { } address)
            request.Headers.TryAddWithoutValidation(Header, (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString());
        return base.SendAsync(request, cancellationToken);
    }
}
