namespace Cms.Domain.Outbound;

/// <summary>The external systems Cms calls after a confirmed operation.</summary>
public enum OutboundTarget
{
    /// <summary>The certification authority: revocation, suspension and reactivation of the card's certificate; the digital-signature certificate.</summary>
    CertificationAuthority,
    /// <summary>The regional Fascicolo Sanitario Elettronico: the holder's consents.</summary>
    Fse,
}

public enum OutboundCallStatus
{
    Queued,
    Sending,
    Sent,
    Failed,
}

/// <summary>
/// A call to an external system, written in the transaction of the operation that needs it (an outbox) and made by a
/// background job with retries: a confirmed revocation never loses its certificate-revocation request.
/// </summary>
public sealed class OutboundCall
{
    private OutboundCall() { }

    public OutboundCall(Guid id, OutboundTarget target, string kind, string reference, string payload, DateTimeOffset now)
    {
        Id = id;
        Target = target;
        Kind = kind;
        Reference = reference;
        Payload = payload;
        Status = OutboundCallStatus.Queued;
        CreatedAt = now;
        NextAttemptAt = now;
    }

    public Guid Id { get; private set; }
    public OutboundTarget Target { get; private set; }
    /// <summary>What is asked: REVOCATION, SUSPENSION, REACTIVATION, SIGNATURE_CERTIFICATE, CONSENTS.</summary>
    public string Kind { get; private set; } = null!;
    /// <summary>The operation it belongs to (request id).</summary>
    public string Reference { get; private set; } = null!;
    /// <summary>The JSON body sent (no codes, no secrets).</summary>
    public string Payload { get; private set; } = null!;
    public OutboundCallStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    public DateTimeOffset? LeaseUntil { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public string? LastError { get; private set; }
}
