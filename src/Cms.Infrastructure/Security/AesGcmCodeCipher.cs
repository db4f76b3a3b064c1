using Cms.Domain.Common;
using Cms.Domain.Identification.Contracts;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Domain.Identification;
using Microsoft.Extensions.Options;

namespace Cms.Infrastructure.Security;

/// <summary>
/// AES-256-GCM over "PIN\nPUK\nCIP". The card number and key id are authenticated as associated data, so a
/// ciphertext copied onto another card's row does not open. Layout: version (1) | nonce (12) | tag (16) | data.
/// </summary>
public sealed class AesGcmCodeCipher : ICodeCipher
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Dictionary<string, byte[]> keys;

    public AesGcmCodeCipher(IOptions<CodeEncryptionOptions> options)
    {
        var o = options.Value;
        var ring = KeyRing.Load(o);
        keys = ring.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value));
        ActiveKeyId = ring.ActiveKeyId;
        foreach (var (id, key) in keys)
            if (key.Length != 32) throw new InvalidOperationException($"Code encryption key '{id}' must be 32 bytes (base64 of 32 random bytes).");
        if (!keys.ContainsKey(ActiveKeyId)) throw new InvalidOperationException($"The active code encryption key '{ActiveKeyId}' is not configured.");
    }

    public string ActiveKeyId { get; }

    public EncryptedCodes Seal(string cardNumber, CardCodes codes)
    {
        Span<byte> plain = stackalloc byte[64];
        var length = Encoding.ASCII.GetBytes($"{codes.Pin}\n{codes.Puk}\n{codes.Cip}", plain);
        var output = new byte[1 + NonceSize + TagSize + length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys[ActiveKeyId], TagSize);
        aes.Encrypt(nonce, plain[..length], output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize),
            AssociatedData(cardNumber, ActiveKeyId));
        CryptographicOperations.ZeroMemory(plain);
        return new EncryptedCodes(ActiveKeyId, output);
    }

    public CardCodes Open(string cardNumber, EncryptedCodes sealedCodes)
    {
        var data = sealedCodes.Ciphertext;
        if (data.Length < 1 + NonceSize + TagSize || data[0] != Version) throw new CryptographicException("Unknown code ciphertext format.");
        if (!keys.TryGetValue(sealedCodes.KeyId, out var key)) throw new CryptographicException($"Code encryption key '{sealedCodes.KeyId}' is not configured.");
        var plain = new byte[data.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(data.AsSpan(1, NonceSize), data.AsSpan(1 + NonceSize + TagSize), data.AsSpan(1 + NonceSize, TagSize), plain,
            AssociatedData(cardNumber, sealedCodes.KeyId));
        var parts = Encoding.ASCII.GetString(plain).Split('\n');
        CryptographicOperations.ZeroMemory(plain);
        return new CardCodes(parts[0], parts[1], parts[2]);
    }

    public (string KeyId, byte[] Ciphertext) SealBytes(ReadOnlySpan<byte> plain, string context)
    {
        var output = new byte[1 + NonceSize + TagSize + plain.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys[ActiveKeyId], TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), AssociatedData(context, ActiveKeyId));
        return (ActiveKeyId, output);
    }

    public byte[] OpenBytes(string keyId, byte[] ciphertext, string context)
    {
        if (ciphertext.Length < 1 + NonceSize + TagSize || ciphertext[0] != Version) throw new CryptographicException("Unknown ciphertext format.");
        if (!keys.TryGetValue(keyId, out var key)) throw new CryptographicException($"Encryption key '{keyId}' is not configured.");
        var plain = new byte[ciphertext.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(ciphertext.AsSpan(1, NonceSize), ciphertext.AsSpan(1 + NonceSize + TagSize), ciphertext.AsSpan(1 + NonceSize, TagSize), plain,
            AssociatedData(context, keyId));
        return plain;
    }

    private static byte[] AssociatedData(string cardNumber, string keyId) => Encoding.ASCII.GetBytes($"{cardNumber}|{keyId}");
}

/// <summary>The configured keys, possibly read from (or first generated into) a key ring file.</summary>
public sealed record KeyRing(string ActiveKeyId, Dictionary<string, string> Keys)
{
    public static KeyRing Load(CodeEncryptionOptions o)
    {
        // A key set to nothing is retired (CodeEncryption__Keys__2025a= once `cms reseal` has moved everything off it).
        var keys = o.Keys.Where(k => !string.IsNullOrWhiteSpace(k.Value)).ToDictionary(k => k.Key, k => k.Value);
        var active = o.ActiveKeyId;
        if (!string.IsNullOrEmpty(o.KeyRingFile))
        {
            if (!File.Exists(o.KeyRingFile) && o.GenerateIfMissing) Generate(o.KeyRingFile);
            if (File.Exists(o.KeyRingFile))
            {
                var file = JsonSerializer.Deserialize<KeyRing>(File.ReadAllText(o.KeyRingFile), JsonSerializerOptions.Web)
                    ?? throw new InvalidOperationException("The key ring file is empty.");
                foreach (var (id, key) in file.Keys) keys.TryAdd(id, key);
                active ??= file.ActiveKeyId;
            }
        }
        if (string.IsNullOrEmpty(active) || keys.Count == 0)
            throw new InvalidOperationException(
                "No code encryption key is configured: set CodeEncryption:ActiveKeyId and CodeEncryption:Keys:<id>, or CodeEncryption:KeyRingFile.");
        return new KeyRing(active, keys);
    }

    private static void Generate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var id = "dev-" + DateTime.UtcNow.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        var ring = new KeyRing(id, new Dictionary<string, string> { [id] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            JsonSerializer.Serialize(stream, ring, JsonSerializerOptions.Web);
        }
    }
}
