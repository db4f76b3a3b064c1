using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Cms.Web.Services;

/// <summary>
/// The certificate the citizen's browser presented (decision 0047): the TLS connection's own, or the one a known proxy passed in
/// <see cref="CitizenOptions.ForwardingHeader"/> (set by <see cref="CitizenCertificateForwardingMiddleware"/>). This UI does not
/// judge it: it carries it to the API, which checks the chain, the revocation and the CNS profile on every call.
/// </summary>
public sealed class CitizenCertificate(IHttpContextAccessor accessor, IOptions<WebOptions> options)
{
    public bool Enabled => !string.IsNullOrWhiteSpace(options.Value.Citizen.ApiCertificateHeader);

    public async Task<X509Certificate2?> CurrentAsync(CancellationToken cancellationToken)
    {
        if (!Enabled || accessor.HttpContext is not { } http) return null;
        return http.Connection.ClientCertificate ?? await http.Connection.GetClientCertificateAsync(cancellationToken);
    }

    /// <summary>
    /// The codice fiscale as the certificate's subject writes it (SERIALNUMBER <c>IT:</c>/<c>TINIT-</c>), to greet the citizen
    /// ("Utente: …"). Only shown: whether the certificate is good is the API's to say.
    /// </summary>
    public static string? CodiceFiscaleShown(X509Certificate2 certificate)
    {
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.GetSingleElementType().Value != "2.5.4.5" || rdn.GetSingleElementValue() is not { } value) continue;
            var cf = value.StartsWith("TINIT-", StringComparison.OrdinalIgnoreCase) ? value[6..]
                : value.StartsWith("IT:", StringComparison.OrdinalIgnoreCase) ? value[3..] : null;
            if (cf is { Length: 16 } && cf.All(char.IsAsciiLetterOrDigit)) return cf.ToUpperInvariant();
        }
        return null;
    }

    /// <summary>
    /// The generated client for the citizens' area: no operator token, the certificate in the API's forwarding header — the one
    /// this UI received (TLS, or a known proxy's header), never a header of the browser's own: the request to the API is built
    /// here from nothing of the browser's request but the certificate. With <paramref name="idempotencyKey"/>: sent as
    /// <c>Idempotency-Key</c> (the "Conferma" only).
    /// </summary>
    public ICmsClient Client(IHttpClientFactory factory, X509Certificate2 certificate, string? idempotencyKey = null)
    {
        var http = factory.CreateClient(HttpClientName);
        if (idempotencyKey is not null) http.DefaultRequestHeaders.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        http.DefaultRequestHeaders.Remove(options.Value.Citizen.ApiCertificateHeader!);
        http.DefaultRequestHeaders.TryAddWithoutValidation(options.Value.Citizen.ApiCertificateHeader!, Convert.ToBase64String(certificate.RawData));
        // The citizen's TLS ended here: an API reached over plain http on loopback learns it from the forwarded scheme (it takes a
        // certificate only on https), which it believes from loopback only; over https:// it knows by itself.
        http.DefaultRequestHeaders.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        http.DefaultRequestHeaders.CacheControl = new CacheControlHeaderValue { NoStore = true };
        return new CmsClient(http);
    }

    /// <summary>The HTTP client of the citizens' area: without the operators' handler of idempotency keys (the page sends its own).</summary>
    public const string HttpClientName = "cms-citizen";
}

/// <summary>
/// When TLS ends at a proxy in front of this UI: takes the citizen's certificate from <see cref="CitizenOptions.ForwardingHeader"/>
/// — only on a connection from one of <see cref="WebOptions.KnownProxies"/> — and drops the header from anyone else. Runs first,
/// before the forwarded headers replace the connection's address with the end client's.
/// </summary>
public sealed class CitizenCertificateForwardingMiddleware(RequestDelegate next, IOptions<WebOptions> options, ILogger<CitizenCertificateForwardingMiddleware> logger)
{
    private readonly HashSet<IPAddress> proxies = [.. options.Value.KnownProxies.Select(p => Canonical(IPAddress.Parse(p)))];

    public Task InvokeAsync(HttpContext context)
    {
        var header = options.Value.Citizen.ForwardingHeader!;
        if (!context.Request.Headers.TryGetValue(header, out var values)) return next(context);
        context.Request.Headers.Remove(header);
        if (context.Connection.RemoteIpAddress is not { } peer || !proxies.Contains(Canonical(peer)))
        {
            logger.LogWarning("The citizen-certificate header {Header} came from a source that is not a known proxy (Web:KnownProxies): ignored.", header);
            return next(context);
        }
        var value = values.ToString();
        if (string.IsNullOrWhiteSpace(value)) return next(context);
        X509Certificate2 certificate;
        try
        {
            var text = Uri.UnescapeDataString(value.Trim());
            certificate = text.StartsWith("-----BEGIN", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(text)
                : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text));
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            logger.LogWarning("The citizen-certificate header {Header} from a known proxy holds no readable certificate: ignored.", header);
            return next(context);
        }
        context.Features.Set<ITlsConnectionFeature>(new ForwardedCertificate(certificate));
        context.Response.RegisterForDispose(certificate);
        return next(context);
    }

    private static IPAddress Canonical(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private sealed class ForwardedCertificate(X509Certificate2 certificate) : ITlsConnectionFeature
    {
        public X509Certificate2? ClientCertificate { get => certificate; set { } }
        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(certificate);
    }
}
