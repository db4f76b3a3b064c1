using Cms.Domain.Common;
using Microsoft.AspNetCore.Authentication;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using Cms.Application.Common.Abstractions;
using Cms.Domain.Administration;
using Cms.Infrastructure.Security;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Cms.Api.Security;

/// <summary>Smart-card sign-in settings (section <c>Authentication:ClientCertificate</c>; decision 0032).</summary>
public sealed class ClientCertificateOptions
{
    public const string Section = "Authentication:ClientCertificate";
    /// <summary>PEM files of the CAs whose certificates may sign in (the CNS / TS-CNS certification authorities).</summary>
    public List<string> TrustedCaFiles { get; set; } = [];
    /// <summary>
    /// When TLS ends at a reverse proxy, the header that carries the client certificate (base64 DER or URL-encoded PEM).
    /// Honoured only on connections from <see cref="TrustedProxies"/>.
    /// </summary>
    public string? ForwardingHeader { get; set; }
    /// <summary>
    /// The addresses (IP or CIDR, e.g. <c>127.0.0.1</c>, <c>10.0.4.0/24</c>) of the proxies allowed to send
    /// <see cref="ForwardingHeader"/>. A connection without an IP address (a Unix socket, the in-process test server) is
    /// local and counts as loopback. Required when the header is set.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
    /// <summary>Online revocation checking (CRL distribution points / OCSP, with the platform's cache). Unset: on outside Development and Testing.</summary>
    public bool? CheckRevocation { get; set; }
    /// <summary>Offline CRL files (DER or PEM), each signed by a trusted CA; read again when they change.</summary>
    public List<string> CrlFiles { get; set; } = [];

    /// <summary>What stops the API from starting, each naming its setting.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var file in TrustedCaFiles.Where(f => !File.Exists(f)))
            problems.Add($"{Section}:TrustedCaFiles: '{file}' does not exist.");
        foreach (var file in CrlFiles.Where(f => !File.Exists(f)))
            problems.Add($"{Section}:CrlFiles: '{file}' does not exist.");
        if (!string.IsNullOrWhiteSpace(ForwardingHeader) && TrustedProxies.Count == 0)
            problems.Add($"{Section}:TrustedProxies is empty while {Section}:ForwardingHeader is set: name the proxies that may send the client certificate.");
        foreach (var entry in TrustedProxies.Where(e => !TrustedProxyList.TryParse(e, out _)))
            problems.Add($"{Section}:TrustedProxies: '{entry}' is neither an IP address nor a CIDR range.");
        return problems;
    }
}

public static class AuthenticationSetup
{
    public static IServiceCollection AddCmsAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.Configure<JwtOptions>(configuration.GetSection(JwtOptions.Section));
        services.Configure<ClientCertificateOptions>(configuration.GetSection(ClientCertificateOptions.Section));
        services.AddSingleton<SigningKeyHolder>();
        services.AddMemoryCache();
        var certificateOptions = configuration.GetSection(ClientCertificateOptions.Section).Get<ClientCertificateOptions>() ?? new();
        // Revocation is checked online unless told otherwise, outside a developer's machine and the tests (decision 0032).
        var checkRevocation = certificateOptions.CheckRevocation ?? Cms.Infrastructure.Startup.TransportSettings.TlsRequired(environment);
        var trustedCas = certificateOptions.TrustedCaFiles.Where(File.Exists).SelectMany(LoadPem).ToList();
        services.AddSingleton(sp => new OfflineRevocationLists(certificateOptions.CrlFiles, trustedCas, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OfflineRevocationLists>>()));
        services.AddSingleton(new TrustedProxyList(certificateOptions.ForwardingHeader, certificateOptions.TrustedProxies));
        services.AddScoped<IPresentedCertificate, HttpPresentedCertificate>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, _ => { })
            .AddCertificate(CertificateAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.AllowedCertificateTypes = CertificateTypes.Chained;
                o.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
                o.RevocationMode = checkRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck;
                o.CustomTrustStore.AddRange(trustedCas.ToArray());
                o.ValidateCertificateUse = true;
                o.ValidateValidityPeriod = true;
                o.Events = new CertificateAuthenticationEvents
                {
                    // No certificate, or one that is not trusted: 401 like every other failed sign-in (the default is 403).
                    OnChallenge = context =>
                    {
                        // A certificate was presented and refused: said without its subject, which names the holder.
                        if (context.HttpContext.Connection.ClientCertificate is not null && context.HttpContext.Items[RefusalLogged] is null)
                            Log(context.HttpContext, "its chain does not reach a trusted CA, or it is expired, not yet valid or revoked");
                        context.HandleResponse();
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return Task.CompletedTask;
                    },
                    OnCertificateValidated = context =>
                    {
                        var certificate = context.ClientCertificate;
                        // The codice fiscale of a CNS certificate is its subject's SERIALNUMBER (TINIT-CF or IT:CF), nowhere else.
                        var cf = CnsCertificate.CodiceFiscale(certificate.SubjectName);
                        if (cf is null)
                        {
                            Log(context.HttpContext, "its subject has no SERIALNUMBER with a valid codice fiscale (TINIT- or IT:)");
                            context.Fail("The certificate subject carries no codice fiscale in SERIALNUMBER.");
                            return Task.CompletedTask;
                        }
                        var verdict = context.HttpContext.RequestServices.GetRequiredService<OfflineRevocationLists>().Check(certificate);
                        if (verdict != RevocationVerdict.NotRevoked)
                        {
                            Log(context.HttpContext, verdict == RevocationVerdict.Revoked ? "an offline CRL lists it" : "an offline CRL cannot be trusted");
                            context.Fail(verdict == RevocationVerdict.Revoked
                                ? "The certificate is revoked (offline CRL)." : "The certificate's revocation cannot be checked (offline CRL).");
                            return Task.CompletedTask;
                        }
                        var (serial, issuer) = CnsCertificate.Identity(certificate);
                        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(
                            [new Claim(CmsClaims.CodiceFiscale, cf), new Claim(CmsClaims.CertificateSerial, serial), new Claim(CmsClaims.CertificateIssuer, issuer)],
                            context.Scheme.Name));
                        context.Success();
                        return Task.CompletedTask;
                    },
                };
            });
        // The certificate handler logs a refused certificate's subject (the holder's name and codice fiscale): its reasons are
        // logged above instead, without it.
        services.AddLogging(b => b.AddFilter("Microsoft.AspNetCore.Authentication.Certificate", LogLevel.Error));
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>();
        // Peers: the ModI profile (decision 0059); the HMAC scheme of decision 0016 only for a call carrying its headers while the
        // deprecated Interop:LegacyHmac is on.
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ModiAuthentication>(ModiAuthentication.SchemeName, _ => { })
            .AddScheme<AuthenticationSchemeOptions, PeerSignatureAuthentication>(PeerSignatureAuthentication.SchemeName, _ => { })
            .AddPolicyScheme(ModiAuthentication.PeerScheme, null, o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.ContainsKey(Cms.Application.Interop.Common.PeerSignature.SignatureHeader)
                && http.RequestServices.GetRequiredService<IOptions<Cms.Infrastructure.Interop.InteropOptions>>().Value.LegacyHmac
                    ? PeerSignatureAuthentication.SchemeName
                    : ModiAuthentication.SchemeName);
        services.AddScoped<Cms.Application.Interop.Contracts.IInboundEvidence, HttpInboundEvidence>();

        services.AddSingleton<IAuthorizationHandler, InteropCounterHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, CmsAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Operator, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.Operator).RequireClaim(CmsClaims.Counter))
            .AddPolicy(Policies.SecurityAdministrator, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.SecurityAdministrator))
            .AddPolicy(Policies.Auditor, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.Auditor))
            .AddPolicy(Policies.Issuer, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.Issuer))
            .AddPolicy(Policies.CallCentre, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.CallCentre))
            .AddPolicy(Policies.FormsReader, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.Operator, Role.SecurityAdministrator, Role.Auditor, Role.Issuer))
            .AddPolicy(Policies.HistoryReader, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.Operator, Role.Auditor))
            .AddPolicy(Policies.InteropCounter, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.Operator).RequireClaim(CmsClaims.Counter)
                .AddRequirements(new InteropCounterRequirement()))
            .AddPolicy(Policies.PeerRegion, p => p.AddAuthenticationSchemes(ModiAuthentication.PeerScheme).RequireAuthenticatedUser()
                .RequireClaim(CmsClaims.Role, Role.PeerRegion))
            .AddPolicy(Policies.ClientCertificate, p => p.AddAuthenticationSchemes(CertificateAuthenticationDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser().RequireClaim(CmsClaims.CodiceFiscale));
        return services;
    }

    private const string RefusalLogged = "cms.certificate-refusal-logged";

    private static void Log(HttpContext http, string reason)
    {
        http.Items[RefusalLogged] = true;
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClientCertificateOptions).FullName!)
            .LogWarning("Client certificate refused: {Reason}.", reason);
    }

    private static AuthorizationPolicyBuilder Jwt(AuthorizationPolicyBuilder p) =>
        p.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser();

    internal static X509Certificate2 ParseForwardedCertificate(string header)
    {
        var value = Uri.UnescapeDataString(header).Trim();
        if (value.StartsWith("-----BEGIN", StringComparison.Ordinal)) return X509Certificate2.CreateFromPem(value);
        return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(value));
    }

    private static X509Certificate2Collection LoadPem(string file)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(file);
        return collection;
    }

    /// <summary>
    /// Validates bearer tokens, then the server-side session each names: ended, idle, past its absolute end, or of an
    /// operator since disabled, the token is refused (401) from its next request on every instance.
    /// </summary>
    private sealed class ConfigureJwtBearer(IOptions<JwtOptions> jwt, SigningKeyHolder key) : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(string? name, JwtBearerOptions options) => Configure(options);

        public void Configure(JwtBearerOptions options)
        {
            var o = jwt.Value;
            options.MapInboundClaims = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = o.Issuer,
                ValidAudience = o.Audience,
                IssuerSigningKey = key.Key,
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                NameClaimType = CmsClaims.Name,
                RoleClaimType = CmsClaims.Role,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = async context =>
                {
                    if (!Guid.TryParse(context.Principal?.FindFirst(CmsClaims.OperatorId)?.Value, out var operatorId)
                        || !Guid.TryParse(context.Principal?.FindFirst(CmsClaims.SessionId)?.Value, out var sessionId))
                    {
                        context.Fail("Token without operator or session.");
                        return;
                    }
                    // A database failure here propagates (503 service-unavailable), it does not sign the operator out.
                    var guard = context.HttpContext.RequestServices.GetRequiredService<ISessionGuard>();
                    if (!await guard.CheckAsync(sessionId, operatorId, context.HttpContext.RequestAborted))
                        context.Fail("Session ended.");
                },
            };
        }
    }
}
