using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Validation;
using Cms.Application.Reporting.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Reporting.GetAuditStatistics;

/// <summary>Counter operations done (confirmed requests, suspensions, reactivations) per counter and per day, in a period.</summary>
public sealed record GetAuditStatisticsQuery(string? Region, string? Counter, string? Type, string? From, string? To)
    : IQuery<AuditStatistics>, IAuditedMessage
{
    public OperationType OperationType => OperationType.AuditConsultation;
}

public sealed record CounterCount(string? CounterCode, int Operations);
public sealed record DayCount(DateOnly Day, int Operations);
public sealed record AuditStatistics(DateOnly? From, DateOnly? To, int Total, IReadOnlyList<CounterCount> PerCounter, IReadOnlyList<DayCount> PerDay);

public sealed class GetAuditStatisticsValidator : AbstractValidator<GetAuditStatisticsQuery>
{
    public GetAuditStatisticsValidator()
    {
        ReportPeriod.Rules<GetAuditStatisticsQuery>(this, q => q.From, q => q.To);
        RuleFor(q => q.Region).Matches("^[0-9]{3}$").WithErrorCode("invalid-region").When(q => q.Region is not null);
        RuleFor(q => q.Counter).MaximumLength(40);
        RuleFor(q => q.Type).Must(ApiNames.IsValid<OperationType>).WithErrorCode("unknown-value")
            .WithMessage("Tipo di operazione non previsto (es. ACTIVATION, REVOCATION, READER_DELIVERY).");
    }
}

public sealed class GetAuditStatisticsHandler(ICmsDbContext db, AuditScope audit) : IQueryHandler<GetAuditStatisticsQuery, AuditStatistics>
{
    public async ValueTask<AuditStatistics> Handle(GetAuditStatisticsQuery q, CancellationToken cancellationToken)
    {
        var period = ReportPeriod.Parse(q.From, q.To);
        audit.Detail = $"statistics region={q.Region} counter={q.Counter} type={q.Type} {q.From}..{q.To}";
        var entries = CounterOperations.Done(db.Operations.AsNoTracking());
        if (q.Region is not null) entries = entries.Where(o => o.Region == q.Region);
        if (q.Counter is not null) entries = entries.Where(o => o.CounterCode == q.Counter);
        if (ApiNames.Parse<OperationType>(q.Type) is { } type) entries = entries.Where(o => o.Type == type);
        entries = period.Apply(entries);
        var counters = await entries.GroupBy(o => o.CounterCode).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var days = await entries.GroupBy(o => o.OccurredAt.Date).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var perCounter = counters.Select(c => new CounterCount(c.Key, c.Count)).OrderByDescending(c => c.Operations)
            .ThenBy(c => c.CounterCode, StringComparer.Ordinal).ToList();
        var perDay = days.Select(d => new DayCount(DateOnly.FromDateTime(d.Key), d.Count)).OrderBy(d => d.Day).ToList();
        return new AuditStatistics(period.From, period.To, perCounter.Sum(c => c.Operations), perCounter, perDay);
    }
}
