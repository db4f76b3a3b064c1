namespace Cms.Application.Common.Abstractions;

/// <summary>
/// The singletons' lease as an instance sees it (decision 0054): this instance's name, whether it holds the lease, and which
/// instance does.
/// </summary>
public interface ILeaseStatus
{
    string InstanceName { get; }

    /// <summary>Whether this instance held the lease at its last check.</summary>
    bool Held { get; }

    /// <summary>The instance that holds the lease now, or null when none does.</summary>
    Task<string?> HolderAsync(CancellationToken cancellationToken);
}
