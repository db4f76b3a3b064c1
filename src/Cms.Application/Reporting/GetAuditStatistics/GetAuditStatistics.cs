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

/// <summary>
/// Answers from the roll-ups the database keeps beside the trail (decision 0012), never from the trail itself: per day
/// from the region's daily counts, per counter from the monthly counts for the whole months of the period and the daily
/// counts for the days at its ends. One counter's question reads that counter's daily counts alone. The counts are read
/// where <see cref="IReadSource"/> says (the replica for auditors, decision 0056); the pending entries are chained on the primary.
/// </summary>
public sealed class GetAuditStatisticsHandler(IReadSource reads, AuditScope audit, IAuditTrail trail)
    : IQueryHandler<GetAuditStatisticsQuery, AuditStatistics>
{
    public async ValueTask<AuditStatistics> Handle(GetAuditStatisticsQuery q, CancellationToken cancellationToken)
    {
        var period = ReportPeriod.Parse(q.From, q.To);
        // The counts are kept by the chainer (decision 0019): whatever was committed before this question is counted first.
        await trail.ChainPendingAsync(cancellationToken);
        audit.Detail = $"statistics region={q.Region} counter={q.Counter} type={q.Type} {q.From}..{q.To}";
        var type = ApiNames.Parse<OperationType>(q.Type);
        return await reads.ReadAsync(nameof(GetAuditStatisticsQuery), (db, ct) => CountAsync(db, q, type, period, ct), cancellationToken);
    }

    private static async Task<AuditStatistics> CountAsync(ICmsDbContext db, GetAuditStatisticsQuery q, OperationType? type, ReportPeriod period,
        CancellationToken cancellationToken)
    {
        List<CounterCount> counters;
        List<DayCount> days;
        if (q.Counter is not null)
        {
            var rows = CounterDays(db, q.Region, type, period.From, period.To).Where(c => c.CounterCode == q.Counter);
            days = await rows.GroupBy(c => c.Day).Select(g => new DayCount(g.Key, g.Sum(c => c.Operations))).ToListAsync(cancellationToken);
            var total = days.Sum(d => d.Operations);
            counters = total == 0 ? [] : [new CounterCount(q.Counter, total)];
        }
        else
        {
            var regionDays = db.RegionDayCounts.AsNoTracking();
            if (q.Region is not null) regionDays = regionDays.Where(c => c.Region == q.Region);
            if (type is { } t) regionDays = regionDays.Where(c => c.Type == t);
            if (period.From is { } from) regionDays = regionDays.Where(c => c.Day >= from);
            if (period.To is { } to) regionDays = regionDays.Where(c => c.Day <= to);
            days = await regionDays.GroupBy(c => c.Day).Select(g => new DayCount(g.Key, g.Sum(c => c.Operations))).ToListAsync(cancellationToken);
            counters = await PerCounterAsync(db, q.Region, type, period, cancellationToken);
        }

        var perCounter = counters.Select(c => c with { CounterCode = c.CounterCode is "" ? null : c.CounterCode })
            .OrderByDescending(c => c.Operations).ThenBy(c => c.CounterCode, StringComparer.Ordinal).ToList();
        var perDay = days.OrderBy(d => d.Day).ToList();
        return new AuditStatistics(period.From, period.To, perCounter.Sum(c => c.Operations), perCounter, perDay);
    }

    private static async Task<List<CounterCount>> PerCounterAsync(ICmsDbContext db, string? region, OperationType? type, ReportPeriod period, CancellationToken ct)
    {
        var months = MonthSpan.Within(period.From, period.To);
        var totals = new Dictionary<string, int>(StringComparer.Ordinal);
        async Task AddAsync(IQueryable<CounterCount> part)
        {
            foreach (var c in await part.ToListAsync(ct))
                totals[c.CounterCode ?? ""] = totals.GetValueOrDefault(c.CounterCode ?? "") + c.Operations;
        }

        if (months is null)
        {
            await AddAsync(ByCounter(CounterDays(db, region, type, period.From, period.To)));
        }
        else
        {
            var monthRows = db.CounterMonthCounts.AsNoTracking();
            if (region is not null) monthRows = monthRows.Where(c => c.Region == region);
            if (type is { } t) monthRows = monthRows.Where(c => c.Type == t);
            if (months.First is { } first) monthRows = monthRows.Where(c => c.Month >= first);
            if (months.Last is { } last) monthRows = monthRows.Where(c => c.Month <= last);
            await AddAsync(monthRows.GroupBy(c => c.CounterCode).Select(g => new CounterCount(g.Key, g.Sum(c => c.Operations))));
            if (months.DaysBefore is { } before) await AddAsync(ByCounter(CounterDays(db, region, type, before.From, before.To)));
            if (months.DaysAfter is { } after) await AddAsync(ByCounter(CounterDays(db, region, type, after.From, after.To)));
        }
        return totals.Where(p => p.Value > 0).Select(p => new CounterCount(p.Key, p.Value)).ToList();
    }

    private static IQueryable<CounterCount> ByCounter(IQueryable<CounterDayCount> rows) =>
        rows.GroupBy(c => c.CounterCode).Select(g => new CounterCount(g.Key, g.Sum(c => c.Operations)));

    private static IQueryable<CounterDayCount> CounterDays(ICmsDbContext db, string? region, OperationType? type, DateOnly? from, DateOnly? to)
    {
        var rows = db.CounterDayCounts.AsNoTracking();
        if (region is not null) rows = rows.Where(c => c.Region == region);
        if (type is { } t) rows = rows.Where(c => c.Type == t);
        if (from is { } f) rows = rows.Where(c => c.Day >= f);
        if (to is { } l) rows = rows.Where(c => c.Day <= l);
        return rows;
    }
}

/// <summary>
/// A period cut into the whole calendar months it holds (first to last, by their first day; open where the period is
/// open) and the days before and after them. Null when the period holds no whole month.
/// </summary>
public sealed record MonthSpan(DateOnly? First, DateOnly? Last, (DateOnly From, DateOnly To)? DaysBefore, (DateOnly From, DateOnly To)? DaysAfter)
{
    public static MonthSpan? Within(DateOnly? from, DateOnly? to)
    {
        DateOnly? first = from is { } f ? (f.Day == 1 ? f : new DateOnly(f.Year, f.Month, 1).AddMonths(1)) : null;
        DateOnly? last = to is { } t ? (t.AddDays(1).Day == 1 ? new DateOnly(t.Year, t.Month, 1) : new DateOnly(t.Year, t.Month, 1).AddMonths(-1)) : null;
        if (first is { } a && last is { } b && a > b) return null;
        (DateOnly, DateOnly)? before = from is { } start && first is { } m1 && start < m1 ? (start, m1.AddDays(-1)) : null;
        (DateOnly, DateOnly)? after = to is { } end && last is { } m2 && m2.AddMonths(1) <= end ? (m2.AddMonths(1), end) : null;
        return new MonthSpan(first, last, before, after);
    }
}
