using System.Security.Cryptography;
using System.Text;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>
/// Issue 23's attack on a database dump: try every CIP of a range as the body a client sends to verify it
/// (<c>{"cip":"…"}</c>), hashed as the key store used to keep it (SHA-256 of the body) and as the web UI used to make its keys
/// (the first 24 hex digits of SHA-256 over the call and the body), and look each digest up among the stored values. The range is
/// the million CIPs that share the real one's first two digits: it holds the CIP, so a search that finds nothing shows that the
/// stored values give nothing away, and the same search over the old digests (the control) finds it.
/// </summary>
public static class CipBruteForce
{
    public const int Candidates = 1_000_000;

    public static string? Search(string cip, string path, IEnumerable<string> stored)
    {
        // Every stored value and each of its parts (a key was "<form key>-<digest>").
        var known = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in stored)
        {
            known.Add(value);
            foreach (var part in value.Split('-', ':')) known.Add(part);
        }
        var call = Encoding.UTF8.GetBytes($"POST {path}\n");
        Span<byte> body = stackalloc byte[32];
        Span<byte> withCall = stackalloc byte[call.Length + 32];
        call.CopyTo(withCall);
        Span<byte> digest = stackalloc byte[32];
        for (var n = 0; n < Candidates; n++)
        {
            var candidate = cip[..2] + n.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            var length = Encoding.UTF8.GetBytes($"{{\"cip\":\"{candidate}\"}}", body);
            SHA256.HashData(body[..length], digest);
            if (known.Contains(Convert.ToHexString(digest))) return candidate;
            body[..length].CopyTo(withCall[call.Length..]);
            SHA256.HashData(withCall[..(call.Length + length)], digest);
            if (known.Contains(Convert.ToHexString(digest)[..24])) return candidate;
        }
        return null;
    }

    /// <summary>What the key store and the web UI stored before issue 23, for the control.</summary>
    public static IEnumerable<string> OldDigests(string cip, string path)
    {
        var body = Encoding.UTF8.GetBytes($"{{\"cip\":\"{cip}\"}}");
        yield return Convert.ToHexString(SHA256.HashData(body));
        yield return "0123456789abcdef0123456789abcdef-" + Convert.ToHexString(SHA256.HashData([.. Encoding.UTF8.GetBytes($"POST {path}\n"), .. body]))[..24];
    }
}
