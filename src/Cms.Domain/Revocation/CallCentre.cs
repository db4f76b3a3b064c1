using Cms.Domain.Revocation.Contracts;
using Cms.Domain.Common;

namespace Cms.Domain.Revocation;

/// <summary>
/// The call centre [TM 8.2, S 6.2, S 9.5.2] is not a counter: its operations are recorded in the trail, the CIP tries and
/// its own tables under this channel code where a counter's would stand, so that they remain attributable (operator and
/// place) without pretending to be a counter (decision 0041).
/// </summary>
public static class CallCentreChannel
{
    public const string Code = "CALL-CENTER";

    /// <summary>How long an identification lets its operator suspend or reactivate the card: the length of a telephone call.</summary>
    public static readonly TimeSpan IdentificationValidity = TimeSpan.FromMinutes(15);
}

/// <summary>
/// A holder identified on the telephone by codice fiscale and CIP [TM 8.2, S 6.2]: for a short while it lets the operator who
/// made it — and nobody else — suspend or reactivate that card.
/// </summary>
public sealed class CallCentreIdentification
{
    private CallCentreIdentification() { }

    public CallCentreIdentification(Guid id, string cardNumber, string holderCodiceFiscale, Guid operatorId, DateTimeOffset now)
    {
        Id = id;
        CardNumber = cardNumber;
        HolderCodiceFiscale = holderCodiceFiscale;
        OperatorId = operatorId;
        IdentifiedAt = now;
        ExpiresAt = now + CallCentreChannel.IdentificationValidity;
    }

    public Guid Id { get; private set; }
    public string CardNumber { get; private set; } = null!;
    public string HolderCodiceFiscale { get; private set; } = null!;
    public Guid OperatorId { get; private set; }
    public DateTimeOffset IdentifiedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>Another operator's identification does not exist for this one (404); an old one must be made again (409).</summary>
    public void EnsureUsableBy(Guid operatorId, DateTimeOffset now)
    {
        if (operatorId != OperatorId) throw NotFound();
        if (now >= ExpiresAt)
            throw new DomainRuleException("call-centre-identification-expired",
                "L'identificazione del titolare è scaduta: ripetere l'identificazione con codice fiscale e CIP.", RuleKind.Conflict)
                .With("expiredAt", ExpiresAt);
    }

    public static DomainRuleException NotFound() =>
        new("call-centre-identification-not-found", "Identificazione non trovata: identificare il titolare con codice fiscale e CIP.",
            RuleKind.NotFound);
}

/// <summary>A suspension or reactivation asked on the telephone, on a card its operator identified shortly before [S 9.5.2].</summary>
public sealed class CallCentreStateChange
{
    private CallCentreStateChange() { }

    public CallCentreStateChange(Guid id, Guid identificationId, StateChangeKind kind, string cardNumber, string holderCodiceFiscale,
        SuspensionReason? reason, string? note, Guid operatorId, DateTimeOffset now)
    {
        if (kind == StateChangeKind.Suspension && reason is null)
            throw new DomainRuleException("suspension-reason-required", "Indicare il motivo della sospensione.");
        if (reason == SuspensionReason.Altro && string.IsNullOrWhiteSpace(note))
            throw new DomainRuleException("reason-note-required", "Con il motivo ALTRO va descritto il motivo.");
        Id = id;
        IdentificationId = identificationId;
        Kind = kind;
        CardNumber = cardNumber;
        HolderCodiceFiscale = holderCodiceFiscale;
        Reason = kind == StateChangeKind.Suspension ? reason : null;
        Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        OperatorId = operatorId;
        At = now;
    }

    public Guid Id { get; private set; }
    public Guid IdentificationId { get; private set; }
    public StateChangeKind Kind { get; private set; }
    public string CardNumber { get; private set; } = null!;
    public string HolderCodiceFiscale { get; private set; } = null!;
    public SuspensionReason? Reason { get; private set; }
    public string? Note { get; private set; }
    public Guid OperatorId { get; private set; }
    public DateTimeOffset At { get; private set; }
    public Guid CertificateCallId { get; private set; }

    public void AttachCertificateCall(Guid callId) => CertificateCallId = callId;
}
