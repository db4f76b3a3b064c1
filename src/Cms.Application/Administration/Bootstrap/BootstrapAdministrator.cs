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
using Microsoft.Extensions.Logging;

namespace Cms.Application.Administration.Bootstrap;

public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";
    public string? AdminCodiceFiscale { get; set; }
    public string? AdminPassword { get; set; }
    public string AdminGivenName { get; set; } = "Amministratore";
    public string AdminSurname { get; set; } = "Sicurezza";
}

/// <summary>
/// The first security administrator, on an empty database only (no operator at all), so that configuration can never reset an
/// administrator later. A command like any other write (decision 0050): validated, in its own unit of work, and recorded in the trail.
/// </summary>
public sealed record BootstrapAdministratorCommand(string? CodiceFiscale, string? Password, string? GivenName, string? Surname)
    : ICommand<bool>, IAuditedMessage
{
    public OperationType OperationType => OperationType.OperatorManagement;
    public override string ToString() => $"BootstrapAdministratorCommand {{ CodiceFiscale = {CodiceFiscale} }}";
}

public sealed class BootstrapAdministratorValidator : AbstractValidator<BootstrapAdministratorCommand>
{
    public BootstrapAdministratorValidator()
    {
        RuleFor(c => c.CodiceFiscale).ValidCodiceFiscale();
        RuleFor(c => c.GivenName).NotEmpty().MaximumLength(100);
        RuleFor(c => c.Surname).NotEmpty().MaximumLength(100);
        RuleFor(c => c.Password).Must((c, p) => PasswordPolicy.Problem(p, c.CodiceFiscale) is null)
            .WithErrorCode("weak-password")
            .WithMessage((c, p) => PasswordPolicy.Problem(p, c.CodiceFiscale)!);
    }
}

public sealed class BootstrapAdministratorHandler(IAdministrationData db, IPasswordHasher hasher, TimeProvider clock, AuditScope audit,
    ILogger<BootstrapAdministratorHandler> logger)
    : ICommandHandler<BootstrapAdministratorCommand, bool>
{
    public async ValueTask<bool> Handle(BootstrapAdministratorCommand command, CancellationToken cancellationToken)
    {
        audit.Detail = "bootstrap " + command.CodiceFiscale;
        // Several instances started together on an empty database: one creates the administrator, the others then find it.
        await db.LockKeyAsync("bootstrap-administrator", cancellationToken);
        if (await db.Operators.AnyAsync(cancellationToken))
        {
            audit.Detail = "bootstrap skipped: operators exist";
            return false;
        }
        var admin = new Operator(Guid.CreateVersion7(), command.CodiceFiscale!, command.GivenName!.Trim(), command.Surname!.Trim(), null,
            [Role.SecurityAdministrator], true, hasher.Hash(command.Password!), clock.GetUtcNow());
        db.Operators.Add(admin);
        logger.LogInformation("Created the first security administrator {OperatorId}", admin.Id);
        return true;
    }
}

/// <summary>
/// At start-up: sends <see cref="BootstrapAdministratorCommand"/> from the <c>Bootstrap</c> settings when they are given and the
/// database has no operator yet (settings left in place on a running installation are ignored, whatever they say). Settings
/// that the command refuses stop the start, named by their setting.
/// </summary>
public sealed class AdministratorBootstrapper(IAdministrationData db, IMediator mediator)
{
    public async Task<bool> RunAsync(BootstrapOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.AdminCodiceFiscale) || string.IsNullOrEmpty(options.AdminPassword)) return false;
        if (await db.Operators.AnyAsync(cancellationToken)) return false;
        try
        {
            return await mediator.Send(new BootstrapAdministratorCommand(CodiceFiscale.Normalise(options.AdminCodiceFiscale), options.AdminPassword,
                options.AdminGivenName, options.AdminSurname), cancellationToken);
        }
        catch (ValidationException refused)
        {
            var first = refused.Errors.First();
            throw new InvalidOperationException(first.PropertyName switch
            {
                nameof(BootstrapAdministratorCommand.CodiceFiscale) => $"Bootstrap:AdminCodiceFiscale is not valid: {first.ErrorMessage}",
                nameof(BootstrapAdministratorCommand.Password) => $"Bootstrap:AdminPassword is too weak: {first.ErrorMessage}",
                var other => $"Bootstrap:Admin{other} is not valid: {first.ErrorMessage}",
            }, refused);
        }
    }
}
