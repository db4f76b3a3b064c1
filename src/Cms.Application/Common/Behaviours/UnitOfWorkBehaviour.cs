using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Mediator;

namespace Cms.Application.Common.Behaviours;

/// <summary>
/// One transaction per command (and per audited read): the handler's changes and its audit entry are
/// committed together or not at all (<see cref="CommandTransaction"/>). Inside a transaction already open — the API's
/// for a write sent with an <c>Idempotency-Key</c> — the changes are written and the commit is left to its owner.
/// </summary>
public sealed class UnitOfWorkBehaviour<TMessage, TResponse>(CommandTransaction transaction, ICmsDbContext db)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is not (IBaseCommand or IAuditedMessage)) return await next(message, cancellationToken);
        if (transaction.IsOpen)
        {
            var response = await next(message, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            return response;
        }
        return await transaction.RunAsync(ct => next(message, ct), cancellationToken);
    }
}
