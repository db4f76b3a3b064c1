using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Mediator;

namespace Cms.Application.Common.Behaviours;

/// <summary>
/// One transaction per command (and per audited read): the handler's changes and its audit entry are
/// committed together or not at all. When the use case fails, everything is rolled back and only the
/// audit entry of the failure is written.
/// </summary>
public sealed class UnitOfWorkBehaviour<TMessage, TResponse>(IUnitOfWork unitOfWork, ICmsDbContext db, AuditScope audit, AfterCommit afterCommit)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var transactional = message is IBaseCommand or IAuditedMessage;
        if (!transactional || unitOfWork.HasActiveTransaction) return await next(message, cancellationToken);

        await unitOfWork.BeginAsync(cancellationToken);
        try
        {
            var response = await next(message, cancellationToken);
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
            return response;
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
