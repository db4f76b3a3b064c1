namespace Cms.Infrastructure.Security;

/// <summary>
/// Keys for the card codes (section <c>CodeEncryption</c>). In production the keys come from the
/// environment or a secret store (<c>CodeEncryption__Keys__2026a=base64</c>); for development a key ring is
/// generated into <see cref="KeyRingFile"/> (inside the git-ignored data folder) on first run.
/// </summary>
public sealed class CodeEncryptionOptions
{
    public const string Section = "CodeEncryption";
    public string? ActiveKeyId { get; set; }
    /// <summary>Key id → base64 of 32 random bytes (AES-256).</summary>
    public Dictionary<string, string> Keys { get; set; } = [];
    /// <summary>A JSON key ring file {activeKeyId, keys}; generated when missing and <see cref="GenerateIfMissing"/>.</summary>
    public string? KeyRingFile { get; set; }
    public bool GenerateIfMissing { get; set; }
}

public sealed class PasswordHashingOptions
{
    public const string Section = "Security:PasswordHashing";
    /// <summary>PBKDF2-HMAC-SHA256 iterations (OWASP 2023: 600,000).</summary>
    public int Iterations { get; set; } = 600_000;
}
