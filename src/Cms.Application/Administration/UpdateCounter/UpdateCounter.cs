using Cms.Application.Administration.Common;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Domain.Administration;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.UpdateCounter;

public sealed record UpdateCounterCommand(string Code, string? Name, CounterType? Type, bool? Active)
    : ICommand<CounterDto>, IAuditedMessage
{
    public OperationType OperationType => OperationType.CounterManagement;
}

public sealed class UpdateCounterValidator : AbstractValidator<UpdateCounterCommand>
{
    public UpdateCounterValidator()
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(200);
        RuleFor(c => c.Type).NotNull().IsInEnum();
        RuleFor(c => c.Active).NotNull();
    }
}

public sealed class UpdateCounterHandler(IAdministrationData db, AuditScope audit, TimeProvider clock) : ICommandHandler<UpdateCounterCommand, CounterDto>
{
    public async ValueTask<CounterDto> Handle(UpdateCounterCommand command, CancellationToken cancellationToken)
    {
        audit.Detail = command.Code;
        var counter = await db.Counters.SingleOrDefaultAsync(c => c.Code == command.Code, cancellationToken)
            ?? throw new DomainRuleException("counter-not-found", $"Lo sportello {command.Code} non esiste.", RuleKind.NotFound);
        var before = (counter.Type, counter.Active);
        counter.Update(command.Name!.Trim(), command.Type!.Value, command.Active!.Value);
        // The counter's type is in its operators' tokens (pharmacies may not work in interoperability), and an inactive
        // counter admits nobody: their sessions end with the change.
        if (before.Active && !counter.Active || before.Type != counter.Type)
        {
            var operators = await db.Operators.Where(o => o.CounterCode == counter.Code).Select(o => o.Id).ToListAsync(cancellationToken);
            await OperatorSessions.EndAllAsync(db, operators, SessionEndReason.CounterUpdated, clock.GetUtcNow(), cancellationToken);
        }
        return CounterDto.From(counter);
    }
}
