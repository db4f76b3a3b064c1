using Cms.Application.Administration.PublishNotice;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.WithdrawNotice;

public sealed record WithdrawNoticeCommand(Guid Id) : ICommand<NoticeView>, IAuditedMessage
{
    public OperationType OperationType => OperationType.NoticeManagement;
}

public sealed class WithdrawNoticeValidator : AbstractValidator<WithdrawNoticeCommand>
{
    public WithdrawNoticeValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class WithdrawNoticeHandler(IAdministrationData db, TimeProvider clock, AuditScope audit) : ICommandHandler<WithdrawNoticeCommand, NoticeView>
{
    public async ValueTask<NoticeView> Handle(WithdrawNoticeCommand command, CancellationToken cancellationToken)
    {
        audit.RequestId = command.Id.ToString();
        audit.Detail = "withdraw";
        var notice = await db.Notices.SingleOrDefaultAsync(n => n.Id == command.Id, cancellationToken)
            ?? throw new DomainRuleException("notice-not-found", "Avviso non trovato.", RuleKind.NotFound);
        notice.Withdraw(clock.GetUtcNow());
        return NoticeView.From(notice);
    }
}
