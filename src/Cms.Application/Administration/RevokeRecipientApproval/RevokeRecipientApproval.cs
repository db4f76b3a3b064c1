using Cms.Application.Administration.ApproveRecipient;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Domain.Administration;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.RevokeRecipientApproval;

/// <summary>A security administrator revokes an approval: from now on the address is checked again (decision 0034).</summary>
public sealed record RevokeRecipientApprovalCommand(Guid Id) : ICommand<RecipientApprovalView>, IAuditedMessage
{
    public OperationType OperationType => OperationType.RecipientApproval;
}

public sealed class RevokeRecipientApprovalValidator : AbstractValidator<RevokeRecipientApprovalCommand>
{
    public RevokeRecipientApprovalValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class RevokeRecipientApprovalHandler(IAdministrationData db, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : ICommandHandler<RevokeRecipientApprovalCommand, RecipientApprovalView>
{
    public async ValueTask<RecipientApprovalView> Handle(RevokeRecipientApprovalCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "revoke";
        var approval = await db.RowForUpdate<RecipientApproval>(command.Id).SingleOrDefaultAsync(cancellationToken)
            ?? throw new DomainRuleException("recipient-approval-not-found", "Autorizzazione del recapito non trovata.", RuleKind.NotFound);
        audit.Touch(null, approval.HolderCodiceFiscale);
        audit.Detail = $"revoke recipient={approval.MaskedRecipient}";
        approval.Revoke(user.OperatorId!.Value, now);
        return RecipientApprovalView.From(approval, now);
    }
}
