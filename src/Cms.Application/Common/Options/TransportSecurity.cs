namespace Cms.Application.Common.Options;

/// <summary>
/// Whether every outbound hop must be encrypted (decision 0032): true outside the Development and Testing environments. Then
/// peer regions are registered and called by <c>https://</c> addresses only; start-up refuses plain SMTP, opportunistic
/// STARTTLS and <c>http://</c> integration addresses.
/// </summary>
public sealed record TransportSecurity(bool RequireTls)
{
    /// <summary>Whether <paramref name="url"/> may be called under this policy: an absolute http(s) address, https when TLS is required.</summary>
    public bool Allows(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (!RequireTls && uri.Scheme == Uri.UriSchemeHttp));
}
