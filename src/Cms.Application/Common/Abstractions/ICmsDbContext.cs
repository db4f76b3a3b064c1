using Cms.Domain.Delivery;
using Cms.Domain.Auditing;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Common.Abstractions;

/// <summary>
/// The persistence of the shared kernel: the audit trail and its roll-ups, the code messages and proofs, the outbound calls,
/// saving and locking. It names no module: each module's use cases take their module's own interface (<c>IActivationData</c>,
/// <c>IIdentificationData</c>, …), which adds that module's sets only, and reach other modules through their <c>Contracts</c>.
/// One <c>CmsDbContext</c> implements them all, so one command keeps one connection and one transaction (decision 0052).
/// </summary>
public interface ICmsDbContext
{
    DbSet<OperationEntry> Operations { get; }
    /// <summary>Roll-ups of <see cref="Operations"/> kept by the database; read-only.</summary>
    DbSet<CounterDayCount> CounterDayCounts { get; }
    DbSet<CounterMonthCount> CounterMonthCounts { get; }
    DbSet<RegionDayCount> RegionDayCounts { get; }
    DbSet<CodeMessage> CodeMessages { get; }
    DbSet<RecipientProof> RecipientProofs { get; }
    DbSet<Cms.Domain.Outbound.OutboundCall> OutboundCalls { get; }

    /// <summary>The counter requests of one kind (each module's request table), for the shared request loader.</summary>
    IQueryable<T> Requests<T>() where T : Cms.Domain.Requests.CounterRequest;

    Task<int> SaveChangesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The row of an entity with a Guid key, read and locked by one statement (SELECT … FOR UPDATE on its own table, held until
    /// the transaction ends): one round trip where a lock and a read took two.
    /// </summary>
    IQueryable<T> RowForUpdate<T>(Guid id) where T : class;

    /// <summary>
    /// The rows of one table that match <paramref name="row"/>, read and locked by one statement (SELECT … FOR UPDATE), held
    /// until the transaction ends. Only for single-table filters (a key, a unique column).
    /// </summary>
    IQueryable<T> ForUpdate<T>(System.Linq.Expressions.Expression<Func<T, bool>> row) where T : class;

    /// <summary>
    /// Serialises work on one key that has no row to lock (a household's readers, a holder's consent versions) with a
    /// transaction-scoped advisory lock.
    /// </summary>
    Task LockKeyAsync(string key, CancellationToken cancellationToken);
}

/// <summary>One database transaction around one command.</summary>
public interface IUnitOfWork
{
    bool HasActiveTransaction { get; }
    Task BeginAsync(CancellationToken cancellationToken);
    Task CommitAsync(CancellationToken cancellationToken);
    Task RollbackAsync(CancellationToken cancellationToken);
    /// <summary>Forgets every change tracked so far (after a rollback).</summary>
    void DiscardChanges();

    /// <summary>
    /// The entity types with changes not saved yet, but the audit trail's entries (which every audited use case adds): a query must leave
    /// none behind (decision 0050).
    /// </summary>
    IReadOnlyList<string> PendingWrites();
}
