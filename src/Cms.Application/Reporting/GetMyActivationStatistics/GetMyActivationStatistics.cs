using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Reporting.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Reporting.GetMyActivationStatistics;

/// <summary>How many cards the operator activated in a period, or ever when no dates are given [T 2.10].</summary>
public sealed record GetMyActivationStatisticsQuery(string? From, string? To) : IQuery<ActivationStatistics>, IAuditedMessage
{
    public OperationType OperationType => OperationType.ReportConsultation;
}

public sealed record ActivationStatistics(string OperatorCodiceFiscale, DateOnly? From, DateOnly? To, int ActivatedCards, DateTimeOffset GeneratedAt);

public sealed class GetMyActivationStatisticsValidator : AbstractValidator<GetMyActivationStatisticsQuery>
{
    public GetMyActivationStatisticsValidator() => ReportPeriod.Rules<GetMyActivationStatisticsQuery>(this, q => q.From, q => q.To);
}

public sealed class GetMyActivationStatisticsHandler(ICmsDbContext db, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : IQueryHandler<GetMyActivationStatisticsQuery, ActivationStatistics>
{
    public async ValueTask<ActivationStatistics> Handle(GetMyActivationStatisticsQuery query, CancellationToken cancellationToken)
    {
        var period = ReportPeriod.Parse(query.From, query.To);
        var operatorId = user.OperatorId!.Value;
        audit.Detail = $"my-activations {query.From ?? "*"}..{query.To ?? "*"}";
        var entries = CounterOperations.Done(db.Operations.AsNoTracking()
            .Where(o => o.OperatorId == operatorId && o.Type == OperationType.Activation));
        entries = period.Apply(entries);
        var count = await entries.Select(o => o.CardNumber).Distinct().CountAsync(cancellationToken);
        return new ActivationStatistics(user.CodiceFiscale!, period.From, period.To, count, clock.GetUtcNow());
    }
}
