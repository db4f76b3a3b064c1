using Cms.Domain.Auditing;

namespace Cms.Application.Reporting.Common;

/// <summary>One operation as shown in the history [T 2.7].</summary>
public sealed record OperationView(
    Guid Id, DateTimeOffset OccurredAt, OperationType Type, string Label, OperationOutcome Outcome,
    string? OperatorCodiceFiscale, string? CounterCode, string? CardNumber, string? RequestId, bool Imported = false)
{
    /// <summary>The detail that marks an operation brought in from a region's previous CMS by the migration import (decision 0039).</summary>
    public const string ImportedMark = "imported";

    public static OperationView From(OperationEntry e) => new(e.Id, e.OccurredAt, e.Type, OperationTypes.Label(e.Type),
        e.Outcome, e.OperatorCodiceFiscale, e.CounterCode, e.CardNumber, e.RequestId,
        e.OperatorId is null && e.Detail is { } d && (d == ImportedMark || d.StartsWith(ImportedMark + " ", StringComparison.Ordinal)));
}
