using Cms.Application.Common.Validation;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;

namespace Cms.Application.Reporting.Common;

/// <summary>A period of whole days (Europe/Rome dates as the counter sees them, taken as UTC days here), both ends included.</summary>
public sealed record ReportPeriod(DateOnly? From, DateOnly? To)
{
    public DateTimeOffset? Start => From is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
    public DateTimeOffset? End => To is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;

    /// <summary>The entries of the period (all of them without dates).</summary>
    public IQueryable<OperationEntry> Apply(IQueryable<OperationEntry> entries)
    {
        if (Start is { } start) entries = entries.Where(o => o.OccurredAt >= start);
        if (End is { } end) entries = entries.Where(o => o.OccurredAt < end);
        return entries;
    }

    public static ReportPeriod Parse(string? from, string? to)
    {
        RuleExtensions.TryParseDate(from, out var f);
        RuleExtensions.TryParseDate(to, out var t);
        var period = new ReportPeriod(from is null ? null : f, to is null ? null : t);
        if (period.From is { } a && period.To is { } b && a > b)
            throw new DomainRuleException("period-reversed", "La data di inizio del periodo è successiva alla data di fine.");
        return period;
    }

    public static void Rules<T>(AbstractValidator<T> v, Func<T, string?> from, Func<T, string?> to)
    {
        v.RuleFor(x => from(x)).IsoDate().OverridePropertyName("from").When(x => from(x) is not null);
        v.RuleFor(x => to(x)).IsoDate().OverridePropertyName("to").When(x => to(x) is not null);
    }
}

/// <summary>What the reports count as an operation done at the counter: a confirmed request or a single-step change.</summary>
public static class CounterOperations
{
    public static readonly OperationType[] Types =
    [
        OperationType.Activation, OperationType.Reprint, OperationType.Revocation, OperationType.FseConsents,
        OperationType.ReaderDelivery, OperationType.Suspension, OperationType.Reactivation, OperationType.SignatureCertificate,
    ];

    /// <summary>Confirms are audited with a detail starting "confirm"; suspensions and reactivations are single steps.</summary>
    public static IQueryable<OperationEntry> Done(IQueryable<OperationEntry> entries) => entries.Where(o =>
        Types.Contains(o.Type) && o.Outcome == OperationOutcome.Succeeded
        && ((o.Detail != null && o.Detail.StartsWith("confirm")) || o.Type == OperationType.Suspension || o.Type == OperationType.Reactivation));
}
