using Cms.Application.Administration.Common;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Domain.Administration;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.UpdateOperator;

/// <summary>Changes an operator's names, counter, roles and the enabled-for-CMS flag [M 1].</summary>
public sealed record UpdateOperatorCommand(
    Guid Id, string? GivenName, string? Surname, string? CounterCode, IReadOnlyList<string>? Roles, bool? EnabledForCms)
    : ICommand<OperatorDto>, IAuditedMessage
{
    public OperationType OperationType => OperationType.OperatorManagement;
}

public sealed class UpdateOperatorValidator : AbstractValidator<UpdateOperatorCommand>
{
    public UpdateOperatorValidator()
    {
        RuleFor(c => c.GivenName).NotEmpty().MaximumLength(100);
        RuleFor(c => c.Surname).NotEmpty().MaximumLength(100);
        RuleFor(c => c.Roles).NotEmpty();
        RuleForEach(c => c.Roles).Must(r => Role.All.Contains(r)).WithErrorCode("invalid-role")
            .WithMessage((_, r) => $"Ruolo sconosciuto: {r}.");
        RuleFor(c => c.CounterCode).NotEmpty().When(c => c.Roles?.Contains(Role.Operator) == true)
            .WithMessage("Un operatore di sportello deve essere assegnato a uno sportello.");
        RuleFor(c => c.EnabledForCms).NotNull();
    }
}

public sealed class UpdateOperatorHandler(IAdministrationData db, ICurrentUser user, AuditScope audit, TimeProvider clock)
    : ICommandHandler<UpdateOperatorCommand, OperatorDto>
{
    public async ValueTask<OperatorDto> Handle(UpdateOperatorCommand command, CancellationToken cancellationToken)
    {
        var op = await db.Operators.SingleOrDefaultAsync(o => o.Id == command.Id, cancellationToken)
            ?? throw new DomainRuleException("operator-not-found", "Operatore non trovato.", RuleKind.NotFound);
        audit.Detail = op.CodiceFiscale;
        if (command.CounterCode is not null && !await db.Counters.AnyAsync(c => c.Code == command.CounterCode, cancellationToken))
            throw new DomainRuleException("counter-not-found", $"Lo sportello {command.CounterCode} non esiste.");
        if (op.Id == user.OperatorId && (command.EnabledForCms == false || !command.Roles!.Contains(Role.SecurityAdministrator)))
            throw new DomainRuleException("cannot-demote-self",
                "Un amministratore della sicurezza non può disabilitare se stesso né togliersi il ruolo.", RuleKind.Conflict);
        // Granting oneself Operator or Auditor (or any change of one's own roles) needs another security administrator.
        if (op.Id == user.OperatorId && !op.Roles.ToHashSet().SetEquals(command.Roles!))
            throw new DomainRuleException("own-roles-change",
                "Un amministratore della sicurezza non può cambiare i propri ruoli: serve un altro amministratore della sicurezza.", RuleKind.Conflict);
        var before = (op.EnabledForCms, Roles: op.Roles.Order().ToList(), op.CounterCode);
        op.Update(command.GivenName!.Trim(), command.Surname!.Trim(), command.CounterCode, command.Roles!, command.EnabledForCms!.Value);
        // A token says who the operator is, where and with which roles: when that changes, the sessions end at once, so
        // that nobody keeps a right (or a counter's requests) they no longer have [ASVS 3.3.3].
        SessionEndReason? reason =
            before.EnabledForCms && !op.EnabledForCms ? SessionEndReason.Disabled
            : !before.Roles.SequenceEqual(op.Roles.Order()) ? SessionEndReason.RolesChanged
            : before.CounterCode != op.CounterCode ? SessionEndReason.CounterChanged
            : null;
        if (reason is { } r) await OperatorSessions.EndAllAsync(db, op.Id, r, clock.GetUtcNow(), cancellationToken);
        return OperatorDto.From(op);
    }
}
