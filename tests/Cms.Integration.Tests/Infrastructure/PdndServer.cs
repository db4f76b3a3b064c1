using System.Net;
using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>
/// A real OAuth 2.0 authorization server standing in for PDND (decision 0060): OpenIddict 7.9 on Kestrel on 127.0.0.1, its
/// clients in OpenIddict's Entity Framework Core store on a PostgreSQL database of its own (the test cluster). Client
/// credentials with client assertions (<c>private_key_jwt</c>, RFC 7523) checked by OpenIddict against each client's JSON Web
/// Key Set; JWT access tokens (the vouchers), not encrypted; RFC 8707 resources as the vouchers' audiences.
/// Like PDND it copies the client assertion's <c>digest</c> and <c>purposeId</c> claims into the voucher — the one thing done by
/// hand here, in the token endpoint's passthrough, after OpenIddict has validated the assertion.
/// </summary>
public sealed class PdndServer : IAsyncDisposable
{
    public const string TokenPath = "/connect/token";
    public const string JwksPath = "/.well-known/jwks";

    private readonly WebApplication app;

    private PdndServer(WebApplication app, Uri address)
    {
        this.app = app;
        Issuer = address.AbsoluteUri;
        TokenUrl = new Uri(address, TokenPath.TrimStart('/')).AbsoluteUri;
        JwksUrl = new Uri(address, JwksPath.TrimStart('/')).AbsoluteUri;
    }

    /// <summary>The issuer OpenIddict writes in <c>iss</c> (inferred from the request: <c>http://127.0.0.1:port/</c>).</summary>
    public string Issuer { get; }
    public string TokenUrl { get; }
    public string JwksUrl { get; }

    /// <param name="name">Names the server's database (<c>cms_pdnd_&lt;name&gt;</c>), so two servers can run side by side.</param>
    /// <param name="resources">The resources (RFC 8707) that exist: a voucher can be asked for these only.</param>
    public static async Task<PdndServer> StartAsync(string name, params string[] resources)
    {
        var connectionString = await TestDatabase.FreshAsync($"cms_pdnd_{name}");
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        builder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.Services.AddDbContext<PdndDbContext>(o => o.UseNpgsql(connectionString).UseOpenIddict());
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<PdndDbContext>())
            .AddServer(o =>
            {
                o.SetTokenEndpointUris(TokenPath.TrimStart('/'));
                o.SetJsonWebKeySetEndpointUris(JwksPath.TrimStart('/'));
                o.AllowClientCredentialsFlow();
                // The vouchers' signing key (RSA 2048, RS256), the one in the JWKS; the encryption key OpenIddict always wants.
                o.AddEphemeralSigningKey();
                o.AddEphemeralEncryptionKey();
                o.DisableAccessTokenEncryption();
                o.RegisterResources(resources);
                o.UseAspNetCore()
                    .EnableTokenEndpointPassthrough()
                    .DisableTransportSecurityRequirement();
            });

        var app = builder.Build();
        app.UseRouting();
        app.UseAuthentication();
        app.MapPost(TokenPath, IssueAsync);
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<PdndDbContext>().Database.EnsureCreatedAsync();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new PdndServer(app, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/"));
    }

    /// <summary>
    /// Registers a client: its id, the public key of <paramref name="certificate"/> under <paramref name="keyId"/>, the
    /// permission to ask for vouchers for <paramref name="resources"/> and, if given, the vouchers' lifetime.
    /// </summary>
    public async Task RegisterClientAsync(string clientId, X509Certificate2 certificate, string keyId, IEnumerable<string> resources,
        TimeSpan? voucherLifetime = null)
    {
        var key = certificate.GetRSAPublicKey() is { } rsa
            ? JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa))
            : JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(certificate.GetECDsaPublicKey()
                ?? throw new ArgumentException("The certificate has neither an RSA nor an ECDSA key.", nameof(certificate))));
        key.Kid = keyId;
        key.Use = JsonWebKeyUseNames.Sig;
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = ClientTypes.Confidential,
            DisplayName = $"Region {clientId}",
            JsonWebKeySet = new JsonWebKeySet { Keys = { key } },
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        descriptor.AddResourcePermissions([.. resources]);
        if (voucherLifetime is { } lifetime) descriptor.SetAccessTokenLifetime(lifetime);
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor);
    }

    /// <summary>Makes another resource exist (vouchers may be asked for it by clients allowed to).</summary>
    public void AddResource(string resource) =>
        app.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.Resources.Add(new Uri(resource, UriKind.Absolute));

    /// <summary>
    /// The token endpoint's passthrough: OpenIddict has authenticated the client by its assertion and checked the grant, the
    /// resources and the client's permissions; this builds the voucher's principal.
    /// </summary>
    private static IResult IssueAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict request.");
        if (!request.IsClientCredentialsGrantType() || request.ClientId is not { Length: > 0 } clientId)
            return Results.Forbid(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId);
        // PDND's voucher carries the client assertion's digest (AUDIT_REST_02 binding) and purposeId. OpenIddict validated that
        // assertion (signature by the client's registered key, iss/sub, aud, lifetime) before this runs: it is only read here.
        if (request.ClientAssertion is { } assertion)
        {
            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(new JsonWebToken(assertion).EncodedPayload));
            if (payload.RootElement.TryGetProperty("digest", out var digest) && digest.ValueKind == JsonValueKind.Object)
                identity.SetClaim("digest", digest.Clone());
            if (payload.RootElement.TryGetProperty("purposeId", out var purpose) && purpose.ValueKind == JsonValueKind.String)
                identity.SetClaim("purposeId", purpose.GetString());
        }
        var principal = new ClaimsPrincipal(identity);
        var resources = request.GetResources();
        principal.SetResources(resources);
        principal.SetAudiences(resources);
        foreach (var claim in principal.Claims) claim.SetDestinations(Destinations.AccessToken);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>OpenIddict's tables (applications, authorizations, scopes, tokens) in a schema of their own.</summary>
public sealed class PdndDbContext(DbContextOptions<PdndDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema("openiddict");
        base.OnModelCreating(modelBuilder);
    }
}
