namespace Cms.Application.Interop.Contracts;

/// <summary>
/// The signatures peer regions have already used (table <c>interop.seen_signatures</c>): the peer authentication refuses a
/// replay through it, without reaching the interop tables itself.
/// </summary>
public interface IPeerSignatureLedger
{
    /// <summary>Records the signature; false when it was already there (a replay). Old ones are cleared as new ones come.</summary>
    Task<bool> FirstTimeAsync(string region, string signature, CancellationToken cancellationToken);
}
