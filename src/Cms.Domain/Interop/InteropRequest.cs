using Cms.Domain.Common;
using Cms.Domain.Requests;

namespace Cms.Domain.Interop;

public enum InteropKind
{
    Activation,
    Reprint,
    Revocation,
}

/// <summary>Where an interop request stands [SPEC §3.11]: PENDING (summary) → QUEUED → SENT → COMPLETED or FAILED.</summary>
public enum InteropStatus
{
    /// <summary>Created, shown as a summary; not yet confirmed.</summary>
    Pending,
    /// <summary>Confirmed; waiting to be delivered to the issuing region.</summary>
    Queued,
    /// <summary>Being delivered, or delivered without an answer yet (it is tried again until the peer answers).</summary>
    Sent,
    /// <summary>The issuing region did it; for codes, the first halves are here for printing.</summary>
    Completed,
    /// <summary>The issuing region refused it (its reason is kept), or it could not be delivered in time.</summary>
    Failed,
    Cancelled,
    Expired,
}

/// <summary>
/// A counter operation on a card of another region, sent to that region's Cms [T 2.11, S 8, S 9.3.3]. The row is its own
/// outbox: confirmed in the operator's transaction, delivered by a background job with a lease and retries; the issuing
/// region performs it under its own rules, sends the second halves itself and answers the first halves, kept here sealed.
/// </summary>
public sealed class InteropRequest : ICancellableRequest
{
    private InteropRequest() { }

    public InteropRequest(Guid id, InteropKind kind, string targetRegion, string cardNumber, string holderCodiceFiscale, string payload,
        string? secretKeyId, byte[]? secretCiphertext, Guid operatorId, string counterCode, DateTimeOffset now, TimeSpan pendingFor)
    {
        Id = id;
        Kind = kind;
        TargetRegion = targetRegion;
        CardNumber = cardNumber;
        HolderCodiceFiscale = holderCodiceFiscale;
        Payload = payload;
        SecretKeyId = secretKeyId;
        SecretCiphertext = secretCiphertext;
        OperatorId = operatorId;
        CounterCode = counterCode;
        CreatedAt = now;
        ExpiresAt = now + pendingFor;
        NextAttemptAt = now;
        Status = InteropStatus.Pending;
    }

    public Guid Id { get; private set; }
    public InteropKind Kind { get; private set; }
    public string TargetRegion { get; private set; } = null!;
    public string CardNumber { get; private set; } = null!;
    public string HolderCodiceFiscale { get; private set; } = null!;
    /// <summary>What is sent (holder, people, document, delivery, reason) as JSON; no secret.</summary>
    public string Payload { get; private set; } = null!;
    /// <summary>The CIP of a revocation, sealed until it is delivered, then erased.</summary>
    public string? SecretKeyId { get; private set; }
    public byte[]? SecretCiphertext { get; private set; }
    public Guid OperatorId { get; private set; }
    public string CounterCode { get; private set; } = null!;
    public InteropStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? ConfirmedAt { get; private set; }
    /// <summary>
    /// Who confirmed (codice fiscale) and the level of assurance of their sign-in: the AUDIT_REST_02 tracking evidence sent with
    /// the request names them, with <see cref="CounterCode"/> (decision 0059).
    /// </summary>
    public string? ConfirmedBy { get; private set; }
    public string? ConfirmedLoA { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public DateTimeOffset? CancelledAt { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    public DateTimeOffset? LeaseUntil { get; private set; }
    public string? LastError { get; private set; }
    /// <summary>The issuing region's refusal: its rule and its words.</summary>
    public string? PeerRule { get; private set; }
    public string? PeerDetail { get; private set; }
    /// <summary>The request the issuing region made of it.</summary>
    public Guid? PeerRequestId { get; private set; }
    public DateOnly? CardExpiryDate { get; private set; }
    /// <summary>The first halves answered by the issuing region, sealed (for the local print).</summary>
    public string? FirstHalvesKeyId { get; private set; }
    public byte[]? FirstHalvesCiphertext { get; private set; }
    /// <summary>When the first halves were printed at this counter, and by whom; printing erases them (once per release).</summary>
    public DateTimeOffset? CodesPrintedAt { get; private set; }
    public Guid? CodesPrintedBy { get; private set; }
    /// <summary>The forms printed at this counter for signature before the confirm [S 9.3.3, M 2.6], by name.</summary>
    public string[] FormsPrinted { get; private set; } = [];
    public uint Version { get; private set; }

    /// <summary>A form printed while pending counts for the confirm (sign before confirm).</summary>
    public void MarkFormPrinted(string name, DateTimeOffset now)
    {
        if (StatusAt(now) == InteropStatus.Pending && !FormsPrinted.Contains(name)) FormsPrinted = [.. FormsPrinted, name];
    }

    /// <summary>The first halves print once: the sealed copy is erased in the same transaction that records the print.</summary>
    public void MarkCodesPrinted(DateTimeOffset now, Guid operatorId)
    {
        if (CodesPrintedAt is not null) throw CodesPrint.AlreadyPrinted(CodesPrintedAt.Value);
        CodesPrintedAt = now;
        CodesPrintedBy = operatorId;
        FirstHalvesKeyId = null;
        FirstHalvesCiphertext = null;
    }

    public InteropStatus StatusAt(DateTimeOffset now) =>
        Status == InteropStatus.Pending && now > ExpiresAt ? InteropStatus.Expired : Status;

    public void EnsurePending(DateTimeOffset now)
    {
        switch (StatusAt(now))
        {
            case InteropStatus.Pending:
                return;
            case InteropStatus.Expired:
                throw new DomainRuleException("request-expired",
                    "La richiesta è scaduta perché non confermata in tempo: crearne una nuova.", RuleKind.Conflict);
            default:
                throw new DomainRuleException("request-not-pending",
                    $"La richiesta non è più modificabile (stato {Status.ToString().ToUpperInvariant()}).", RuleKind.Conflict)
                    .With("requestStatus", Status);
        }
    }

    /// <summary>The confirm; <paramref name="payload"/> replaces the body to send when the confirm adds to it (the recipient proof's statement).</summary>
    public void Confirm(DateTimeOffset now, string? payload = null, string? confirmedBy = null, string? confirmedLoA = null)
    {
        EnsurePending(now);
        if (payload is not null) Payload = payload;
        ConfirmedBy = confirmedBy;
        ConfirmedLoA = confirmedLoA;
        Status = InteropStatus.Queued;
        ConfirmedAt = now;
        NextAttemptAt = now;
    }

    public void Cancel(DateTimeOffset now)
    {
        EnsurePending(now);
        Status = InteropStatus.Cancelled;
        CancelledAt = now;
    }
}
