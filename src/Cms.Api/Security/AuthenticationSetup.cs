using Microsoft.AspNetCore.Authentication;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Cms.Domain.Administration;
using Cms.Application.Common.Abstractions;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Cms.Api.Security;

/// <summary>Smart-card sign-in settings (section <c>Authentication:ClientCertificate</c>).</summary>
public sealed class ClientCertificateOptions
{
    public const string Section = "Authentication:ClientCertificate";
    /// <summary>PEM files of the CAs whose certificates may sign in (the CNS / TS-CNS certification authorities).</summary>
    public List<string> TrustedCaFiles { get; set; } = [];
    /// <summary>
    /// When TLS ends at a reverse proxy, the header that carries the client certificate (base64 DER or URL-encoded PEM).
    /// Set it only when the API is reachable through that proxy alone.
    /// </summary>
    public string? ForwardingHeader { get; set; }
    public bool CheckRevocation { get; set; }
}

public static partial class AuthenticationSetup
{
    public static IServiceCollection AddCmsAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<JwtOptions>(configuration.GetSection(JwtOptions.Section));
        services.Configure<ClientCertificateOptions>(configuration.GetSection(ClientCertificateOptions.Section));
        services.AddSingleton<SigningKeyHolder>();
        services.AddMemoryCache();
        var certificateOptions = configuration.GetSection(ClientCertificateOptions.Section).Get<ClientCertificateOptions>() ?? new();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, _ => { })
            .AddCertificate(CertificateAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.AllowedCertificateTypes = CertificateTypes.Chained;
                o.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
                o.RevocationMode = certificateOptions.CheckRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck;
                foreach (var file in certificateOptions.TrustedCaFiles)
                    o.CustomTrustStore.AddRange(LoadPem(file));
                o.ValidateCertificateUse = true;
                o.Events = new CertificateAuthenticationEvents
                {
                    // No certificate, or one that is not trusted: 401 like every other failed sign-in (the default is 403).
                    OnChallenge = context =>
                    {
                        context.HandleResponse();
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                        return Task.CompletedTask;
                    },
                    OnCertificateValidated = context =>
                    {
                        var cf = CodiceFiscaleFromSubject(context.ClientCertificate);
                        if (cf is null)
                        {
                            context.Fail("The certificate subject carries no codice fiscale.");
                            return Task.CompletedTask;
                        }
                        context.Principal = new ClaimsPrincipal(new ClaimsIdentity(
                            [new Claim(CmsClaims.CodiceFiscale, cf)], context.Scheme.Name));
                        context.Success();
                        return Task.CompletedTask;
                    },
                };
            });
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, PeerSignatureAuthentication>(PeerSignatureAuthentication.SchemeName, _ => { });

        if (!string.IsNullOrEmpty(certificateOptions.ForwardingHeader))
        {
            services.AddCertificateForwarding(o =>
            {
                o.CertificateHeader = certificateOptions.ForwardingHeader;
                o.HeaderConverter = ParseForwardedCertificate;
            });
        }

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Operator, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.Operator).RequireClaim(CmsClaims.Counter))
            .AddPolicy(Policies.SecurityAdministrator, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.SecurityAdministrator))
            .AddPolicy(Policies.Auditor, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.Auditor))
            .AddPolicy(Policies.Issuer, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.Issuer))
            .AddPolicy(Policies.HistoryReader, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.Operator, Role.Auditor))
            .AddPolicy(Policies.InteropCounter, p => Jwt(p).RequireClaim(CmsClaims.Role, Role.Operator).RequireClaim(CmsClaims.Counter)
                .RequireAssertion(c => c.User.FindFirst(CmsClaims.CounterType)?.Value is { } type && type != "PHARMACY"))
            .AddPolicy(Policies.PeerRegion, p => p.AddAuthenticationSchemes(PeerSignatureAuthentication.SchemeName).RequireAuthenticatedUser()
                .RequireClaim(CmsClaims.Role, Role.PeerRegion))
            .AddPolicy(Policies.ClientCertificate, p => p.AddAuthenticationSchemes(CertificateAuthenticationDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser().RequireClaim(CmsClaims.CodiceFiscale));
        return services;
    }

    private static AuthorizationPolicyBuilder Jwt(AuthorizationPolicyBuilder p) =>
        p.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser();

    /// <summary>
    /// CNS authentication certificates carry the codice fiscale as <c>SERIALNUMBER=IT:RSSMRA…</c> (or
    /// <c>TINIT-…</c>) and in the CN as <c>RSSMRA…/serial.hash</c>.
    /// </summary>
    public static string? CodiceFiscaleFromSubject(X509Certificate2 certificate)
    {
        var subject = certificate.SubjectName.Format(true);
        foreach (Match m in CodiceFiscalePattern().Matches(subject))
        {
            if (Cms.Domain.Common.CodiceFiscale.IsValid(m.Value)) return m.Value;
        }
        return null;
    }

    [GeneratedRegex("(?<![A-Z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![A-Z0-9])")]
    private static partial Regex CodiceFiscalePattern();

    private static X509Certificate2 ParseForwardedCertificate(string header)
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
