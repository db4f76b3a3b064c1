using System.Security.Cryptography;

namespace Cms.Api.Security;

/// <summary>Bearer tokens (section <c>Jwt</c>).</summary>
public sealed class JwtOptions
{
    public const string Section = "Jwt";
    public string Issuer { get; set; } = "cms";
    public string Audience { get; set; } = "cms-api";
    /// <summary>Base64 of at least 32 random bytes (HMAC-SHA256).</summary>
    public string? SigningKey { get; set; }
    /// <summary>A file holding the base64 key; generated when missing and <see cref="GenerateIfMissing"/> (development).</summary>
    public string? SigningKeyFile { get; set; }
    public bool GenerateIfMissing { get; set; }

    public byte[] ResolveKey()
    {
        var text = SigningKey;
        if (string.IsNullOrEmpty(text) && !string.IsNullOrEmpty(SigningKeyFile))
        {
            if (!File.Exists(SigningKeyFile) && GenerateIfMissing)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(SigningKeyFile))!);
                using var stream = new FileStream(SigningKeyFile, FileMode.CreateNew, FileAccess.Write);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(SigningKeyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                using var writer = new StreamWriter(stream);
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }
            if (File.Exists(SigningKeyFile)) text = File.ReadAllText(SigningKeyFile).Trim();
        }
        if (string.IsNullOrEmpty(text))
            throw new InvalidOperationException("No token signing key: set Jwt:SigningKey (base64 of 32 random bytes) or Jwt:SigningKeyFile.");
        var key = Convert.FromBase64String(text);
        if (key.Length < 32) throw new InvalidOperationException("Jwt:SigningKey must be at least 32 bytes.");
        return key;
    }
}
