using Cms.Application.Administration.Common;
using Cms.Application.Administration.SignIn;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Domain.Administration;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.ChangePassword;

/// <summary>An operator changes their own password (also when it has expired).</summary>
public sealed record ChangePasswordCommand(string? CodiceFiscale, string? CurrentPassword, string? NewPassword)
    : ICommand<ChangePasswordResult>, IAuditedMessage
{
    public OperationType OperationType => OperationType.OperatorManagement;
    public override string ToString() => $"ChangePasswordCommand {{ CodiceFiscale = {Domain.Common.CodiceFiscale.ForTrail(CodiceFiscale)} }}";
}

public sealed record ChangePasswordResult(DomainRuleException? Failure);

public sealed class ChangePasswordValidator : AbstractValidator<ChangePasswordCommand>
{
    public ChangePasswordValidator()
    {
        RuleFor(c => c.CodiceFiscale).NotEmpty().MaximumLength(16);
        RuleFor(c => c.CurrentPassword).NotEmpty().MaximumLength(PasswordPolicy.MaxLength);
        RuleFor(c => c.NewPassword).Must((c, p) => PasswordPolicy.Problem(p, CodiceFiscale.Normalise(c.CodiceFiscale)) is null)
            .WithErrorCode("weak-password")
            .WithMessage((c, p) => PasswordPolicy.Problem(p, CodiceFiscale.Normalise(c.CodiceFiscale))!);
        RuleFor(c => c.NewPassword).NotEqual(c => c.CurrentPassword).WithErrorCode("same-password")
            .WithMessage("La nuova password deve essere diversa da quella attuale.");
    }
}

public sealed class ChangePasswordHandler(IAdministrationData db, IPasswordHasher hasher, OperatorGate gate, SignInThrottles throttles, TimeProvider clock, AuditScope audit)
    : ICommandHandler<ChangePasswordCommand, ChangePasswordResult>
{
    public async ValueTask<ChangePasswordResult> Handle(ChangePasswordCommand command, CancellationToken cancellationToken)
    {
        var cf = CodiceFiscale.Normalise(command.CodiceFiscale);
        var now = clock.GetUtcNow();
        audit.ActorCodiceFiscale = CodiceFiscale.ForTrail(cf);
        audit.Detail = "password-change";
        var op = await db.Operators.SingleOrDefaultAsync(o => o.CodiceFiscale == cf, cancellationToken);
        // The same answer, on the same path, and the same back-off per source address as the sign-in (decision 0031).
        if (op is not null) audit.ActorOperatorId = op.Id;
        if (await throttles.IsWaitingAsync(cf, cancellationToken))
        {
            _ = hasher.Verify(string.Empty, command.CurrentPassword!);
            return new(gate.InvalidCredentials(op is null ? "password-change unknown-operator throttled" : "password-change throttled").Failure);
        }
        if (op is null || hasher.Verify(op.PasswordHash, command.CurrentPassword!) == PasswordCheck.Wrong)
        {
            if (op is null) _ = hasher.Verify(string.Empty, command.CurrentPassword!);
            await throttles.RecordFailureAsync(cf, cancellationToken);
            return new(gate.InvalidCredentials(op is null ? "password-change unknown-operator" : "password-change wrong-password").Failure);
        }
        await throttles.ClearAsync(cf, cancellationToken);
        op.ChangePassword(hasher.Hash(command.NewPassword!), now);
        // Whoever held a session with the old password loses it [ASVS 3.3.3].
        await OperatorSessions.EndAllAsync(db, op.Id, SessionEndReason.PasswordChanged, now, cancellationToken);
        return new(null);
    }
}
