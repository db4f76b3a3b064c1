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

namespace Cms.Application.Revocation.ReactivateCard;

/// <summary>Reactivation of a suspended card at a counter [S 9.6.2]: ACTIVE again, the certificate reactivated by the CA.</summary>
public sealed record ReactivateCardCommand(
    string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
    bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, string? Note)
    : ICommand<StateChangeResponse>, IAuditedMessage, IAttendeeInput
{
    public OperationType OperationType => OperationType.Reactivation;
}

public sealed class ReactivateCardValidator : AbstractValidator<ReactivateCardCommand>
{
    public ReactivateCardValidator(IOptions<CmsOptions> options)
    {
        // Where the region does not allow it, the handler answers so, whatever the body.
        When(_ => options.Value.SuspensionEnabled, () =>
        {
            RevocationRequests.CardNumberRule<ReactivateCardCommand>(this, c => c.CardNumber);
            AttendeeInputRules.Apply(this);
            RuleFor(c => c.Note).MaximumLength(300);
        });
    }
}

public sealed class ReactivateCardHandler(StateChanges changes, AuditScope audit) : ICommandHandler<ReactivateCardCommand, StateChangeResponse>
{
    public async ValueTask<StateChangeResponse> Handle(ReactivateCardCommand command, CancellationToken cancellationToken)
    {
        changes.EnsureEnabled();
        audit.CardNumber = command.CardNumber;
        audit.Detail = "reactivate";
        return await changes.ApplyAsync(StateChangeKind.Reactivation, command.CardNumber!, command, null, command.Note, audit, cancellationToken);
    }
}
