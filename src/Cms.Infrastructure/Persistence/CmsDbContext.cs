using Cms.Domain.Identification.Contracts;
using System.Linq.Expressions;
using Cms.Application.Common.Abstractions;
using Cms.Domain.Activation;
using Cms.Domain.Administration;
using Cms.Domain.Delivery;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Cms.Infrastructure.Persistence;

/// <summary>
/// One context over the modules' schemas (administration, identification, audit, …): each module maps
/// only its own tables, in its own configuration folder, so that one command can commit the work of one
/// module together with the audit entry in one transaction.
/// </summary>
public sealed class CmsDbContext(DbContextOptions<CmsDbContext> options) : DbContext(options), ICmsDbContext, IUnitOfWork,
    Cms.Application.Administration.IAdministrationData, Cms.Application.Identification.IIdentificationData,
    Cms.Application.Activation.IActivationData, Cms.Application.Reprint.IReprintData, Cms.Application.Revocation.IRevocationData,
    Cms.Application.Readers.IReadersData, Cms.Application.Signature.ISignatureData, Cms.Application.Consents.IConsentsData,
    Cms.Application.Interop.IInteropData, Cms.Application.Citizen.ICitizenData
{
    private IDbContextTransaction? transaction;

    public DbSet<Counter> Counters => Set<Counter>();
    public DbSet<Operator> Operators => Set<Operator>();
    public DbSet<OperatorSession> OperatorSessions => Set<OperatorSession>();
    public DbSet<Holder> Holders => Set<Holder>();
    public DbSet<Card> Cards => Set<Card>();
    public DbSet<OperationEntry> Operations => Set<OperationEntry>();
    public DbSet<CounterDayCount> CounterDayCounts => Set<CounterDayCount>();
    public DbSet<CounterMonthCount> CounterMonthCounts => Set<CounterMonthCount>();
    public DbSet<RegionDayCount> RegionDayCounts => Set<RegionDayCount>();
    public DbSet<ActivationRequest> ActivationRequests => Set<ActivationRequest>();
    public DbSet<CodeMessage> CodeMessages => Set<CodeMessage>();
    public DbSet<RecipientProof> RecipientProofs => Set<RecipientProof>();
    public DbSet<Cms.Domain.Reprint.ReprintRequest> ReprintRequests => Set<Cms.Domain.Reprint.ReprintRequest>();
    public DbSet<Notice> Notices => Set<Notice>();
    public DbSet<Cms.Domain.Outbound.OutboundCall> OutboundCalls => Set<Cms.Domain.Outbound.OutboundCall>();
    public DbSet<Cms.Domain.Revocation.RevocationRequest> RevocationRequests => Set<Cms.Domain.Revocation.RevocationRequest>();
    public DbSet<Cms.Domain.Revocation.CipAttempt> CipAttempts => Set<Cms.Domain.Revocation.CipAttempt>();
    public DbSet<Cms.Domain.Revocation.IssuerRevocation> IssuerRevocations => Set<Cms.Domain.Revocation.IssuerRevocation>();
    public DbSet<Cms.Domain.Revocation.StateChange> StateChanges => Set<Cms.Domain.Revocation.StateChange>();
    public DbSet<Cms.Domain.Revocation.CallCentreIdentification> CallCentreIdentifications => Set<Cms.Domain.Revocation.CallCentreIdentification>();
    public DbSet<Cms.Domain.Revocation.CallCentreStateChange> CallCentreStateChanges => Set<Cms.Domain.Revocation.CallCentreStateChange>();
    public DbSet<Cms.Domain.Readers.ReaderDelivery> ReaderDeliveries => Set<Cms.Domain.Readers.ReaderDelivery>();
    public DbSet<Cms.Domain.Signature.SignatureCertificateRequest> SignatureRequests => Set<Cms.Domain.Signature.SignatureCertificateRequest>();
    public DbSet<Cms.Domain.Consents.ConsentRequest> ConsentRequests => Set<Cms.Domain.Consents.ConsentRequest>();
    public DbSet<Cms.Domain.Consents.ConsentVersion> ConsentVersions => Set<Cms.Domain.Consents.ConsentVersion>();
    public DbSet<Cms.Domain.Interop.Peer> Peers => Set<Cms.Domain.Interop.Peer>();
    public DbSet<Cms.Domain.Interop.InteropRequest> InteropRequests => Set<Cms.Domain.Interop.InteropRequest>();
    public DbSet<Cms.Domain.Interop.InboundInteropRequest> InboundInteropRequests => Set<Cms.Domain.Interop.InboundInteropRequest>();
    public DbSet<Cms.Domain.Citizen.Renewal> Renewals => Set<Cms.Domain.Citizen.Renewal>();
    DbSet<RecipientUse> Cms.Application.Administration.IAdministrationData.RecipientUses => Set<RecipientUse>();
    DbSet<RecipientApproval> Cms.Application.Administration.IAdministrationData.RecipientApprovals => Set<RecipientApproval>();
    DbSet<SignInThrottle> Cms.Application.Administration.IAdministrationData.SignInThrottles => Set<SignInThrottle>();
    IQueryable<T> ICmsDbContext.Requests<T>() => Set<T>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CmsDbContext).Assembly);
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                if (entity.IsOwned() && property.IsPrimaryKey()) continue; // shares the owner's key column
                if (property.GetColumnName() == property.Name) property.SetColumnName(property.Name.ToSnakeCase());
                if (property.ClrType == typeof(string[])) property.SetValueComparer(TextArrayComparer.Instance);
            }
            if (entity.IsOwned()) continue;
            foreach (var key in entity.GetKeys()) key.SetName(key.GetName()!.ToSnakeCase());
            foreach (var fk in entity.GetForeignKeys()) fk.SetConstraintName(fk.GetConstraintName()!.ToSnakeCase());
            foreach (var index in entity.GetIndexes()) index.SetDatabaseName(index.GetDatabaseName()!.ToSnakeCase());
        }
    }

    /// <summary>
    /// Two requests racing for the same key (a counter code, an operator's codice fiscale) end with one
    /// success and one 409, never a 500.
    /// </summary>
    public override async Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainRuleException("concurrent-update", "Il dato è stato modificato nel frattempo: ripetere l'operazione.", RuleKind.Conflict);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw new DomainRuleException("already-exists", "Esiste già un elemento con gli stessi dati identificativi.", RuleKind.Conflict);
        }
    }

    /// <summary>Whether this context's options carry the <see cref="RowLockInterceptor"/> (without it a row "for update" would not be locked).</summary>
    private bool? locksRows;

    private void EnsureRowLocks()
    {
        if (transaction is null) throw new InvalidOperationException("Row locks need the command's transaction.");
        locksRows ??= this.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.Contains(RowLockInterceptor.Instance) == true;
        if (locksRows != true) throw new InvalidOperationException("The context's options lack the RowLockInterceptor: rows read for update would not be locked.");
    }

    /// <summary>A pooled context goes back to the pool without the last command's transaction.</summary>
    public override void Dispose()
    {
        transaction = null;
        base.Dispose();
    }

    public override ValueTask DisposeAsync()
    {
        transaction = null;
        return base.DisposeAsync();
    }

    public IQueryable<T> RowForUpdate<T>(Guid id) where T : class
    {
        var entity = Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");
        var key = entity.FindPrimaryKey()!.Properties.Single().Name;
        return ForUpdate<T>(e => EF.Property<Guid>(e, key) == id);
    }

    public IQueryable<T> ForUpdate<T>(Expression<Func<T, bool>> row) where T : class
    {
        EnsureRowLocks();
        return Set<T>().TagWith(RowLockInterceptor.Tag).Where(row);
    }

    public async Task LockKeyAsync(string key, CancellationToken cancellationToken)
    {
        if (transaction is null) throw new InvalidOperationException("An advisory lock of a key needs the command's transaction.");
        await Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", cancellationToken);
    }

    public bool HasActiveTransaction => transaction is not null;

    public async Task BeginAsync(CancellationToken cancellationToken)
    {
        // The whole command rolls back on failure: the savepoints EF would add around each SaveChanges are round trips for nothing.
        Database.AutoSavepointsEnabled = false;
        transaction = await Database.BeginTransactionAsync(cancellationToken);
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (transaction is null) return;
        await transaction.CommitAsync(cancellationToken);
        await transaction.DisposeAsync();
        transaction = null;
    }

    public async Task RollbackAsync(CancellationToken cancellationToken)
    {
        if (transaction is null) return;
        await transaction.RollbackAsync(cancellationToken);
        await transaction.DisposeAsync();
        transaction = null;
    }

    public void DiscardChanges() => ChangeTracker.Clear();

    public IReadOnlyList<string> PendingWrites()
    {
        ChangeTracker.DetectChanges();
        return [.. ChangeTracker.Entries()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && e.Entity is not Cms.Domain.Auditing.OperationEntry)
            .Select(e => e.Metadata.ClrType.Name)];
    }
}
