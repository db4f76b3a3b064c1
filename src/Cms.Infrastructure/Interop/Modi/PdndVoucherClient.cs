using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cms.Infrastructure.Interop.Modi;

/// <summary>
/// Asks the PDND authorization server for a voucher (decision 0060): a client assertion (RFC 7523, signed with this region's
/// key, as PDND wants it) posted to the token endpoint with <c>grant_type=client_credentials</c>. The voucher is for one
/// audience (the called URL) and, when the call carries a tracking evidence (AUDIT_REST_02), bound to it by the assertion's
/// <c>digest</c> claim, which PDND copies into the voucher.
/// </summary>
public sealed class PdndVoucherClient(IHttpClientFactory httpClients, IOptions<PdndOptions> options, TimeProvider? clock = null)
{
    public const string HttpClientName = "pdnd";
    public const string ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    /// <summary>How long a client assertion is good for (PDND's examples use a few minutes; replay stays short).</summary>
    public static readonly TimeSpan AssertionLifetime = TimeSpan.FromMinutes(2);

    private readonly TimeProvider clock = clock ?? TimeProvider.System;

    /// <summary>
    /// A voucher for <paramref name="audience"/>. The audience goes in the RFC 8707 <c>resource</c> parameter: it is the one
    /// parameter an OAuth 2.0 server takes for the client credentials grant to name the protected resource (OpenIddict 7 checks
    /// it against the registered resources and the client's permissions, and refuses <c>audience</c> outside token exchange);
    /// PDND itself derives the voucher's audience from the purpose and does not need it.
    /// </summary>
    /// <exception cref="PdndVoucherException">The server refused, or answered without a token.</exception>
    public async Task<string> VoucherAsync(string audience, string? trackingEvidence, X509Certificate2 signingCertificate, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(audience);
        ArgumentNullException.ThrowIfNull(signingCertificate);
        var settings = options.Value;
        if (!settings.Enabled) throw new InvalidOperationException("PDND is not configured (Interop:Pdnd:TokenUrl).");

        var assertion = ClientAssertion(settings, trackingEvidence, signingCertificate, clock.GetUtcNow());
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = settings.ClientId!,
            ["client_assertion_type"] = ClientAssertionType,
            ["client_assertion"] = assertion,
            ["resource"] = audience,
        };
        using var content = new FormUrlEncodedContent(form);
        using var response = await httpClients.CreateClient(HttpClientName).PostAsync(settings.TokenUrl, content, cancellationToken);
        JsonElement body;
        try
        {
            body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new PdndVoucherException("invalid_response", null, (int)response.StatusCode);
        }
        if (!response.IsSuccessStatusCode || body.ValueKind != JsonValueKind.Object)
            throw new PdndVoucherException(Text(body, "error") ?? "invalid_response", Text(body, "error_description"), (int)response.StatusCode);
        return Text(body, "access_token") is { Length: > 0 } token
            ? token
            : throw new PdndVoucherException("invalid_response", "The answer carries no access_token.", (int)response.StatusCode);
    }

    /// <summary>
    /// The client assertion: JOSE <c>kid</c>, <c>alg</c>, <c>typ</c> (<see cref="PdndOptions.AssertionType"/>, <c>JWT</c> for PDND);
    /// claims <c>iss</c> = <c>sub</c> = client id, <c>aud</c>, <c>jti</c>, <c>iat</c>, <c>exp</c> (+2 min), <c>purposeId</c>, <c>digest</c>.
    /// </summary>
    public static string ClientAssertion(PdndOptions settings, string? trackingEvidence, X509Certificate2 certificate, DateTimeOffset now)
    {
        var (key, algorithm) = SigningKey(certificate, settings.KeyId!);
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = settings.ClientId!,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
        };
        if (settings.PurposeId is { } purpose) claims["purposeId"] = purpose;
        if (trackingEvidence is not null)
            claims["digest"] = new Dictionary<string, object> { ["alg"] = "SHA256", ["value"] = TrackingEvidenceDigest(trackingEvidence) };
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = settings.ClientId,
            Audience = settings.EffectiveAssertionAudience,
            IssuedAt = now.UtcDateTime,
            Expires = now.Add(AssertionLifetime).UtcDateTime,
            TokenType = settings.AssertionType,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, algorithm),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The AUDIT_REST_02 binding: lowercase hex SHA-256 of the tracking evidence JWS as sent (ASCII).</summary>
    public static string TrackingEvidenceDigest(string trackingEvidence) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(trackingEvidence)));

    private static (SecurityKey Key, string Algorithm) SigningKey(X509Certificate2 certificate, string keyId)
    {
        if (certificate.GetRSAPrivateKey() is { } rsa)
            return (new RsaSecurityKey(rsa) { KeyId = keyId }, SecurityAlgorithms.RsaSha256);
        if (certificate.GetECDsaPrivateKey() is { } ecdsa)
        {
            var algorithm = ecdsa.KeySize switch
            {
                256 => SecurityAlgorithms.EcdsaSha256,
                384 => SecurityAlgorithms.EcdsaSha384,
                521 => SecurityAlgorithms.EcdsaSha512,
                _ => throw new InvalidOperationException($"ECDSA keys of {ecdsa.KeySize} bits are not supported."),
            };
            return (new ECDsaSecurityKey(ecdsa) { KeyId = keyId }, algorithm);
        }
        throw new InvalidOperationException("The signing certificate has no RSA or ECDSA private key.");
    }

    private static string? Text(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>The authorization server refused a voucher (its OAuth <c>error</c> code); never carries the assertion or a token.</summary>
public sealed class PdndVoucherException(string error, string? errorDescription, int statusCode)
    : Exception($"The PDND authorization server refused the voucher: {error} (HTTP {statusCode}).")
{
    /// <summary>The OAuth 2.0 error code (<c>invalid_client</c>, <c>invalid_target</c>, …; <c>invalid_response</c> for an unreadable answer).</summary>
    public string Error { get; } = error;
    /// <summary>The server's <c>error_description</c>, for the log; not part of <see cref="Exception.Message"/>.</summary>
    public string? ErrorDescription { get; } = errorDescription;
    public int StatusCode { get; } = statusCode;
}
