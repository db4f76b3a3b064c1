using Cms.Domain.Common;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Identification;

namespace Cms.Application.Common.Abstractions;

/// <summary>The three personal codes of a card, in clear: only ever in memory, never logged.</summary>
public sealed record CardCodes(string Pin, string Puk, string Cip)
{
    public override string ToString() => "CardCodes { *** }";
}

/// <summary>Authenticated encryption of card codes under a key kept outside the database.</summary>
public interface ICodeCipher
{
    string ActiveKeyId { get; }
    EncryptedCodes Seal(string cardNumber, CardCodes codes);
    CardCodes Open(string cardNumber, EncryptedCodes sealedCodes);
    /// <summary>Seals any secret (a message carrying code halves, a stored answer) bound to a context string.</summary>
    (string KeyId, byte[] Ciphertext) SealBytes(ReadOnlySpan<byte> plain, string context);
    byte[] OpenBytes(string keyId, byte[] ciphertext, string context);
}

public enum PasswordCheck
{
    Wrong,
    Right,
    /// <summary>Right, but hashed with weaker parameters than today's: hash it again.</summary>
    RightButRehash,
}

public interface IPasswordHasher
{
    string Hash(string password);
    PasswordCheck Verify(string hash, string password);
}

public sealed record AccessToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>Checked on every authenticated request: is the token's session still live?</summary>
public interface ISessionGuard
{
    /// <summary>
    /// True when the session exists, belongs to the operator, has not ended, has not been idle past the timeout, has not
    /// reached its absolute end, and the operator is still enabled for the CMS. Records the activity (to the resolution).
    /// </summary>
    Task<bool> CheckAsync(Guid sessionId, Guid operatorId, CancellationToken cancellationToken);
}

/// <summary>
/// The fingerprint of something that may carry a secret (a request body with a CIP or a password): HMAC-SHA256 under a key
/// derived from the code key ring, which is kept outside the database. A plain hash of a short secret is the secret itself
/// to whoever holds the table (10^8 CIPs are tried in seconds); a keyed one tells nothing without the key.
/// </summary>
public interface IKeyedDigest
{
    /// <summary>The fingerprint under the active key: 64 hex digits.</summary>
    string Compute(ReadOnlySpan<byte> data, string purpose);

    /// <summary>The fingerprints under every key of the ring, the active one first: a fingerprint written before a rotation still matches.</summary>
    IReadOnlyList<string> ComputeAll(ReadOnlySpan<byte> data, string purpose);
}
