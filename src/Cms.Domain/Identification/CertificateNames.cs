using Cms.Domain.Identification.Contracts;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cms.Domain.Identification;

/// <summary>
/// How a card's authentication certificate is named in the registry (decision 0032): its serial and its issuer, written
/// the same way whether they come from the issuer's card feed or from the certificate a citizen presents.
/// </summary>
public static class CertificateNames
{
    /// <summary>
    /// Upper-case hexadecimal, without separators (<c>:</c>, spaces, <c>0x</c>) and leading zeros. Null when the text is not
    /// hexadecimal or longer than 20 bytes (RFC 5280 §4.1.2.2).
    /// </summary>
    public static string? NormalizeSerial(string? serial)
    {
        if (string.IsNullOrWhiteSpace(serial)) return null;
        var hex = serial.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (hex.StartsWith("0X", StringComparison.Ordinal)) hex = hex[2..];
        if (hex.Length == 0 || !hex.All(char.IsAsciiHexDigit)) return null;
        hex = hex.TrimStart('0');
        if (hex.Length == 0) hex = "0";
        return hex.Length > 40 ? null : hex;
    }

    /// <summary>
    /// A distinguished name as .NET renders a certificate's (<c>CN=…, O=…, C=IT</c>: canonical attribute names, values as
    /// given), or null when it cannot be read or is longer than 1000 characters.
    /// </summary>
    public static string? NormalizeIssuer(string? issuer)
    {
        if (string.IsNullOrWhiteSpace(issuer) || issuer.Length > 1000) return null;
        try
        {
            // Through DER and back, so that attribute names come out canonical (cn=… → CN=…), as a certificate's issuer does.
            var name = new X500DistinguishedName(new X500DistinguishedName(issuer.Trim()).RawData).Name;
            return string.IsNullOrEmpty(name) || name.Length > 500 ? null : name;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or FormatException)
        {
            return null;
        }
    }
}
