using Microsoft.Extensions.Options;

namespace Cms.Infrastructure.Interop.Modi;

/// <summary>
/// The PDND authorization server (decision 0060), section <c>Interop:Pdnd</c>. Without <see cref="TokenUrl"/> PDND is off:
/// the requests carry the ModI ID_AUTH_REST_02 JWS and the receiver checks that alone.
/// </summary>
public sealed class PdndOptions
{
    public const string Section = "Interop:Pdnd";

    /// <summary>The server's token endpoint, where the sender asks for a voucher; null = PDND off.</summary>
    public string? TokenUrl { get; set; }

    /// <summary>This region's client id at the server (the client assertion's <c>iss</c>, <c>sub</c> and <c>client_id</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>The <c>kid</c> of this region's key as registered at the server (the client assertion's JOSE header).</summary>
    public string? KeyId { get; set; }

    /// <summary>
    /// The client assertion's <c>aud</c>; null = <see cref="TokenUrl"/> (RFC 7523). PDND documents its own fixed value
    /// (e.g. <c>auth.interop.pagopa.it/client-assertion</c>); OpenIddict 7 wants its issuer (draft-ietf-oauth-rfc7523bis).
    /// </summary>
    public string? AssertionAudience { get; set; }

    /// <summary>
    /// The client assertion's JOSE <c>typ</c>: <c>JWT</c> as PDND documents it; an authorization server that follows
    /// draft-ietf-oauth-rfc7523bis (OpenIddict 7) accepts <c>client-authentication+jwt</c> only.
    /// </summary>
    public string AssertionType { get; set; } = "JWT";

    /// <summary>The server's issuer, expected in the vouchers' <c>iss</c> (exactly, trailing slash included).</summary>
    public string? Issuer { get; set; }

    /// <summary>The server's JSON Web Key Set, whose keys sign the vouchers.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>PDND's purpose the calls are made for, sent as the client assertion's <c>purposeId</c> claim; optional.</summary>
    public string? PurposeId { get; set; }

    /// <summary>How long the receiver keeps the JWKS before fetching it again (an unknown <c>kid</c> refetches sooner, at most once a minute).</summary>
    public int JwksRefreshMinutes { get; set; } = 60;

    /// <summary>The longest lifetime (<c>exp</c> − <c>iat</c>) a voucher may have; PDND lets an e-service set up to one day.</summary>
    public int MaxVoucherLifetimeMinutes { get; set; } = 1440;

    /// <summary>The HTTP timeout of the calls to the token endpoint and to the JWKS.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    public bool Enabled => TokenUrl is not null;

    /// <summary>The client assertion's audience in force.</summary>
    public string EffectiveAssertionAudience => AssertionAudience ?? TokenUrl ?? throw new InvalidOperationException("Interop:Pdnd:TokenUrl is not set.");
}

public sealed class PdndOptionsValidator : IValidateOptions<PdndOptions>
{
    public ValidateOptionsResult Validate(string? name, PdndOptions options)
    {
        var errors = new List<string>();
        if (options.JwksRefreshMinutes is < 1 or > 1440) errors.Add("Interop:Pdnd:JwksRefreshMinutes must be between 1 and 1440.");
        if (options.MaxVoucherLifetimeMinutes is < 1 or > 1440) errors.Add("Interop:Pdnd:MaxVoucherLifetimeMinutes must be between 1 and 1440.");
        if (options.TimeoutSeconds is < 1 or > 120) errors.Add("Interop:Pdnd:TimeoutSeconds must be between 1 and 120.");
        if (!options.Enabled) return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        CheckUrl(options.TokenUrl, "TokenUrl", errors);
        CheckUrl(options.JwksUrl, "JwksUrl", errors);
        if (string.IsNullOrWhiteSpace(options.ClientId)) errors.Add("Interop:Pdnd:ClientId is required when Interop:Pdnd:TokenUrl is set.");
        if (string.IsNullOrWhiteSpace(options.KeyId)) errors.Add("Interop:Pdnd:KeyId is required when Interop:Pdnd:TokenUrl is set.");
        if (string.IsNullOrWhiteSpace(options.Issuer)) errors.Add("Interop:Pdnd:Issuer is required when Interop:Pdnd:TokenUrl is set.");
        if (options.AssertionAudience is { } audience && string.IsNullOrWhiteSpace(audience))
            errors.Add("Interop:Pdnd:AssertionAudience, when set, must not be blank.");
        if (string.IsNullOrWhiteSpace(options.AssertionType)) errors.Add("Interop:Pdnd:AssertionType must not be blank.");
        if (options.PurposeId is { } purpose && string.IsNullOrWhiteSpace(purpose))
            errors.Add("Interop:Pdnd:PurposeId, when set, must not be blank.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckUrl(string? value, string key, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
            errors.Add($"Interop:Pdnd:{key} is required when Interop:Pdnd:TokenUrl is set.");
        else if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            errors.Add($"Interop:Pdnd:{key} must be an absolute http(s) URL.");
        else if (uri.Scheme != Uri.UriSchemeHttps && !uri.IsLoopback)
            errors.Add($"Interop:Pdnd:{key} must use https (plain http only on a loopback host).");
        else if (!string.IsNullOrEmpty(uri.UserInfo))
            errors.Add($"Interop:Pdnd:{key} must not carry credentials.");
    }
}
