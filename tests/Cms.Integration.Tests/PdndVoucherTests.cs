using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Cms.Infrastructure;
using Cms.Infrastructure.Interop.Modi;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cms.Integration.Tests;

/// <summary>Two real OpenIddict authorization servers on loopback for the whole class: A (the one the regions use) and B (a stranger).</summary>
public sealed class PdndServers : IAsyncLifetime
{
    public const string Activations = "https://cms.b.example/api/v1/interop/inbound/activations";
    public const string Reprints = "https://cms.b.example/api/v1/interop/inbound/reprints";

    public PdndServer A { get; private set; } = null!;
    public PdndServer B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        A = await PdndServer.StartAsync("a", Activations, Reprints);
        B = await PdndServer.StartAsync("b", Activations, Reprints);
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}

public sealed class PdndVoucherTests(PdndServers servers) : IClassFixture<PdndServers>
{
    private const string Activations = PdndServers.Activations;
    private const string Reprints = PdndServers.Reprints;
    // Shaped like a JWS: the digest is over its ASCII whatever it holds.
    private const string TrackingEvidence = "eyJhbGciOiJSUzI1NiJ9.eyJ1c2VySUQiOiJSU1NNUkE4MEE0MUg1MDFVIn0.c2lnbmF0dXJl";

    private static readonly IHttpClientFactory Http = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_voucher_got_with_a_client_assertion_validates_with_client_audience_and_digest(bool ecdsa)
    {
        var region = await RegionAsync(servers.A, ecdsa: ecdsa);
        var voucher = await Client(region).VoucherAsync(Activations, TrackingEvidence, region.Certificate, default);

        var result = await Validator(servers.A).ValidateAsync(voucher, Activations, default);

        Assert.True(result.Valid, result.Reason);
        Assert.Equal(region.ClientId, result.ClientId);
        Assert.False(string.IsNullOrEmpty(result.Jti));
        Assert.InRange(result.ExpiresAt!.Value, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(2));
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(TrackingEvidence)));
        Assert.Equal(new VoucherDigest("SHA256", expected), result.Digest);
        // What the server wrote: its issuer, the audience asked for, the client, the purpose, a JWT access token.
        var token = new JsonWebToken(voucher);
        Assert.Equal(servers.A.Issuer, token.Issuer);
        Assert.Equal([Activations], token.Audiences);
        Assert.Equal("at+jwt", token.Typ);
        Assert.Equal(region.ClientId, token.GetClaim("client_id").Value);
        Assert.Equal("purpose-" + region.ClientId, token.GetClaim("purposeId").Value);
    }

    [Fact]
    public async Task Without_tracking_evidence_the_voucher_has_no_digest()
    {
        var region = await RegionAsync(servers.A);
        var voucher = await Client(region).VoucherAsync(Activations, null, region.Certificate, default);
        var result = await Validator(servers.A).ValidateAsync(voucher, Activations, default);
        Assert.True(result.Valid, result.Reason);
        Assert.Null(result.Digest);
    }

    [Fact]
    public async Task The_client_assertion_is_built_as_PDND_wants_it_and_OpenIddict_7_refuses_that_legacy_form()
    {
        var region = await RegionAsync(servers.A);
        var pdnd = Settings(servers.A, region.ClientId, region.KeyId);
        Assert.Equal("JWT", pdnd.AssertionType);
        var now = DateTimeOffset.UtcNow;
        var assertion = new JsonWebToken(PdndVoucherClient.ClientAssertion(pdnd, TrackingEvidence, region.Certificate, now));
        Assert.Equal(region.KeyId, assertion.Kid);
        Assert.Equal("RS256", assertion.Alg);
        Assert.Equal("JWT", assertion.Typ);
        Assert.Equal(region.ClientId, assertion.Issuer);
        Assert.Equal(region.ClientId, assertion.Subject);
        Assert.Equal([servers.A.TokenUrl], assertion.Audiences);
        Assert.Equal(TimeSpan.FromMinutes(2), assertion.ValidTo - assertion.IssuedAt);
        Assert.False(string.IsNullOrEmpty(assertion.Id));
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(assertion.EncodedPayload));
        var digest = payload.RootElement.GetProperty("digest");
        Assert.Equal("SHA256", digest.GetProperty("alg").GetString());
        Assert.Matches("^[0-9a-f]{64}$", digest.GetProperty("value").GetString());

        // OpenIddict 7 takes only the rfc7523bis form (typ client-authentication+jwt, aud = issuer): the PDND form is refused there.
        var refusal = await Assert.ThrowsAsync<PdndVoucherException>(() =>
            new PdndVoucherClient(Http, Options.Create(pdnd)).VoucherAsync(Activations, null, region.Certificate, default));
        Assert.Equal("invalid_client", refusal.Error);
        var configured = new JsonWebToken(PdndVoucherClient.ClientAssertion(region.Options, null, region.Certificate, now));
        Assert.Equal("client-authentication+jwt", configured.Typ);
        Assert.Equal([servers.A.Issuer], configured.Audiences);
    }

    [Fact]
    public async Task The_server_refuses_an_assertion_signed_by_a_key_it_does_not_know()
    {
        var region = await RegionAsync(servers.A);
        using var stranger = Certificate(ecdsa: false);
        var refusal = await Assert.ThrowsAsync<PdndVoucherException>(() => Client(region).VoucherAsync(Activations, null, stranger, default));
        Assert.Equal("invalid_client", refusal.Error);
        Assert.DoesNotContain("eyJ", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_refuses_an_unknown_client_id()
    {
        var region = await RegionAsync(servers.A);
        var unknown = region with { Options = Settings(servers.A, "999-" + Guid.NewGuid().ToString("N")[..8], region.KeyId) };
        var refusal = await Assert.ThrowsAsync<PdndVoucherException>(() => Client(unknown).VoucherAsync(Activations, null, region.Certificate, default));
        Assert.Equal("invalid_client", refusal.Error);
    }

    [Fact]
    public async Task The_server_refuses_an_expired_assertion()
    {
        var region = await RegionAsync(servers.A);
        var client = new PdndVoucherClient(Http, Options.Create(region.Options), new ShiftedClock(TimeSpan.FromHours(-1)));
        var refusal = await Assert.ThrowsAsync<PdndVoucherException>(() => client.VoucherAsync(Activations, null, region.Certificate, default));
        Assert.Equal("invalid_client", refusal.Error);
        // The same client, on time, is served: the refusal was the assertion's age.
        Assert.NotEmpty(await Client(region).VoucherAsync(Activations, null, region.Certificate, default));
    }

    [Fact]
    public async Task The_server_refuses_an_audience_the_client_may_not_ask_for()
    {
        var region = await RegionAsync(servers.A, resources: [Activations]);
        var refusal = await Assert.ThrowsAsync<PdndVoucherException>(() => Client(region).VoucherAsync(Reprints, null, region.Certificate, default));
        // OpenIddict answers invalid_request for a resource the client has no permission for, invalid_target for one that does not exist.
        Assert.Equal("invalid_request", refusal.Error);
        var unknown = await Assert.ThrowsAsync<PdndVoucherException>(() =>
            Client(region).VoucherAsync("https://cms.c.example/api/v1/interop/inbound/activations", null, region.Certificate, default));
        Assert.Equal("invalid_target", unknown.Error);
    }

    [Fact]
    public async Task The_validator_refuses_a_voucher_for_another_audience()
    {
        var region = await RegionAsync(servers.A);
        var voucher = await Client(region).VoucherAsync(Reprints, null, region.Certificate, default);
        var validator = Validator(servers.A);
        Assert.Equal(VoucherResult.Audience, (await validator.ValidateAsync(voucher, Activations, default)).Reason);
        Assert.True((await validator.ValidateAsync(voucher, Reprints, default)).Valid);
    }

    [Fact]
    public async Task The_validator_refuses_an_expired_voucher()
    {
        var region = await RegionAsync(servers.A, voucherLifetime: TimeSpan.FromSeconds(30));
        var voucher = await Client(region).VoucherAsync(Activations, null, region.Certificate, default);
        var exp = new JsonWebToken(voucher).ValidTo;
        Assert.InRange(exp - new JsonWebToken(voucher).IssuedAt, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(31));
        // Within the 60 s of skew past exp it still holds; beyond, it is expired.
        Assert.True((await Validator(servers.A, new FixedClock(exp.AddSeconds(50))).ValidateAsync(voucher, Activations, default)).Valid);
        Assert.Equal(VoucherResult.Expired, (await Validator(servers.A, new FixedClock(exp.AddSeconds(70))).ValidateAsync(voucher, Activations, default)).Reason);
    }

    [Fact]
    public async Task The_validator_refuses_a_voucher_longer_lived_than_allowed()
    {
        var region = await RegionAsync(servers.A, voucherLifetime: TimeSpan.FromMinutes(30));
        var voucher = await Client(region).VoucherAsync(Activations, null, region.Certificate, default);
        var strict = Settings(servers.A, region.ClientId, region.KeyId);
        strict.MaxVoucherLifetimeMinutes = 10;
        Assert.Equal(VoucherResult.Invalid, (await new PdndVoucherValidator(Http, Options.Create(strict)).ValidateAsync(voucher, Activations, default)).Reason);
        Assert.True((await Validator(servers.A).ValidateAsync(voucher, Activations, default)).Valid);
    }

    [Fact]
    public async Task The_validator_refuses_a_voucher_of_another_server()
    {
        var region = await RegionAsync(servers.B);
        var voucher = await Client(region).VoucherAsync(Activations, null, region.Certificate, default);
        Assert.True((await Validator(servers.B).ValidateAsync(voucher, Activations, default)).Valid);
        // Checked against A's keys: the signature fails before B's issuer is even looked at.
        Assert.Equal(VoucherResult.Invalid, (await Validator(servers.A).ValidateAsync(voucher, Activations, default)).Reason);
    }

    [Fact]
    public async Task The_validator_refuses_a_self_made_voucher_and_an_unknown_kid_refetches_at_most_once_a_minute()
    {
        var region = await RegionAsync(servers.A);
        var genuine = new JsonWebToken(await Client(region).VoucherAsync(Activations, TrackingEvidence, region.Certificate, default));
        var validator = Validator(servers.A);
        using var forger = RSA.Create(2048);
        var forged = Forge(genuine, new RsaSecurityKey(forger) { KeyId = genuine.Kid }, SecurityAlgorithms.RsaSha256);
        Assert.Equal(VoucherResult.Invalid, (await validator.ValidateAsync(forged, Activations, default)).Reason);
        Assert.Equal(1, validator.JwksFetches);

        var unknownKid = Forge(genuine, new RsaSecurityKey(forger) { KeyId = "rotated-" + Guid.NewGuid() }, SecurityAlgorithms.RsaSha256);
        Assert.Equal(VoucherResult.Invalid, (await validator.ValidateAsync(unknownKid, Activations, default)).Reason);
        Assert.Equal(VoucherResult.Invalid, (await validator.ValidateAsync(unknownKid, Activations, default)).Reason);
        Assert.Equal(1, validator.JwksFetches);
    }

    [Fact]
    public async Task The_validator_fetches_the_JWKS_again_for_an_unknown_kid_once_a_minute_has_passed()
    {
        var region = await RegionAsync(servers.A);
        var genuine = new JsonWebToken(await Client(region).VoucherAsync(Activations, null, region.Certificate, default));
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        var validator = Validator(servers.A, clock);
        using var forger = RSA.Create(2048);
        var unknownKid = Forge(genuine, new RsaSecurityKey(forger) { KeyId = "rotated" }, SecurityAlgorithms.RsaSha256);
        await validator.ValidateAsync(unknownKid, Activations, default);
        await validator.ValidateAsync(unknownKid, Activations, default);
        Assert.Equal(1, validator.JwksFetches);
        clock.Now += TimeSpan.FromSeconds(61);
        Assert.Equal(VoucherResult.Invalid, (await validator.ValidateAsync(unknownKid, Activations, default)).Reason);
        Assert.Equal(2, validator.JwksFetches);
        // A known kid fetches nothing more (the voucher checked at the moved clock is still within its hour).
        Assert.True((await validator.ValidateAsync(genuine.EncodedToken, Activations, default)).Valid);
        Assert.Equal(2, validator.JwksFetches);
    }

    [Fact]
    public async Task The_validator_refuses_alg_none_and_HMAC()
    {
        var region = await RegionAsync(servers.A);
        var genuine = new JsonWebToken(await Client(region).VoucherAsync(Activations, null, region.Certificate, default));
        var validator = Validator(servers.A);
        var none = Base64UrlEncoder.Encode("""{"alg":"none","typ":"at+jwt"}""") + "." + genuine.EncodedPayload + ".";
        Assert.Equal(VoucherResult.Invalid, (await validator.ValidateAsync(none, Activations, default)).Reason);
        var noneWithKid = Base64UrlEncoder.Encode($$"""{"alg":"none","kid":"{{genuine.Kid}}"}""") + "." + genuine.EncodedPayload + "." + genuine.EncodedSignature;
        Assert.Equal(VoucherResult.Invalid, (await validator.ValidateAsync(noneWithKid, Activations, default)).Reason);
        var hmac = Forge(genuine, new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = genuine.Kid }, SecurityAlgorithms.HmacSha256);
        Assert.Equal(VoucherResult.Invalid, (await validator.ValidateAsync(hmac, Activations, default)).Reason);
        Assert.Equal(VoucherResult.Invalid, (await validator.ValidateAsync("not a token", Activations, default)).Reason);
        // The genuine one still holds: the refusals were the algorithms.
        Assert.True((await validator.ValidateAsync(genuine.EncodedToken, Activations, default)).Valid);
    }

    [Fact]
    public async Task The_validator_refuses_another_issuer()
    {
        var region = await RegionAsync(servers.A);
        var voucher = await Client(region).VoucherAsync(Activations, null, region.Certificate, default);
        var settings = Settings(servers.A, region.ClientId, region.KeyId);
        settings.Issuer = "https://auth.interop.pagopa.it/";
        Assert.Equal(VoucherResult.Issuer, (await new PdndVoucherValidator(Http, Options.Create(settings)).ValidateAsync(voucher, Activations, default)).Reason);
    }

    [Fact]
    public async Task A_JWKS_that_cannot_be_fetched_is_the_servers_fault_not_the_tokens()
    {
        var region = await RegionAsync(servers.A);
        var voucher = await Client(region).VoucherAsync(Activations, null, region.Certificate, default);
        var settings = Settings(servers.A, region.ClientId, region.KeyId);
        settings.JwksUrl = new Uri(new Uri(servers.A.Issuer), "no-such-jwks").AbsoluteUri;
        await Assert.ThrowsAsync<HttpRequestException>(() => new PdndVoucherValidator(Http, Options.Create(settings)).ValidateAsync(voucher, Activations, default));
    }

    [Fact]
    public void Settings_are_checked_at_start_when_PDND_is_on()
    {
        static IServiceProvider Services(Dictionary<string, string?> pdnd)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Cms"] = "Host=127.0.0.1;Database=unused",
            }.Concat(pdnd.Select(p => KeyValuePair.Create($"Interop:Pdnd:{p.Key}", p.Value)))).Build();
            return new ServiceCollection().AddLogging().AddCmsInfrastructure(configuration).BuildServiceProvider();
        }

        var off = Services([]);
        Assert.False(off.GetRequiredService<IOptions<PdndOptions>>().Value.Enabled);
        Assert.NotNull(off.GetRequiredService<PdndVoucherClient>());
        Assert.NotNull(off.GetRequiredService<PdndVoucherValidator>());
        Assert.Same(off.GetRequiredService<PdndVoucherValidator>(), off.GetRequiredService<PdndVoucherValidator>());

        var on = Services(new() { ["TokenUrl"] = "https://pdnd.example/token.oauth2", ["ClientId"] = "c", ["KeyId"] = "k",
            ["Issuer"] = "https://pdnd.example", ["JwksUrl"] = "https://pdnd.example/.well-known/jwks.json", ["PurposeId"] = "p" });
        Assert.True(on.GetRequiredService<IOptions<PdndOptions>>().Value.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(10), on.GetRequiredService<IHttpClientFactory>().CreateClient(PdndVoucherClient.HttpClientName).Timeout);

        var missing = Services(new() { ["TokenUrl"] = "https://pdnd.example/token.oauth2" });
        var failure = Assert.Throws<OptionsValidationException>(() => missing.GetRequiredService<IOptions<PdndOptions>>().Value);
        Assert.Contains(failure.Failures, f => f.Contains("ClientId", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("KeyId", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("Issuer", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("JwksUrl", StringComparison.Ordinal));

        var plain = Services(new() { ["TokenUrl"] = "http://pdnd.example/token", ["ClientId"] = "c", ["KeyId"] = "k",
            ["Issuer"] = "x", ["JwksUrl"] = "http://127.0.0.1:1/jwks" });
        var http = Assert.Throws<OptionsValidationException>(() => plain.GetRequiredService<IOptions<PdndOptions>>().Value);
        Assert.Equal(["Interop:Pdnd:TokenUrl must use https (plain http only on a loopback host)."], http.Failures);
    }

    private sealed record Region(string ClientId, string KeyId, X509Certificate2 Certificate, PdndOptions Options);

    private static async Task<Region> RegionAsync(PdndServer server, bool ecdsa = false, string[]? resources = null, TimeSpan? voucherLifetime = null)
    {
        var clientId = "090-" + Guid.NewGuid().ToString("N")[..8];
        var keyId = "key-" + Guid.NewGuid().ToString("N")[..8];
        var certificate = Certificate(ecdsa);
        await server.RegisterClientAsync(clientId, certificate, keyId, resources ?? [Activations, Reprints], voucherLifetime);
        var settings = Settings(server, clientId, keyId);
        settings.PurposeId = "purpose-" + clientId;
        // OpenIddict 7 follows draft-ietf-oauth-rfc7523bis: typ client-authentication+jwt, aud = its issuer (PDND: JWT and its own aud).
        settings.AssertionType = "client-authentication+jwt";
        settings.AssertionAudience = server.Issuer;
        return new Region(clientId, keyId, certificate, settings);
    }

    private static PdndOptions Settings(PdndServer server, string clientId, string keyId) => new()
    {
        TokenUrl = server.TokenUrl,
        ClientId = clientId,
        KeyId = keyId,
        Issuer = server.Issuer,
        JwksUrl = server.JwksUrl,
    };

    private static X509Certificate2 Certificate(bool ecdsa)
    {
        if (ecdsa)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return new CertificateRequest("CN=Regione 090 ECDSA", key, HashAlgorithmName.SHA256)
                .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        }
        using var rsa = RSA.Create(2048);
        return new CertificateRequest("CN=Regione 090", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private static PdndVoucherClient Client(Region region) => new(Http, Options.Create(region.Options));

    private static PdndVoucherValidator Validator(PdndServer server, TimeProvider? clock = null) =>
        new(Http, Options.Create(Settings(server, "unused", "unused")), null, clock);

    /// <summary>A JWS with the genuine voucher's payload, signed by another key.</summary>
    private static string Forge(JsonWebToken genuine, SecurityKey key, string algorithm)
    {
        var header = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, string> { ["alg"] = algorithm, ["kid"] = key.KeyId, ["typ"] = "at+jwt" }));
        var input = header + "." + genuine.EncodedPayload;
        var provider = CryptoProviderFactory.Default.CreateForSigning(key, algorithm);
        try
        {
            return input + "." + Base64UrlEncoder.Encode(provider.Sign(Encoding.ASCII.GetBytes(input)));
        }
        finally
        {
            CryptoProviderFactory.Default.ReleaseSignatureProvider(provider);
        }
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }

    private sealed class FixedClock(DateTime utc) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
    }

    private sealed class MovableClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
