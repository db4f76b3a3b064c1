using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Domain.Administration;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.EndSession;

/// <summary>
/// The operator ends one of their own sessions: the current one (sign-out, <see cref="SessionId"/> null) or another,
/// e.g. one left open on another desk. Its token is refused from the next request, on every instance.
/// </summary>
public sealed record EndSessionCommand(Guid? SessionId) : ICommand, IAuditedMessage
{
    public OperationType OperationType => OperationType.SignOut;
}

public sealed class EndSessionValidator : AbstractValidator<EndSessionCommand>
{
    public EndSessionValidator() => RuleFor(c => c.SessionId).NotEqual(Guid.Empty).WithMessage("Sessione non valida.");
}

public sealed class EndSessionHandler(IAdministrationData db, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : ICommandHandler<EndSessionCommand>
{
    public async ValueTask<Unit> Handle(EndSessionCommand command, CancellationToken cancellationToken)
    {
        var current = command.SessionId is null || command.SessionId == user.SessionId;
        var id = command.SessionId ?? user.SessionId
            ?? throw new DomainRuleException("session-not-found", "Sessione non trovata.", RuleKind.NotFound);
        audit.RequestId = id.ToString();
        audit.Detail = current ? "sign-out" : "end-session";
        // Another operator's session is "not found", like one that never existed: ids are not an oracle.
        var session = await db.OperatorSessions.SingleOrDefaultAsync(s => s.Id == id && s.OperatorId == user.OperatorId, cancellationToken)
            ?? throw new DomainRuleException("session-not-found", "Sessione non trovata.", RuleKind.NotFound);
        session.End(current ? SessionEndReason.SignedOut : SessionEndReason.EndedByOperator, clock.GetUtcNow());
        return Unit.Value;
    }
}
