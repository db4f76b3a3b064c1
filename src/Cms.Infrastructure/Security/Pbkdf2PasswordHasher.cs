using System.Globalization;
using System.Security.Cryptography;
using Cms.Application.Common.Abstractions;
using Microsoft.Extensions.Options;

namespace Cms.Infrastructure.Security;

/// <summary>
/// PBKDF2-HMAC-SHA256 with a 16-byte random salt, stored as <c>pbkdf2-sha256$iterations$salt$hash</c> so
/// that the work factor can be raised later (older hashes are re-hashed at the next sign-in).
/// </summary>
public sealed class Pbkdf2PasswordHasher(IOptions<PasswordHashingOptions> options) : IPasswordHasher
{
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltSize = 16;
    private const int HashSize = 32;

    public string Hash(string password)
    {
        var iterations = options.Value.Iterations;
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, HashSize);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    public PasswordCheck Verify(string hash, string password)
    {
        var parts = hash.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var iterations))
        {
            // Unknown operator or unreadable hash: spend the same time, then refuse.
            _ = Rfc2898DeriveBytes.Pbkdf2(password, new byte[SaltSize], options.Value.Iterations, HashAlgorithmName.SHA256, HashSize);
            return PasswordCheck.Wrong;
        }
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected)) return PasswordCheck.Wrong;
        return iterations < options.Value.Iterations ? PasswordCheck.RightButRehash : PasswordCheck.Right;
    }
}
