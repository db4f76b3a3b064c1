using System.Security.Cryptography;
using System.Text;
using Cms.Application.Common.Abstractions;
using Microsoft.Extensions.Options;

namespace Cms.Infrastructure.Security;

/// <summary>
/// HMAC-SHA256 fingerprints (<see cref="IKeyedDigest"/>) under keys derived with HKDF from each key of the code key ring, so
/// that they rotate with it; the purpose is part of the message, so that one fingerprint cannot stand for another's.
/// </summary>
public sealed class KeyedDigest : IKeyedDigest
{
    private static readonly byte[] Info = Encoding.ASCII.GetBytes("cms keyed digest v1");
    private readonly byte[] active;
    private readonly byte[][] all;

    public KeyedDigest(IOptions<CodeEncryptionOptions> options)
    {
        var ring = KeyRing.Load(options.Value);
        byte[] Derive(string key) => HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromBase64String(key), 32, info: Info);
        active = Derive(ring.Keys[ring.ActiveKeyId]);
        all = [active, .. ring.Keys.Where(k => k.Key != ring.ActiveKeyId).Select(k => Derive(k.Value))];
    }

    public string Compute(ReadOnlySpan<byte> data, string purpose) => Mac(active, data, purpose);

    public IReadOnlyList<string> ComputeAll(ReadOnlySpan<byte> data, string purpose)
    {
        var digests = new string[all.Length];
        for (var i = 0; i < all.Length; i++) digests[i] = Mac(all[i], data, purpose);
        return digests;
    }

    private static string Mac(byte[] key, ReadOnlySpan<byte> data, string purpose)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(purpose + "\n"));
        hmac.AppendData(data);
        return Convert.ToHexString(hmac.GetHashAndReset());
    }
}
