using Cms.Domain.Auditing;

namespace Cms.Application.Reporting.Common;

/// <summary>One operation as shown in the history [T 2.7].</summary>
public sealed record OperationView(
    Guid Id, DateTimeOffset OccurredAt, OperationType Type, string Label, OperationOutcome Outcome,
    string? OperatorCodiceFiscale, string? CounterCode, string? CardNumber, string? RequestId)
{
    public static OperationView From(OperationEntry e) => new(e.Id, e.OccurredAt, e.Type, OperationTypes.Label(e.Type),
        e.Outcome, e.OperatorCodiceFiscale, e.CounterCode, e.CardNumber, e.RequestId);
}
