using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Mediator;

namespace Cms.Application.Common.Behaviours;

/// <summary>
/// One transaction per command (and per audited read, for its audit entry): the handler's changes and its audit entry are
/// committed together or not at all (<see cref="CommandTransaction"/>). Inside a transaction already open — the API's
/// for a write sent with an <c>Idempotency-Key</c> — the changes are written and the commit is left to its owner.
/// <para>
/// Writing is declared (decision 0050): a use case that changes state is a command, even when the API serves it as a GET (the
/// document prints). A query that leaves a change behind — other than its own audit entry — fails instead of committing it because
/// its audit entry happened to open a unit of work (or of losing it silently, without one).
/// </para>
/// </summary>
public sealed class UnitOfWorkBehaviour<TMessage, TResponse>(CommandTransaction transaction, ICmsDbContext db, IUnitOfWork unitOfWork)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is IBaseCommand) return await RunAsync(next, message, cancellationToken);
        var before = unitOfWork.PendingWrites().Count;
        if (message is not IAuditedMessage) return ReadOnly(await next(message, cancellationToken), before);
        return await RunAsync(async (m, ct) => ReadOnly(await next(m, ct), before), message, cancellationToken);
    }

    private async ValueTask<TResponse> RunAsync(MessageHandlerDelegate<TMessage, TResponse> next, TMessage message, CancellationToken cancellationToken)
    {
        if (transaction.IsOpen)
        {
            var response = await next(message, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return response;
        }
        return await transaction.RunAsync(ct => next(message, ct), cancellationToken);
    }

    private TResponse ReadOnly(TResponse response, int before)
    {
        var after = unitOfWork.PendingWrites();
        if (after.Count > before)
            throw new InvalidOperationException(
                $"{typeof(TMessage).Name} is a query but changed {string.Join(", ", after.Distinct())}: a use case that writes is a command (decision 0050).");
        return response;
    }
}
