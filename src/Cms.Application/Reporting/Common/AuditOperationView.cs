using Cms.Domain.Auditing;

namespace Cms.Application.Reporting.Common;

/// <summary>One entry of the trail as auditors see it: who, from which counter, when, what, on which card and holder, how it ended.</summary>
public sealed record AuditOperationView(
    long Sequence, Guid Id, DateTimeOffset OccurredAt, OperationType Type, string Label, OperationOutcome Outcome, string? OperatorCodiceFiscale,
    string? CounterCode, string? Region, string? CardNumber, string? HolderCodiceFiscale, string? RequestId, string? Detail)
{
    public static AuditOperationView From(OperationEntry e) => new(e.Sequence, e.Id, e.OccurredAt, e.Type, OperationTypes.Label(e.Type), e.Outcome,
        e.OperatorCodiceFiscale, e.CounterCode, e.Region, e.CardNumber, e.HolderCodiceFiscale, e.RequestId, e.Detail);
}
