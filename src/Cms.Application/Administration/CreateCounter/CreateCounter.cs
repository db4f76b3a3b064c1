using Cms.Application.Administration.Common;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Validation;
using Cms.Domain.Administration;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.CreateCounter;

public sealed record CreateCounterCommand(string? Code, string? Name, CounterType? Type, string? Region)
    : ICommand<CounterDto>, IAuditedMessage
{
    public OperationType OperationType => OperationType.CounterManagement;
}

public sealed class CreateCounterValidator : AbstractValidator<CreateCounterCommand>
{
    public CreateCounterValidator()
    {
        RuleFor(c => c.Code).NotEmpty().Matches(CounterCodeFormat.Pattern)
            .WithMessage("Il codice sportello deve avere la forma 090-201-EM001.");
        RuleFor(c => c.Name).NotEmpty().MaximumLength(200);
        RuleFor(c => c.Type).NotNull().IsInEnum();
        RuleFor(c => c.Region).NotEmpty().RegionCode();
        RuleFor(c => c.Code).Must((c, code) => code!.StartsWith(c.Region + "-", StringComparison.Ordinal))
            .When(c => !string.IsNullOrEmpty(c.Code) && !string.IsNullOrEmpty(c.Region))
            .WithMessage("Il codice sportello deve iniziare con il codice della regione.");
    }
}

public sealed class CreateCounterHandler(IAdministrationData db, AuditScope audit) : ICommandHandler<CreateCounterCommand, CounterDto>
{
    public async ValueTask<CounterDto> Handle(CreateCounterCommand command, CancellationToken cancellationToken)
    {
        audit.Detail = command.Code;
        if (await db.Counters.AnyAsync(c => c.Code == command.Code, cancellationToken))
            throw new DomainRuleException("counter-exists", $"Lo sportello {command.Code} esiste già.", RuleKind.Conflict);
        var counter = new Counter(command.Code!, command.Name!.Trim(), command.Type!.Value, command.Region!);
        db.Counters.Add(counter);
        return CounterDto.From(counter);
    }
}
