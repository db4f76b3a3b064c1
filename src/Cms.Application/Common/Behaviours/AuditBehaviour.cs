using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Mediator;

namespace Cms.Application.Common.Behaviours;

/// <summary>
/// Appends an operation entry (who, counter, when, what, card, holder, outcome) for every audited use
/// case: inside the command's transaction on success, after the rollback on failure.
/// </summary>
public sealed class AuditBehaviour<TMessage, TResponse>(ICmsDbContext db, ICurrentUser user, AuditScope scope, TimeProvider clock)
    : IPipelineBehavior<TMessage, TResponse> where TMessage : IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (message is not IAuditedMessage audited) return await next(message, cancellationToken);
        try
        {
            var response = await next(message, cancellationToken);
            db.Operations.Add(Entry(audited.OperationType, scope.OutcomeOverride ?? OperationOutcome.Succeeded, scope.Detail));
            return response;
        }
        catch (DomainRuleException ex)
        {
            scope.PendingFailure = Entry(audited.OperationType, OperationOutcome.Rejected, WithRejectionDetail(ex.Rule));
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            scope.PendingFailure = Entry(audited.OperationType, OperationOutcome.Failed, WithRejectionDetail(ex.GetType().Name));
            throw;
        }
    }

    private string WithRejectionDetail(string detail) => scope.RejectionDetail is { Length: > 0 } looked ? $"{detail} {looked}" : detail;

    private OperationEntry Entry(OperationType type, OperationOutcome outcome, string? detail) => new(
        Guid.CreateVersion7(), clock.GetUtcNow(), type, outcome,
        scope.ActorOperatorId ?? user.OperatorId,
        scope.ActorCodiceFiscale ?? user.CodiceFiscale,
        scope.ActorCounterCode ?? user.CounterCode,
        user.Region,
        scope.CardNumber, scope.HolderCodiceFiscale, scope.RequestId,
        detail is { Length: > 200 } ? detail[..200] : detail);
}
