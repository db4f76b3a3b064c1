namespace Cms.Domain.Interop;

/// <summary>
/// A request another region sent here, kept by its request id so that a repeat (the sender's retry after a lost answer)
/// gets the same answer without doing the operation twice. The answer holds first halves: it is kept sealed.
/// </summary>
public sealed class InboundInteropRequest
{
    private InboundInteropRequest() { }

    public InboundInteropRequest(string peerRegion, Guid requestId, InteropKind kind, string cardNumber, Guid localRequestId,
        string answerKeyId, byte[] answerCiphertext, DateTimeOffset now, string? trackingEvidence = null)
    {
        TrackingEvidence = trackingEvidence;
        PeerRegion = peerRegion;
        RequestId = requestId;
        Kind = kind;
        CardNumber = cardNumber;
        LocalRequestId = localRequestId;
        AnswerKeyId = answerKeyId;
        AnswerCiphertext = answerCiphertext;
        ReceivedAt = now;
    }

    public string PeerRegion { get; private set; } = null!;
    public Guid RequestId { get; private set; }
    public InteropKind Kind { get; private set; }
    public string CardNumber { get; private set; } = null!;
    /// <summary>The activation, reprint or revocation made here for it.</summary>
    public Guid LocalRequestId { get; private set; }
    /// <summary>The sealed answer; null once purged (Interop:PurgeAnswersAfterDays), long after the sender stopped repeating.</summary>
    public string? AnswerKeyId { get; private set; }
    public byte[]? AnswerCiphertext { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }
    /// <summary>The AUDIT_REST_02 tracking evidence as the requesting region signed it (a JWS): who asked, from which counter.</summary>
    public string? TrackingEvidence { get; private set; }
}
