using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Cms.Application.Interop.Contracts;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cms.Infrastructure.Interop.Modi;

/// <summary>The ModI profile's names and limits (decision 0059, docs/interop.md).</summary>
public static class ModiProfile
{
    public const string SignatureHeader = "Agid-JWT-Signature";
    public const string TrackingEvidenceHeader = "Agid-JWT-TrackingEvidence";
    public const string DigestHeader = "Digest";
    /// <summary>How long a token this region signs is valid.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);
    /// <summary>The longest validity (exp − iat) accepted: the jti ledger keeps 15 minutes, far beyond it and the skew.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan Skew = TimeSpan.FromSeconds(60);
    public static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512, SecurityAlgorithms.RsaSsaPssSha256,
        SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384,
        SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>The <c>Digest</c> header of a body (RFC 3230 as ModI uses it): <c>SHA-256=</c> and the base64 of its SHA-256.</summary>
    public static string DigestOf(ReadOnlySpan<byte> body) => "SHA-256=" + Convert.ToBase64String(SHA256.HashData(body));

    /// <summary>The AUDIT_REST_02 binding: the lowercase hex SHA-256 of the tracking evidence as sent.</summary>
    public static string EvidenceDigest(string trackingEvidence) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(trackingEvidence)));
}

/// <summary>The operator behind a request, as AUDIT_REST_02 names them: codice fiscale, counter, level of assurance of the sign-in.</summary>
public sealed record TrackingClaims(string UserId, string UserLocation, string LoA);

/// <summary>The headers of one signed request.</summary>
public sealed record SignedRequest(string? IdAuth, string Digest, string Signature, string SignatureJti, string TrackingEvidence);

/// <summary>The headers of one signed answer.</summary>
public sealed record SignedAnswer(string Digest, string Signature);

/// <summary>A token that passed every check, with its payload to read the profile's own claims from.</summary>
public sealed record CheckedToken(JsonWebToken Token, JsonElement Payload, X509Certificate2 Certificate)
{
    public string Jti => Token.Id;
    public string? Text(string claim) => Payload.TryGetProperty(claim, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>Why a token was refused: the problem type's rule and the Italian sentence.</summary>
public sealed record TokenRefusal(string Rule, string Detail);

/// <summary>
/// Signs and checks the ModI tokens (decision 0059): JWS with the signer's certificate chain in <c>x5c</c>, the claims
/// <c>iss</c>, <c>sub</c>, <c>aud</c>, <c>iat</c>, <c>nbf</c>, <c>exp</c>, <c>jti</c>, and each pattern's own (ID_AUTH_REST_02's
/// <c>digest</c> of the tracking evidence, INTEGRITY_REST_01's <c>signed_headers</c>, AUDIT_REST_02's <c>userID</c>,
/// <c>userLocation</c>, <c>LoA</c>). Built on Microsoft.IdentityModel's JsonWebTokenHandler.
/// </summary>
public sealed class ModiTokens(RegionSigningIdentity identity, TimeProvider clock)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public bool CanSign => identity.Configured;

    /// <summary>
    /// The headers of a request from <paramref name="region"/> to <paramref name="audience"/> (the URL called). Without a PDND
    /// voucher the ID_AUTH_REST_02 token is made too, carrying the tracking evidence's digest.
    /// </summary>
    public SignedRequest SignRequest(string region, string audience, ReadOnlySpan<byte> body, string contentType, TrackingClaims tracking,
        bool withIdAuth)
    {
        var signer = identity.Current;
        var evidence = Create(signer, region, audience, new Dictionary<string, object>
        {
            ["userID"] = tracking.UserId, ["userLocation"] = tracking.UserLocation, ["LoA"] = tracking.LoA,
        }, subject: false);
        var digest = ModiProfile.DigestOf(body);
        var signatureJti = Guid.NewGuid().ToString();
        // The tracking evidence is bound to the ID_AUTH token (claim digest, as PDND vouchers carry it) and to the integrity
        // token (claim audit_digest): the three tokens and the body go together, none can travel with another call's.
        var evidenceDigest = JsonSerializer.SerializeToElement(new Dictionary<string, string>
        {
            ["alg"] = "SHA256", ["value"] = ModiProfile.EvidenceDigest(evidence),
        });
        var signature = Create(signer, region, audience, new Dictionary<string, object>
        {
            ["signed_headers"] = SignedHeaders(digest, contentType), ["audit_digest"] = evidenceDigest,
        }, subject: true, jti: signatureJti);
        var idAuth = withIdAuth
            ? Create(signer, region, audience, new Dictionary<string, object> { ["digest"] = evidenceDigest }, subject: true)
            : null;
        return new SignedRequest(idAuth, digest, signature, signatureJti, evidence);
    }

    /// <summary>An answer's INTEGRITY_REST_01 headers, for <paramref name="audience"/> (the requesting region), bound to its request's jti.</summary>
    public SignedAnswer SignAnswer(string region, string audience, ReadOnlySpan<byte> body, string contentType, string? requestJti, int status)
    {
        var digest = ModiProfile.DigestOf(body);
        // The status is signed too: a genuine answer cannot be passed off with another status (a 200 as a 409).
        var claims = new Dictionary<string, object> { ["signed_headers"] = SignedHeaders(digest, contentType), ["status"] = status };
        if (requestJti is not null) claims["request_jti"] = requestJti;
        return new SignedAnswer(digest, Create(identity.Current, region, audience, claims, subject: true));
    }

    public static JsonElement SignedHeaders(string digest, string contentType) => JsonSerializer.SerializeToElement(new[]
    {
        new Dictionary<string, string> { ["digest"] = digest },
        new Dictionary<string, string> { ["content-type"] = contentType },
    });

    private string Create(SigningIdentity signer, string region, string audience, Dictionary<string, object> claims, bool subject, string? jti = null)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        claims["jti"] = jti ?? Guid.NewGuid().ToString();
        if (subject) claims["sub"] = region;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = region,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + ModiProfile.Lifetime,
            Claims = claims,
            SigningCredentials = signer.Credentials,
            TokenType = "JWT",
            AdditionalHeaderClaims = new Dictionary<string, object> { ["x5c"] = signer.X5c },
        });
    }

    /// <summary>
    /// Checks one token of <paramref name="peer"/>: its x5c chain against what is registered for the peer, then the signature
    /// with the chain's leaf, <c>iss</c> (the peer's region), <c>aud</c>, the time window and the lifetime, <c>jti</c>, and
    /// <c>sub</c> when <paramref name="subject"/>. The refusal names the first check that failed.
    /// </summary>
    public async Task<(CheckedToken? Token, TokenRefusal? Refusal)> CheckAsync(string? token, PeerCredentials peer, string audience, bool subject,
        string name)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 20_000 || !Handler.CanReadToken(token))
            return Refuse("modi-token-malformed", $"{name}: non è un JWS leggibile.");
        JsonWebToken jwt;
        JsonElement header, payload;
        try
        {
            jwt = new JsonWebToken(token);
            header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedHeader)).RootElement;
            payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload)).RootElement;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException or SecurityTokenMalformedException)
        {
            return Refuse("modi-token-malformed", $"{name}: non è un JWS leggibile.");
        }
        if (!header.TryGetProperty("x5c", out var x5c) || x5c.ValueKind != JsonValueKind.Array || x5c.GetArrayLength() is 0 or > 5)
            return Refuse("modi-certificate-untrusted", $"{name}: manca la catena di certificati (x5c).");
        var chain = new List<X509Certificate2>();
        try
        {
            foreach (var element in x5c.EnumerateArray())
                chain.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(element.GetString() ?? "")));
        }
        catch (Exception e) when (e is FormatException or CryptographicException or InvalidOperationException)
        {
            return Refuse("modi-certificate-untrusted", $"{name}: la catena di certificati (x5c) non è leggibile.");
        }
        var now = clock.GetUtcNow();
        SecurityKey? key;
        try
        {
            // The caller's certificate is read before it is trusted: a malformed extension, subject or key is a refusal, not a 500.
            if (peer.CheckCertificate(chain[0], chain.Skip(1).ToList(), now) is { } untrusted)
                return Refuse("modi-certificate-untrusted", $"{name}: {untrusted}");
            key = chain[0].GetRSAPublicKey() is { } rsa ? new RsaSecurityKey(rsa)
                : chain[0].GetECDsaPublicKey() is { } ec ? new ECDsaSecurityKey(ec)
                : null;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException or InvalidOperationException)
        {
            return Refuse("modi-certificate-untrusted", $"{name}: il certificato (x5c) non è leggibile.");
        }
        if (key is null) return Refuse("modi-certificate-untrusted", $"{name}: la chiave del certificato non è RSA né ECDSA.");
        var result = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            TryAllIssuerSigningKeys = true,
            ValidateIssuerSigningKey = false, // the chain was checked above
            ValidIssuer = peer.Region,
            ValidAudience = audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidAlgorithms = ModiProfile.Algorithms,
            ClockSkew = ModiProfile.Skew,
        });
        if (!result.IsValid)
        {
            return result.Exception switch
            {
                SecurityTokenExpiredException => Refuse("modi-token-expired", $"{name}: scaduto (exp)."),
                SecurityTokenNotYetValidException or SecurityTokenNoExpirationException or SecurityTokenInvalidLifetimeException =>
                    Refuse("modi-token-time-invalid", $"{name}: fuori dal periodo di validità (nbf, exp)."),
                SecurityTokenInvalidAudienceException => Refuse("modi-audience-mismatch", $"{name}: destinato a un altro indirizzo (aud)."),
                SecurityTokenInvalidIssuerException => Refuse("modi-issuer-mismatch", $"{name}: emesso da un'altra Regione (iss)."),
                SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidAlgorithmException =>
                    Refuse("modi-signature-invalid", $"{name}: la firma non corrisponde al certificato (x5c)."),
                _ => Refuse("modi-token-malformed", $"{name}: non valido ({result.Exception?.GetType().Name})."),
            };
        }
        // Numbers only (IdentityModel also takes numeric strings), compared without overflow: iat within a day of now.
        static long? Seconds(JsonElement payload, string claim) =>
            payload.TryGetProperty(claim, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) ? seconds : null;
        var (iat, nbf, exp) = (Seconds(payload, "iat"), Seconds(payload, "nbf"), Seconds(payload, "exp"));
        if (iat is null || nbf is null || exp is null)
            return Refuse("modi-token-time-invalid", $"{name}: mancano iat, nbf o exp (numeri).");
        var nowSeconds = now.ToUnixTimeSeconds();
        if (iat > nowSeconds + (long)ModiProfile.Skew.TotalSeconds)
            return Refuse("modi-token-time-invalid", $"{name}: emesso nel futuro (iat).");
        if (iat < nowSeconds - 86_400 || exp < iat || exp - iat > (long)ModiProfile.MaxLifetime.TotalSeconds)
            return Refuse("modi-token-time-invalid", $"{name}: validità più lunga di {ModiProfile.MaxLifetime.TotalMinutes:0} minuti.");
        if (string.IsNullOrEmpty(jwt.Id) || jwt.Id.Length > 100)
            return Refuse("modi-token-malformed", $"{name}: manca l'identificativo (jti).");
        if (subject && jwt.Subject != peer.Region)
            return Refuse("modi-issuer-mismatch", $"{name}: il soggetto (sub) non è la Regione che firma.");
        return (new CheckedToken(jwt, payload, chain[0]), null);
    }

    private static (CheckedToken?, TokenRefusal?) Refuse(string rule, string detail) => (null, new TokenRefusal(rule, detail));

    /// <summary>The region a token says it comes from, read before any check (to find whom to check it against).</summary>
    public static string? UnverifiedIssuer(string? token)
    {
        try
        {
            return token is not null && Handler.CanReadToken(token) ? new JsonWebToken(token).Issuer : null;
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
        {
            return null;
        }
    }

    public static string? UnverifiedId(string? token)
    {
        try
        {
            return token is not null && Handler.CanReadToken(token) ? new JsonWebToken(token).Id : null;
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException)
        {
            return null;
        }
    }

    /// <summary>Whether a checked token's claim <paramref name="claim"/> is the digest object of <paramref name="evidenceDigest"/>.</summary>
    public static bool BindsEvidence(CheckedToken token, string claim, string evidenceDigest) =>
        token.Payload.TryGetProperty(claim, out var bound) && bound.ValueKind == JsonValueKind.Object
        && bound.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String && value.GetString() == evidenceDigest;

    /// <summary>Whether a checked INTEGRITY_REST_01 token's <c>signed_headers</c> are exactly these digest and content type.</summary>
    public static bool SignsHeaders(CheckedToken token, string digest, string? contentType)
    {
        if (!token.Payload.TryGetProperty("signed_headers", out var signed) || signed.ValueKind != JsonValueKind.Array) return false;
        string? signedDigest = null, signedType = null;
        foreach (var entry in signed.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object) return false;
            foreach (var header in entry.EnumerateObject())
            {
                if (header.Value.ValueKind != JsonValueKind.String) return false;
                if (header.Name.Equals("digest", StringComparison.OrdinalIgnoreCase)) signedDigest = header.Value.GetString();
                else if (header.Name.Equals("content-type", StringComparison.OrdinalIgnoreCase)) signedType = header.Value.GetString();
            }
        }
        return signedDigest == digest && signedType is not null && contentType is not null
            && string.Equals(signedType.Replace(" ", ""), contentType.Replace(" ", ""), StringComparison.OrdinalIgnoreCase);
    }
}
