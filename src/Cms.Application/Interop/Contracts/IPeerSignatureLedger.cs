namespace Cms.Application.Interop.Contracts;

/// <summary>
/// The signatures (HMAC) and token ids (ModI jti) peer regions have already used (table <c>interop.seen_signatures</c>): the peer authentication refuses a
/// replay through it, without reaching the interop tables itself.
/// </summary>
public interface IPeerSignatureLedger
{
    /// <summary>Records the signature; false when it was already there (a replay). Old ones are cleared as new ones come.</summary>
    Task<bool> FirstTimeAsync(string region, string signature, CancellationToken cancellationToken);

    /// <summary>Records every one of <paramref name="keys"/> (a ModI call's jtis) in one statement; false when any was already there.</summary>
    Task<bool> FirstTimeAllAsync(string region, IReadOnlyList<string> keys, CancellationToken cancellationToken);
}
