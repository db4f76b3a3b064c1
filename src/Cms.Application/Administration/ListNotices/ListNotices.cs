using Cms.Application.Administration.PublishNotice;
using Cms.Application.Common.Abstractions;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.ListNotices;

/// <summary>The notices visible now (the welcome page); <c>all</c> also lists future, expired and withdrawn ones.</summary>
public sealed record ListNoticesQuery(bool All = false) : IQuery<IReadOnlyList<NoticeView>>;

public sealed class ListNoticesValidator : AbstractValidator<ListNoticesQuery>
{
    public ListNoticesValidator() => RuleFor(q => q.All).NotNull();
}

public sealed class ListNoticesHandler(IAdministrationData db, TimeProvider clock) : IQueryHandler<ListNoticesQuery, IReadOnlyList<NoticeView>>
{
    public async ValueTask<IReadOnlyList<NoticeView>> Handle(ListNoticesQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var notices = db.Notices.AsNoTracking();
        if (!query.All)
            notices = notices.Where(n => n.WithdrawnAt == null && n.VisibleFrom <= now && (n.VisibleUntil == null || n.VisibleUntil > now));
        var list = await notices.OrderByDescending(n => n.PublishedAt).Take(200).ToListAsync(cancellationToken);
        return list.Select(NoticeView.From).ToList();
    }
}
