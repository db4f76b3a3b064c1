using Cms.Domain.Auditing;

namespace Cms.Application.Common.Auditing;

/// <summary>A use case whose every run, success or not, is appended to the operations trail.</summary>
public interface IAuditedMessage
{
    OperationType OperationType { get; }
}

/// <summary>
/// What a handler tells the audit behaviour about the run: which card and holder it touched, and, for
/// calls made before anyone is signed in (sign-in itself), who the actor was.
/// </summary>
public sealed class AuditScope
{
    public string? CardNumber { get; set; }
    public string? HolderCodiceFiscale { get; set; }
    public string? RequestId { get; set; }
    public string? Detail { get; set; }
    public Guid? ActorOperatorId { get; set; }
    public string? ActorCodiceFiscale { get; set; }
    public string? ActorCounterCode { get; set; }
    /// <summary>Set by a handler that answers normally but whose operation did not succeed (a wrong password).</summary>
    public OperationOutcome? OutcomeOverride { get; set; }

    /// <summary>Entry to write after a rollback, when the use case failed.</summary>
    internal OperationEntry? PendingFailure { get; set; }

    public void Touch(string? cardNumber, string? holderCodiceFiscale)
    {
        CardNumber = cardNumber ?? CardNumber;
        HolderCodiceFiscale = holderCodiceFiscale ?? HolderCodiceFiscale;
    }
}
