using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cms.Application.Interop.Common;

/// <summary>
/// How one Cms proves to another that a request is its own and fresh: HMAC-SHA256, under the secret the two regions
/// share, over the method, the path, the timestamp, the sender's region and the SHA-256 of the body. The receiver
/// accepts a timestamp within <see cref="Skew"/> of its clock and each signature once.
/// </summary>
public static class PeerSignature
{
    public const string RegionHeader = "X-Cms-Peer-Region";
    public const string TimestampHeader = "X-Cms-Timestamp";
    public const string SignatureHeader = "X-Cms-Signature";
    public static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    public static string Compute(byte[] secret, string method, string path, long unixSeconds, string region, ReadOnlySpan<byte> body)
    {
        var canonical = string.Join('\n', method.ToUpperInvariant(), path, unixSeconds.ToString(CultureInfo.InvariantCulture), region,
            Convert.ToHexStringLower(SHA256.HashData(body)));
        return Convert.ToBase64String(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(canonical)));
    }

    public static bool Matches(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given));
}
