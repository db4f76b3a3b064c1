using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Revocation.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Revocation;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Revocation.ReactivateIdentifiedCard;

/// <summary>
/// Reactivation asked on the telephone: the suspended card of an identification this operator made shortly before (codice
/// fiscale + CIP, the same proof the website asks for it [S 9.6.1]); ACTIVE again, the certificate reactivated by the CA.
/// </summary>
public sealed record ReactivateIdentifiedCardCommand(Guid IdentificationId, string? Note) : ICommand<StateChangeResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Reactivation;
}

public sealed class ReactivateIdentifiedCardValidator : AbstractValidator<ReactivateIdentifiedCardCommand>
{
    public ReactivateIdentifiedCardValidator(IOptions<CmsOptions> options)
    {
        When(_ => options.Value.SuspensionEnabled, () =>
        {
            RuleFor(c => c.IdentificationId).NotEmpty();
            RuleFor(c => c.Note).MaximumLength(300);
        });
    }
}

public sealed class ReactivateIdentifiedCardHandler(CallCentreIdentifications identifications, StateChanges changes, AuditScope audit)
    : ICommandHandler<ReactivateIdentifiedCardCommand, StateChangeResponse>
{
    public async ValueTask<StateChangeResponse> Handle(ReactivateIdentifiedCardCommand command, CancellationToken cancellationToken)
    {
        audit.ActorCounterCode = CallCentreChannel.Code;
        audit.Detail = "call-centre reactivate";
        changes.EnsureEnabled();
        var identification = await identifications.LoadUsableAsync(command.IdentificationId, audit, cancellationToken);
        return await changes.ApplyFromCallCentreAsync(StateChangeKind.Reactivation, identification, null, command.Note, audit, cancellationToken);
    }
}
