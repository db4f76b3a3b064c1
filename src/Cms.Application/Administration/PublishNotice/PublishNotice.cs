using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Domain.Administration;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;

namespace Cms.Application.Administration.PublishNotice;

public sealed record NoticeView(Guid Id, string Title, string Body, DateTimeOffset PublishedAt, DateTimeOffset VisibleFrom, DateTimeOffset? VisibleUntil,
    DateTimeOffset? WithdrawnAt)
{
    public static NoticeView From(Notice n) => new(n.Id, n.Title, n.Body, n.PublishedAt, n.VisibleFrom, n.VisibleUntil, n.WithdrawnAt);
}

/// <summary>A security administrator publishes a notice for the operators' welcome page.</summary>
public sealed record PublishNoticeCommand(string? Title, string? Body, DateTimeOffset? VisibleFrom, DateTimeOffset? VisibleUntil)
    : ICommand<NoticeView>, IAuditedMessage
{
    public OperationType OperationType => OperationType.NoticeManagement;
}

public sealed class PublishNoticeValidator : AbstractValidator<PublishNoticeCommand>
{
    public PublishNoticeValidator()
    {
        RuleFor(c => c.Title).NotEmpty().MaximumLength(200);
        RuleFor(c => c.Body).NotEmpty().MaximumLength(4000);
        RuleFor(c => c.VisibleUntil).GreaterThan(c => c.VisibleFrom ?? DateTimeOffset.MinValue).When(c => c.VisibleUntil is not null)
            .WithMessage("La fine della pubblicazione deve seguire l'inizio.");
    }
}

public sealed class PublishNoticeHandler(IAdministrationData db, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : ICommandHandler<PublishNoticeCommand, NoticeView>
{
    public ValueTask<NoticeView> Handle(PublishNoticeCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (command.VisibleUntil is { } until && until <= now)
            throw new DomainRuleException("notice-already-expired", "Un avviso con la fine della pubblicazione già trascorsa non sarebbe mai visibile.");
        var notice = new Notice(Guid.CreateVersion7(), command.Title!.Trim(), command.Body!.Trim(), command.VisibleFrom ?? now, command.VisibleUntil,
            user.OperatorId!.Value, now);
        db.Notices.Add(notice);
        audit.RequestId = notice.Id.ToString();
        audit.Detail = "publish";
        return ValueTask.FromResult(NoticeView.From(notice));
    }
}
