using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cms.Infrastructure.Interop.Modi;

/// <summary>The outcome of a voucher's check: either the caller's identity or a reason code; never an exception for a bad token.</summary>
public sealed record VoucherResult
{
    public const string Invalid = "voucher-invalid";
    public const string Expired = "voucher-expired";
    public const string Audience = "voucher-audience";
    public const string Issuer = "voucher-issuer";

    public bool Valid => Reason is null;
    /// <summary>Null when valid, else one of <see cref="Invalid"/>, <see cref="Expired"/>, <see cref="Audience"/>, <see cref="Issuer"/>.</summary>
    public string? Reason { get; init; }
    /// <summary>The caller's client id at the server: the voucher's <c>client_id</c> claim (PDND and OpenIddict set it), else its <c>sub</c>.</summary>
    public string? ClientId { get; init; }
    public string? Jti { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>The <c>digest</c> the server copied from the client assertion (AUDIT_REST_02 binding); null when the voucher has none.</summary>
    public VoucherDigest? Digest { get; init; }

    public static VoucherResult Fail(string reason) => new() { Reason = reason };
}

/// <summary>A voucher's <c>digest</c> claim: <c>{"alg":"SHA256","value":"&lt;lowercase hex&gt;"}</c>.</summary>
public sealed record VoucherDigest(string Alg, string Value);

/// <summary>
/// Checks a PDND voucher (decision 0060) against the authorization server's JWKS: an asymmetric signature by one of its keys
/// (<c>none</c> and HMAC refused), then <c>iss</c> equal to <see cref="PdndOptions.Issuer"/>, <c>aud</c> naming the expected
/// audience, <c>exp</c>/<c>nbf</c>/<c>iat</c> with 60 s of skew and a lifetime of at most
/// <see cref="PdndOptions.MaxVoucherLifetimeMinutes"/>. The signature is checked first: a forged token is
/// <c>voucher-invalid</c> whatever its claims say.
/// </summary>
public sealed class PdndVoucherValidator(IHttpClientFactory httpClients, IOptions<PdndOptions> options, ILogger<PdndVoucherValidator>? logger = null,
    TimeProvider? clock = null)
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(60);
    /// <summary>An unknown <c>kid</c> fetches the JWKS again, at most this often (a key rotated at the server).</summary>
    public static readonly TimeSpan UnknownKeyRefetch = TimeSpan.FromMinutes(1);

    /// <summary>Asymmetric algorithms only: <c>none</c> and <c>HS*</c> never validate, whatever the key set holds.</summary>
    public static readonly IReadOnlyList<string> Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly TimeProvider clock = clock ?? TimeProvider.System;
    private readonly ILogger logger = logger ?? NullLogger<PdndVoucherValidator>.Instance;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly JsonWebTokenHandler handler = new();
    private IReadOnlyList<SecurityKey> keys = [];
    private DateTimeOffset fetchedAt = DateTimeOffset.MinValue;
    private DateTimeOffset attemptedAt = DateTimeOffset.MinValue;

    /// <summary>How many times the JWKS was fetched (for tests and diagnostics).</summary>
    public int JwksFetches { get; private set; }

    /// <exception cref="HttpRequestException">The JWKS could not be fetched and none is held: a fault of the server, not of the token.</exception>
    public async Task<VoucherResult> ValidateAsync(string voucher, string expectedAudience, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled) throw new InvalidOperationException("PDND is not configured (Interop:Pdnd:TokenUrl).");
        if (string.IsNullOrEmpty(voucher) || !handler.CanReadToken(voucher)) return VoucherResult.Fail(VoucherResult.Invalid);
        JsonWebToken token;
        try
        {
            token = handler.ReadJsonWebToken(voucher);
        }
        catch (ArgumentException)
        {
            return VoucherResult.Fail(VoucherResult.Invalid);
        }
        if (token.IsEncrypted || !Algorithms.Contains(token.Alg, StringComparer.Ordinal)) return VoucherResult.Fail(VoucherResult.Invalid);

        var signingKeys = await KeysAsync(settings, string.IsNullOrEmpty(token.Kid) ? null : token.Kid, cancellationToken);
        var signature = await handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = signingKeys,
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = false,
            // The claims are checked below, in a fixed order, once the signature holds.
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
        });
        if (!signature.IsValid)
        {
            logger.LogInformation("PDND voucher refused: signature ({Kind}); its kid {Kid}, the keys held {Kids}.", signature.Exception?.GetType().Name,
                token.Kid, string.Join(",", signingKeys.Select(k => k.KeyId)));
            return VoucherResult.Fail(VoucherResult.Invalid);
        }

        if (!string.Equals(token.Issuer, settings.Issuer, StringComparison.Ordinal)) return VoucherResult.Fail(VoucherResult.Issuer);
        if (!token.Audiences.Contains(expectedAudience, StringComparer.Ordinal)) return VoucherResult.Fail(VoucherResult.Audience);

        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp) || !token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var iat))
            return VoucherResult.Fail(VoucherResult.Invalid);
        var now = clock.GetUtcNow();
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(exp);
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
        if (now > expiresAt + ClockSkew) return VoucherResult.Fail(VoucherResult.Expired);
        if (issuedAt > now + ClockSkew) return VoucherResult.Fail(VoucherResult.Invalid);
        if (token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Nbf, out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf) > now + ClockSkew)
            return VoucherResult.Fail(VoucherResult.Invalid);
        if (expiresAt - issuedAt > TimeSpan.FromMinutes(settings.MaxVoucherLifetimeMinutes) || expiresAt < issuedAt)
            return VoucherResult.Fail(VoucherResult.Invalid);

        var clientId = token.TryGetPayloadValue<string>("client_id", out var client) && !string.IsNullOrEmpty(client) ? client
            : string.IsNullOrEmpty(token.Subject) ? null : token.Subject;
        if (clientId is null) return VoucherResult.Fail(VoucherResult.Invalid);
        return new VoucherResult
        {
            ClientId = clientId,
            Jti = string.IsNullOrEmpty(token.Id) ? null : token.Id,
            ExpiresAt = expiresAt,
            Digest = Digest(token),
        };
    }

    /// <summary>The <c>digest</c> claim, read from the payload's JSON (an object, not a string).</summary>
    private static VoucherDigest? Digest(JsonWebToken token)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
        if (!payload.RootElement.TryGetProperty("digest", out var digest) || digest.ValueKind != JsonValueKind.Object) return null;
        return digest.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String
            && digest.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String
            ? new VoucherDigest(alg.GetString()!, value.GetString()!)
            : null;
    }

    private async Task<IReadOnlyList<SecurityKey>> KeysAsync(PdndOptions settings, string? kid, CancellationToken cancellationToken)
    {
        if (!NeedsFetch(settings, kid)) return keys;
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!NeedsFetch(settings, kid)) return keys;
            attemptedAt = clock.GetUtcNow();
            try
            {
                using var response = await httpClients.CreateClient(PdndVoucherClient.HttpClientName).GetAsync(settings.JwksUrl, cancellationToken);
                response.EnsureSuccessStatusCode();
                var set = new JsonWebKeySet(await response.Content.ReadAsStringAsync(cancellationToken));
                // Public asymmetric keys only: a symmetric key in the set would let an HMAC token through.
                keys = [.. set.GetSigningKeys().Where(k => k is RsaSecurityKey or ECDsaSecurityKey or X509SecurityKey
                    || (k is JsonWebKey j && j.Kty is JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve))];
                fetchedAt = attemptedAt;
                JwksFetches++;
                logger.LogInformation("PDND JWKS fetched: {Count} signing keys.", keys.Count);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ArgumentException or JsonException
                && !cancellationToken.IsCancellationRequested)
            {
                if (keys.Count == 0) throw new HttpRequestException("The PDND JWKS could not be fetched.", e);
                logger.LogWarning("PDND JWKS could not be fetched ({Kind}); the keys held are kept.", e.GetType().Name);
            }
            return keys;
        }
        finally
        {
            gate.Release();
        }
    }

    private bool NeedsFetch(PdndOptions settings, string? kid)
    {
        var now = clock.GetUtcNow();
        if (now - fetchedAt >= TimeSpan.FromMinutes(settings.JwksRefreshMinutes) && now - attemptedAt >= UnknownKeyRefetch) return true;
        if (fetchedAt == DateTimeOffset.MinValue && attemptedAt == DateTimeOffset.MinValue) return true;
        return kid is not null && !keys.Any(k => k.KeyId == kid) && now - attemptedAt >= UnknownKeyRefetch;
    }
}
