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
    private string? cardNumber;
    private string? holderCodiceFiscale;

    /// <summary>The card touched; a value that is not a card number (input not validated yet) is not recorded.</summary>
    public string? CardNumber
    {
        get => cardNumber;
        set => cardNumber = value is { Length: 20 } && value.All(char.IsAsciiDigit) ? value : null;
    }

    public string? HolderCodiceFiscale
    {
        get => holderCodiceFiscale;
        set => holderCodiceFiscale = value is { Length: 16 } && value.All(char.IsAsciiLetterOrDigit) ? value : null;
    }
    public string? RequestId { get; set; }
    public string? Detail { get; set; }

    /// <summary>
    /// What the run looked up, said only if it is refused or fails: appended to that entry's detail after the rule (e.g.
    /// <c>delegate-card=&lt;number&gt;</c>, decision 0046), so a refused lookup of the registry still names what was looked up.
    /// Only validated input belongs here.
    /// </summary>
    public string? RejectionDetail { get; set; }
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
