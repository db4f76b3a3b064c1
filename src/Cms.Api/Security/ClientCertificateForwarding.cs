using System.Net;
using System.Security.Cryptography.X509Certificates;
using Cms.Application.Common.Abstractions;
using Microsoft.AspNetCore.Http.Features;

namespace Cms.Api.Security;

/// <summary>
/// The proxies allowed to forward a client certificate (<c>Authentication:ClientCertificate:TrustedProxies</c>, decision
/// 0032): IP addresses or CIDR ranges. A connection without an IP address — a Unix socket, or the in-process test server —
/// can only come from this host: it counts as loopback.
/// </summary>
public sealed class TrustedProxyList
{
    private readonly List<IPNetwork> networks = [];

    public TrustedProxyList(string? header, IEnumerable<string> entries)
    {
        Header = string.IsNullOrWhiteSpace(header) ? null : header.Trim();
        foreach (var entry in entries)
            if (TryParse(entry, out var network)) networks.Add(network);
    }

    /// <summary>The forwarding header, when one is configured.</summary>
    public string? Header { get; }

    public static bool TryParse(string? entry, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(entry)) return false;
        var text = entry.Trim();
        if (text.Contains('/', StringComparison.Ordinal)) return IPNetwork.TryParse(text, out network);
        if (!IPAddress.TryParse(text, out var address)) return false;
        address = Canonical(address);
        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    public bool Trusts(IPAddress? remote)
    {
        if (remote is null) return Trusts(IPAddress.Loopback) || Trusts(IPAddress.IPv6Loopback);
        var address = Canonical(remote);
        return networks.Any(n => n.Contains(address));
    }

    private static IPAddress Canonical(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

/// <summary>
/// Takes the client certificate from the forwarding header when — and only when — the connection comes from a trusted proxy.
/// From anyone else the header is dropped and a warning logged (without the header's content or the source's address). Runs
/// before the forwarded-headers middleware, so that it judges the connection's own peer, not the address a proxy reports.
/// </summary>
public sealed class ClientCertificateForwardingMiddleware(RequestDelegate next, TrustedProxyList proxies, ILogger<ClientCertificateForwardingMiddleware> logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        var header = proxies.Header!;
        if (!context.Request.Headers.TryGetValue(header, out var values)) return next(context);
        context.Request.Headers.Remove(header);
        if (!proxies.Trusts(context.Connection.RemoteIpAddress))
        {
            logger.LogWarning("The client-certificate header {Header} came from a source that is not a trusted proxy " +
                "(Authentication:ClientCertificate:TrustedProxies): ignored.", header);
            return next(context);
        }
        var value = values.ToString();
        if (string.IsNullOrWhiteSpace(value)) return next(context);
        X509Certificate2 certificate;
        try
        {
            certificate = AuthenticationSetup.ParseForwardedCertificate(value);
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            logger.LogWarning("The client-certificate header {Header} from the trusted proxy holds no readable certificate: ignored.", header);
            return next(context);
        }
        context.Features.Set<ITlsConnectionFeature>(new ForwardedCertificate(certificate));
        context.Response.RegisterForDispose(certificate);
        return next(context);
    }

    private sealed class ForwardedCertificate(X509Certificate2 certificate) : ITlsConnectionFeature
    {
        public X509Certificate2? ClientCertificate { get => certificate; set { } }
        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(certificate);
    }
}

public static class ClientCertificateForwardingExtensions
{
    /// <summary>Honours the forwarding header from the trusted proxies, when a header is configured.</summary>
    public static IApplicationBuilder UseCmsCertificateForwarding(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<TrustedProxyList>().Header is null ? app : app.UseMiddleware<ClientCertificateForwardingMiddleware>();
}

/// <summary>The certificate of the caller, from the claims the certificate scheme set (decision 0032).</summary>
public sealed class HttpPresentedCertificate(IHttpContextAccessor accessor) : IPresentedCertificate
{
    public (string Serial, string Issuer)? Current =>
        accessor.HttpContext?.User is { } user && user.FindFirst(CmsClaims.CertificateSerial)?.Value is { } serial
            && user.FindFirst(CmsClaims.CertificateIssuer)?.Value is { } issuer
            ? (serial, issuer) : null;
}
