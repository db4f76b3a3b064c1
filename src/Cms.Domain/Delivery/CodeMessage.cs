using Cms.Domain.Requests;

namespace Cms.Domain.Delivery;

public enum DeliveryStatus
{
    Queued,
    Sending,
    Sent,
    Failed,
}

/// <summary>
/// A message carrying the second halves of a card's codes, written to the outbox in the transaction that
/// released them and sent by a background job. Its content stays encrypted until it is sent, and is erased some days after
/// (Delivery:PurgeSentAfterDays).
/// </summary>
public sealed class CodeMessage
{
    private CodeMessage() { }

    public CodeMessage(Guid id, DeliveryChannel channel, string recipient, string cardNumber, string purpose, string messageId,
        string keyId, byte[] contentCiphertext, DateTimeOffset now)
    {
        Id = id;
        Channel = channel;
        Recipient = recipient;
        CardNumber = cardNumber;
        Purpose = purpose;
        MessageId = messageId;
        KeyId = keyId;
        ContentCiphertext = contentCiphertext;
        Status = DeliveryStatus.Queued;
        CreatedAt = now;
        NextAttemptAt = now;
    }

    public Guid Id { get; private set; }
    public DeliveryChannel Channel { get; private set; }
    public string Recipient { get; private set; } = null!;
    public string CardNumber { get; private set; } = null!;
    /// <summary>What released the codes: ACTIVATION, REPRINT, …</summary>
    public string Purpose { get; private set; } = null!;
    /// <summary>Fixed at creation, so that a resend after a crash is the identical message.</summary>
    public string MessageId { get; private set; } = null!;
    /// <summary>The sealed content; null once purged, some days after the message was sent or failed (its row stays, as history).</summary>
    public string? KeyId { get; private set; }
    public byte[]? ContentCiphertext { get; private set; }
    public DeliveryStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    public DateTimeOffset? LeaseUntil { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
}
