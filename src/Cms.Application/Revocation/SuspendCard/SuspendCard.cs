using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Revocation.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Revocation;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Revocation.SuspendCard;

/// <summary>
/// Suspension of an active card at a counter [S 9.5.3] (suspected theft or loss, codes possibly known): the card becomes
/// SUSPENDED and the certificate's suspension is asked of the certification authority. Only where the region enables it.
/// </summary>
public sealed record SuspendCardCommand(
    string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
    bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, SuspensionReason? Reason, string? Note)
    : ICommand<StateChangeResponse>, IAuditedMessage, IAttendeeInput
{
    public OperationType OperationType => OperationType.Suspension;
}

public sealed class SuspendCardValidator : AbstractValidator<SuspendCardCommand>
{
    public SuspendCardValidator(IOptions<CmsOptions> options)
    {
        // Where the region does not allow it, the handler answers so, whatever the body.
        When(_ => options.Value.SuspensionEnabled, () =>
        {
            RevocationRequests.CardNumberRule<SuspendCardCommand>(this, c => c.CardNumber);
            AttendeeInputRules.Apply(this);
            RuleFor(c => c.Reason).NotNull().IsInEnum();
            RuleFor(c => c.Note).MaximumLength(300);
        });
    }
}

public sealed class SuspendCardHandler(StateChanges changes, AuditScope audit) : ICommandHandler<SuspendCardCommand, StateChangeResponse>
{
    public async ValueTask<StateChangeResponse> Handle(SuspendCardCommand command, CancellationToken cancellationToken)
    {
        changes.EnsureEnabled();
        audit.CardNumber = command.CardNumber;
        audit.Detail = $"suspend reason={command.Reason}";
        return await changes.ApplyAsync(StateChangeKind.Suspension, command.CardNumber!, command, command.Reason, command.Note, audit, cancellationToken);
    }
}
