using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Cms.Application.Common.Telemetry;

/// <summary>
/// Cms's own instruments (meter <c>Cms</c>), exported with the platform's when telemetry is configured
/// (docs/production.md). Tags carry names of use cases, rules, outcomes and channels — never personal data or codes.
/// </summary>
public static class CmsMetrics
{
    public const string MeterName = "Cms";

    public static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> UseCaseDuration = Meter.CreateHistogram<double>(
        "cms.use_case.duration", "s", "How long each use case took, by outcome: succeeded, invalid (400), rejected by a rule, failed.");

    public static readonly Counter<long> CodeMessagesSent = Meter.CreateCounter<long>(
        "cms.code_messages.sent", "{message}", "Code messages handed to the SMTP server or the SMS gateway, by channel.");

    public static readonly Counter<long> CodeMessageAttemptsFailed = Meter.CreateCounter<long>(
        "cms.code_messages.failed_attempts", "{attempt}", "Attempts to send a code message that failed, by channel; given_up when it will not be retried.");

    private static readonly Counter<long> DbReads = Meter.CreateCounter<long>(
        "cms.db.reads", "{read}", "Auditors' reads (reports, statistics, subject access, the trail's listing) by where they ran (cms.source: replica, primary; decision 0056).");

    /// <summary>One auditor's read, run on <paramref name="source"/> (<c>replica</c> or <c>primary</c>).</summary>
    public static void DbRead(string source, string useCase) =>
        DbReads.Add(1, new TagList { { "cms.source", source }, { "cms.use_case", useCase } });

    public static void UseCase(string useCase, string outcome, string? rule, TimeSpan elapsed)
    {
        var tags = new TagList { { "cms.use_case", useCase }, { "cms.outcome", outcome } };
        if (rule is not null) tags.Add("cms.rule", rule);
        UseCaseDuration.Record(elapsed.TotalSeconds, tags);
    }
}
