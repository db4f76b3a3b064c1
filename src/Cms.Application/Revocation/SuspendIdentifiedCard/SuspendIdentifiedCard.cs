using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Revocation.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Revocation;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Revocation.SuspendIdentifiedCard;

/// <summary>
/// Suspension asked on the telephone [S 9.5.2]: the card of an identification this operator made shortly before (codice
/// fiscale + CIP), for a reason; the card becomes SUSPENDED and the certification authority is asked to suspend the certificate.
/// </summary>
public sealed record SuspendIdentifiedCardCommand(Guid IdentificationId, SuspensionReason? Reason, string? Note)
    : ICommand<StateChangeResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Suspension;
}

public sealed class SuspendIdentifiedCardValidator : AbstractValidator<SuspendIdentifiedCardCommand>
{
    public SuspendIdentifiedCardValidator(IOptions<CmsOptions> options)
    {
        When(_ => options.Value.SuspensionEnabled, () =>
        {
            RuleFor(c => c.IdentificationId).NotEmpty();
            RuleFor(c => c.Reason).NotNull().IsInEnum();
            RuleFor(c => c.Note).MaximumLength(300);
        });
    }
}

public sealed class SuspendIdentifiedCardHandler(CallCentreIdentifications identifications, StateChanges changes, AuditScope audit)
    : ICommandHandler<SuspendIdentifiedCardCommand, StateChangeResponse>
{
    public async ValueTask<StateChangeResponse> Handle(SuspendIdentifiedCardCommand command, CancellationToken cancellationToken)
    {
        audit.ActorCounterCode = CallCentreChannel.Code;
        audit.Detail = $"call-centre suspend reason={command.Reason}";
        changes.EnsureEnabled();
        var identification = await identifications.LoadUsableAsync(command.IdentificationId, audit, cancellationToken);
        return await changes.ApplyFromCallCentreAsync(StateChangeKind.Suspension, identification, command.Reason, command.Note, audit, cancellationToken);
    }
}
