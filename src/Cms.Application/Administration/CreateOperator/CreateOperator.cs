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

namespace Cms.Application.Administration.CreateOperator;

public sealed record CreateOperatorCommand(
    string? CodiceFiscale, string? GivenName, string? Surname, string? CounterCode,
    IReadOnlyList<string>? Roles, string? Password, bool? EnabledForCms)
    : ICommand<OperatorDto>, IAuditedMessage
{
    public OperationType OperationType => OperationType.OperatorManagement;
    public override string ToString() => $"CreateOperatorCommand {{ CodiceFiscale = {CodiceFiscale} }}";
}

public sealed class CreateOperatorValidator : AbstractValidator<CreateOperatorCommand>
{
    public CreateOperatorValidator()
    {
        RuleFor(c => c.CodiceFiscale).ValidCodiceFiscale();
        RuleFor(c => c.GivenName).NotEmpty().MaximumLength(100);
        RuleFor(c => c.Surname).NotEmpty().MaximumLength(100);
        RuleFor(c => c.Roles).NotEmpty().WithMessage("Indicare almeno un ruolo.");
        RuleForEach(c => c.Roles).Must(r => Role.All.Contains(r)).WithErrorCode("invalid-role")
            .WithMessage((_, r) => $"Ruolo sconosciuto: {r}. Ruoli ammessi: {string.Join(", ", Role.All)}.");
        RuleFor(c => c.CounterCode).NotEmpty().When(c => c.Roles?.Contains(Role.Operator) == true)
            .WithMessage("Un operatore di sportello deve essere assegnato a uno sportello.");
        RuleFor(c => c.Password).Must((c, p) => PasswordPolicy.Problem(p, c.CodiceFiscale) is null)
            .WithErrorCode("weak-password")
            .WithMessage((c, p) => PasswordPolicy.Problem(p, c.CodiceFiscale)!);
        RuleFor(c => c.EnabledForCms).NotNull();
    }
}

public sealed class CreateOperatorHandler(IAdministrationData db, IPasswordHasher hasher, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CreateOperatorCommand, OperatorDto>
{
    public async ValueTask<OperatorDto> Handle(CreateOperatorCommand command, CancellationToken cancellationToken)
    {
        audit.Detail = command.CodiceFiscale;
        if (await db.Operators.AnyAsync(o => o.CodiceFiscale == command.CodiceFiscale, cancellationToken))
            throw new DomainRuleException("operator-exists", "Esiste già un operatore con questo codice fiscale.", RuleKind.Conflict);
        if (command.CounterCode is not null && !await db.Counters.AnyAsync(c => c.Code == command.CounterCode, cancellationToken))
            throw new DomainRuleException("counter-not-found", $"Lo sportello {command.CounterCode} non esiste.");
        var op = new Operator(Guid.CreateVersion7(), command.CodiceFiscale!, command.GivenName!.Trim(), command.Surname!.Trim(),
            command.CounterCode, command.Roles!, command.EnabledForCms!.Value, hasher.Hash(command.Password!), clock.GetUtcNow());
        db.Operators.Add(op);
        return OperatorDto.From(op);
    }
}
