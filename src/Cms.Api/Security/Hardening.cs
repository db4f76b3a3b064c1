using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Cms.Api.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Cms.Api.Security;

/// <summary>One rate limit: at most <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/> for one partition.</summary>
public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }
    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// Section <c>Hardening</c>: the request size limit and the rate limits of the three doors an attacker would push on —
/// sign-in (per client address), CIP verification (per operator) and inbound interoperability (per linked region).
/// </summary>
public sealed class HardeningOptions
{
    public const string Section = "Hardening";

    /// <summary>Largest body any endpoint accepts, unless it declares its own (the issuer's card feed).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    public RateLimitRule SignIn { get; set; } = new() { PermitLimit = 30 };
    public RateLimitRule CipVerification { get; set; } = new() { PermitLimit = 10 };
    public RateLimitRule InboundInterop { get; set; } = new() { PermitLimit = 600 };

    /// <summary>
    /// The addresses of the web UI's hosts (decision 0031). Only from these is the end client's address taken from
    /// <see cref="ClientAddresses.Header"/>, so that the sign-in rate limit and the back-off apply per person, not to the UI
    /// host as a whole; from anyone else the header is ignored. Empty by default; <c>scripts/run.sh</c> names loopback.
    /// </summary>
    public List<string> WebUiAddresses { get; set; } = [];
}

/// <summary>The address a request comes from, for the rate limits and the sign-in back-off.</summary>
public static class ClientAddresses
{
    /// <summary>The end client's address, as the web UI passes it.</summary>
    public const string Header = "X-Cms-Client-Address";
    private const string ItemKey = "cms:client-address";
    private const string PeerKey = "cms:peer-address";

    /// <summary>
    /// Keeps the connection's own peer before the forwarded headers replace it: whether a request comes from the web UI host
    /// is a question about the connection, not about what a proxy in between wrote.
    /// </summary>
    public static IApplicationBuilder UseCmsPeerAddress(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        if (http.Connection.RemoteIpAddress is { } peer) http.Items[PeerKey] = Normalise(peer);
        return next(http);
    });

    public static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>
    /// The connection's address; or, when the connection comes from a configured web UI host and carries a well-formed
    /// <see cref="Header"/>, the address in the header.
    /// </summary>
    public static string Of(HttpContext http)
    {
        if (http.Items.TryGetValue(ItemKey, out var known) && known is string cached) return cached;
        var remote = http.Connection.RemoteIpAddress is { } r ? Normalise(r) : null;
        var address = remote?.ToString() ?? "unknown";
        var options = http.RequestServices.GetService<HardeningOptions>();
        if (http.Request.Headers.ContainsKey(Header))
        {
            var peer = http.Items.TryGetValue(PeerKey, out var p) && p is IPAddress original ? original : remote;
            var fromUi = peer is not null && options is not null
                && options.WebUiAddresses.Any(a => IPAddress.TryParse(a, out var ui) && Normalise(ui).Equals(peer));
            if (fromUi && http.Request.Headers[Header] is { Count: 1 } values && IPAddress.TryParse(values[0], out var forwarded))
                address = Normalise(forwarded).ToString();
            else if (!fromUi)
                // The value itself is not logged: it is whatever the caller chose to write.
                http.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(ClientAddresses))
                    .LogWarning("{Header} ignored: {Address} is not a web UI host (Hardening:WebUiAddresses).", Header, address);
        }
        http.Items[ItemKey] = address;
        return address;
    }
}

public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string CipVerification = "cip-verification";
    public const string InboundInterop = "inbound-interop";
    public const string Rule = "rate-limited";
}

public static class Hardening
{
    public const string NulInAddress = "NUL character in the address.";

    public static IServiceCollection AddCmsHardening(this IServiceCollection services, IConfiguration configuration, IWebHostBuilder webHost)
    {
        var options = configuration.GetSection(HardeningOptions.Section).Get<HardeningOptions>() ?? new HardeningOptions();
        if (options.MaxRequestBodyBytes <= 0) throw new InvalidOperationException("Hardening:MaxRequestBodyBytes must be positive.");
        foreach (var (name, rule) in new[] { (nameof(options.SignIn), options.SignIn), (nameof(options.CipVerification), options.CipVerification),
                     (nameof(options.InboundInterop), options.InboundInterop) })
            if (rule.PermitLimit <= 0 || rule.WindowSeconds <= 0)
                throw new InvalidOperationException($"Hardening:{name}: PermitLimit and WindowSeconds must be positive.");
        foreach (var address in options.WebUiAddresses)
            if (!IPAddress.TryParse(address, out _))
                throw new InvalidOperationException($"Hardening:WebUiAddresses: '{address}' is not an IP address.");
        services.AddSingleton(options);
        webHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            k.AddServerHeader = false;
        });

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(RateLimits.SignIn, http => Window(options.SignIn, "address:" + Cms.Domain.Common.AddressBucket.Of(ClientAddress(http))));
            limiter.AddPolicy(RateLimits.CipVerification, http =>
                Window(options.CipVerification, "operator:" + (http.User.FindFirst(CmsClaims.OperatorId)?.Value ?? ClientAddress(http))));
            limiter.AddPolicy(RateLimits.InboundInterop, http =>
                Window(options.InboundInterop, "region:" + (http.User.FindFirst(CmsClaims.Region)?.Value ?? ClientAddress(http))));
            limiter.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 60;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                var problem = new ProblemDetails
                {
                    Type = ProblemTypes.For(RateLimits.Rule),
                    Title = "Troppe richieste",
                    Status = StatusCodes.Status429TooManyRequests,
                    Detail = $"Troppe richieste in poco tempo. Riprovare tra {retryAfter} secondi.",
                    Extensions = { ["rule"] = RateLimits.Rule, ["retryAfterSeconds"] = retryAfter },
                };
                await http.RequestServices.GetRequiredService<IProblemDetailsService>()
                    .WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
            };
        });
        return services;
    }

    private static RateLimitPartition<string> Window(RateLimitRule rule, string key) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = rule.PermitLimit,
            Window = TimeSpan.FromSeconds(rule.WindowSeconds),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static string ClientAddress(HttpContext http) => ClientAddresses.Of(http);

    /// <summary>
    /// Security headers on every answer, and the size limit checked from <c>Content-Length</c> before the body is read (Kestrel
    /// also stops a chunked body at the limit). The API serves JSON and PDF only: nothing may frame it, sniff it or run in it;
    /// answers are not cached unless an endpoint says otherwise (codes, personal data).
    /// </summary>
    public static IApplicationBuilder UseCmsSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        // Set as the answer starts, so that an error answer (the exception handler clears the headers first) has them too.
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            var path = http.Request.Path;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Resource-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            // The contract's browser (Swagger UI) runs its own scripts and styles; the API itself answers data only.
            headers.ContentSecurityPolicy = path.StartsWithSegments("/swagger")
                ? "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
                : "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
            if (http.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            if (!headers.ContainsKey("Cache-Control") && !path.StartsWithSegments("/swagger") && !path.StartsWithSegments("/openapi"))
                headers.CacheControl = "no-store";
            return Task.CompletedTask;
        });
        await next();
    });

    /// <summary>After routing: refuses a body larger than the endpoint accepts with 413 before anything reads it, and a NUL in the address.</summary>
    public static IApplicationBuilder UseCmsRequestSizeLimit(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var options = http.RequestServices.GetRequiredService<HardeningOptions>();
        var declared = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
        var limit = declared ?? options.MaxRequestBodyBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
        if (http.Request.ContentLength > limit)
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        // A NUL in a route or query value (the body's strings are checked by NoNulStringConverter).
        if ((http.Request.Path.Value?.Contains('\0') ?? false) || http.Request.Query.Any(q => q.Key.Contains('\0') || q.Value.Any(v => v?.Contains('\0') == true)))
            throw new BadHttpRequestException(NulInAddress, StatusCodes.Status400BadRequest);
        await next();
    });
}

/// <summary>
/// Text with a NUL character is refused at the door (400 malformed-request naming the member): PostgreSQL cannot store it,
/// and no name, code or address has one.
/// </summary>
public sealed class NoNulStringConverter : System.Text.Json.Serialization.JsonConverter<string>
{
    public override string? Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        var value = reader.GetString();
        if (value is not null && value.Contains('\0')) throw new System.Text.Json.JsonException("NUL character in a string.");
        return value;
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, string value, System.Text.Json.JsonSerializerOptions options) => writer.WriteStringValue(value);
}
