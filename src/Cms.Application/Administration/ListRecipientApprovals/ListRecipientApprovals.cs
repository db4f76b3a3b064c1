using Cms.Domain.Common;
using Cms.Application.Administration.ApproveRecipient;
using Cms.Application.Common.Abstractions;
using Cms.Domain.Administration;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.ListRecipientApprovals;

/// <summary>The approvals in force (<c>all</c>: also the expired and revoked ones), newest first.</summary>
public sealed record ListRecipientApprovalsQuery(bool All = false) : IQuery<IReadOnlyList<RecipientApprovalView>>;

public sealed class ListRecipientApprovalsValidator : AbstractValidator<ListRecipientApprovalsQuery>
{
    public ListRecipientApprovalsValidator() => RuleFor(q => q.All).NotNull();
}

public sealed class ListRecipientApprovalsHandler(IAdministrationData db, TimeProvider clock)
    : IQueryHandler<ListRecipientApprovalsQuery, IReadOnlyList<RecipientApprovalView>>
{
    public async ValueTask<IReadOnlyList<RecipientApprovalView>> Handle(ListRecipientApprovalsQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var approvals = db.RecipientApprovals.AsNoTracking();
        if (!query.All) approvals = approvals.Where(a => a.RevokedAt == null && a.ValidUntil > now);
        var list = await approvals.OrderByDescending(a => a.ApprovedAt).Take(500).ToListAsync(cancellationToken);
        return list.Select(a => RecipientApprovalView.From(a, now)).ToList();
    }
}
