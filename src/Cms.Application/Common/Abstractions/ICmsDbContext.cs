using Cms.Domain.Activation;
using Cms.Domain.Administration;
using Cms.Domain.Delivery;
using Cms.Domain.Auditing;
using Cms.Domain.Identification;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Common.Abstractions;

/// <summary>The persistence seen by use cases. Each module owns its sets (and its PostgreSQL schema).</summary>
public interface ICmsDbContext
{
    DbSet<Counter> Counters { get; }
    DbSet<Operator> Operators { get; }
    DbSet<OperatorSession> OperatorSessions { get; }
    DbSet<Holder> Holders { get; }
    DbSet<Card> Cards { get; }
    DbSet<OperationEntry> Operations { get; }
    /// <summary>Roll-ups of <see cref="Operations"/> kept by the database; read-only.</summary>
    DbSet<CounterDayCount> CounterDayCounts { get; }
    DbSet<CounterMonthCount> CounterMonthCounts { get; }
    DbSet<RegionDayCount> RegionDayCounts { get; }
    DbSet<ActivationRequest> ActivationRequests { get; }
    DbSet<CodeMessage> CodeMessages { get; }
    DbSet<RecipientProof> RecipientProofs { get; }
    DbSet<Cms.Domain.Reprint.ReprintRequest> ReprintRequests { get; }
    DbSet<Notice> Notices { get; }
    DbSet<Cms.Domain.Outbound.OutboundCall> OutboundCalls { get; }
    DbSet<Cms.Domain.Revocation.RevocationRequest> RevocationRequests { get; }
    DbSet<Cms.Domain.Revocation.CipAttempt> CipAttempts { get; }
    DbSet<Cms.Domain.Revocation.IssuerRevocation> IssuerRevocations { get; }
    DbSet<Cms.Domain.Revocation.StateChange> StateChanges { get; }
    DbSet<Cms.Domain.Revocation.CallCentreIdentification> CallCentreIdentifications { get; }
    DbSet<Cms.Domain.Revocation.CallCentreStateChange> CallCentreStateChanges { get; }
    DbSet<Cms.Domain.Readers.ReaderDelivery> ReaderDeliveries { get; }
    DbSet<Cms.Domain.Signature.SignatureCertificateRequest> SignatureRequests { get; }
    DbSet<Cms.Domain.Consents.ConsentRequest> ConsentRequests { get; }
    DbSet<Cms.Domain.Consents.ConsentVersion> ConsentVersions { get; }
    DbSet<Cms.Domain.Interop.Peer> Peers { get; }
    DbSet<Cms.Domain.Interop.InteropRequest> InteropRequests { get; }
    DbSet<Cms.Domain.Interop.InboundInteropRequest> InboundInteropRequests { get; }
    DbSet<Cms.Domain.Citizen.Renewal> Renewals { get; }

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

    DbSet<T> Set<T>() where T : class;
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
