using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;

namespace Cms.Application.Common.Behaviours;

/// <summary>
/// One database transaction around a piece of work: its changes and its audit entry are committed together or not at all.
/// When the work fails everything is rolled back and only the audit entry of the failure is written; a refusal that keeps
/// work (a wrong CIP try) commits that work with its entry. The unit-of-work behaviour runs each command in one; the API runs
/// a whole write sent with an <c>Idempotency-Key</c> in one, so that its stored answer commits with its effects.
/// </summary>
public sealed class CommandTransaction(IUnitOfWork unitOfWork, ICmsDbContext db, AuditScope audit, AfterCommit afterCommit)
{
    /// <summary>True while work runs in a transaction begun by <see cref="RunAsync{T}"/>.</summary>
    public bool IsOpen => unitOfWork.HasActiveTransaction;

    public async Task<T> RunAsync<T>(Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        await unitOfWork.BeginAsync(cancellationToken);
        try
        {
            var result = await work(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await unitOfWork.CommitAsync(cancellationToken);
            foreach (var action in afterCommit.Drain())
            {
                try
                {
                    await action(CancellationToken.None);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Best effort: whatever was committed is picked up by the background sweep.
                }
            }
            return result;
        }
        catch (Cms.Domain.Common.DomainRuleException refusal) when (refusal.KeepsWork)
        {
            // The refusal records something that must stay (a wrong CIP try): commit it with the refusal's audit entry.
            afterCommit.Drain();
            if (audit.PendingFailure is { } failure)
            {
                audit.PendingFailure = null;
                db.Operations.Add(failure);
            }
            await db.SaveChangesAsync(CancellationToken.None);
            await unitOfWork.CommitAsync(CancellationToken.None);
            throw;
        }
        catch
        {
            await unitOfWork.RollbackAsync(CancellationToken.None);
            afterCommit.Drain();
            unitOfWork.DiscardChanges();
            if (audit.PendingFailure is { } failure)
            {
                audit.PendingFailure = null;
                db.Operations.Add(failure);
                await db.SaveChangesAsync(CancellationToken.None);
            }
            throw;
        }
    }
}
