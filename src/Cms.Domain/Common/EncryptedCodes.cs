namespace Cms.Domain.Common;

/// <summary>
/// PIN, PUK and CIP sealed together with authenticated encryption; the key id allows rotation. The shared kernel's: it is
/// what the kernel's cipher (<c>ICodeCipher</c>) makes and opens, the card keeps it (decision 0052).
/// </summary>
public sealed record EncryptedCodes(string KeyId, byte[] Ciphertext);
