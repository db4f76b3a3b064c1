namespace Cms.Domain.Auditing;

public enum OperationOutcome
{
    Succeeded,
    Rejected,
    Failed,
}

/// <summary>
/// One line of the operations trail: who did what, where, when, on which card and holder, and how it
/// ended. Append-only.
/// </summary>
public sealed class OperationEntry
{
    private OperationEntry() { }

    public OperationEntry(Guid id, DateTimeOffset occurredAt, OperationType type, OperationOutcome outcome,
        Guid? operatorId, string? operatorCodiceFiscale, string? counterCode, string? region, string? cardNumber,
        string? holderCodiceFiscale, string? requestId, string? detail)
    {
        Id = id;
        OccurredAt = occurredAt;
        Type = type;
        Outcome = outcome;
        OperatorId = operatorId;
        OperatorCodiceFiscale = operatorCodiceFiscale;
        CounterCode = counterCode;
        Region = region;
        CardNumber = cardNumber;
        HolderCodiceFiscale = holderCodiceFiscale;
        RequestId = requestId;
        Detail = detail;
    }

    /// <summary>Monotonic position in the trail.</summary>
    public long Sequence { get; private set; }
    public Guid Id { get; private set; }
    public DateTimeOffset OccurredAt { get; private set; }
    public OperationType Type { get; private set; }
    public OperationOutcome Outcome { get; private set; }
    public Guid? OperatorId { get; private set; }
    public string? OperatorCodiceFiscale { get; private set; }
    public string? CounterCode { get; private set; }
    public string? Region { get; private set; }
    public string? CardNumber { get; private set; }
    public string? HolderCodiceFiscale { get; private set; }
    /// <summary>The request resource this entry belongs to, when there is one.</summary>
    public string? RequestId { get; private set; }
    /// <summary>The rule broken or a short free text; never personal data beyond the fields above, never a secret.</summary>
    public string? Detail { get; private set; }
}
