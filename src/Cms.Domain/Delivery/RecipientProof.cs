namespace Cms.Domain.Delivery;

/// <summary>
/// The one-time code sent to a request's delivery address before its confirm: the holder reads it out at the counter, which
/// shows that the address the second halves go to is the holder's and not the operator's. One row per request; the code is
/// kept only as a keyed digest bound to the request, and the address it went to only as a keyed digest, so that a change of
/// address after the code was sent is noticed. Tries are limited per request and do not start again with a new code.
/// </summary>
public sealed class RecipientProof
{
    private RecipientProof() { }

    public RecipientProof(Guid requestId, string purpose, string cardNumber, DateTimeOffset now)
    {
        RequestId = requestId;
        Purpose = purpose;
        CardNumber = cardNumber;
        CreatedAt = now;
    }

    public Guid RequestId { get; private set; }
    /// <summary>ACTIVATION, REPRINT or INTEROP.</summary>
    public string Purpose { get; private set; } = null!;
    public string CardNumber { get; private set; } = null!;
    /// <summary>Keyed digest of the channel and the address the last code went to.</summary>
    public string RecipientDigest { get; private set; } = "";
    /// <summary>Keyed digest of the last code, bound to the request.</summary>
    public string CodeDigest { get; private set; } = "";
    public int Sends { get; private set; }
    public int WrongTries { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? LastSentAt { get; private set; }
    public DateTimeOffset? ExpiresAt { get; private set; }
    public DateTimeOffset? VerifiedAt { get; private set; }

    public void CodeSent(string recipientDigest, string codeDigest, DateTimeOffset now, TimeSpan validFor)
    {
        RecipientDigest = recipientDigest;
        CodeDigest = codeDigest;
        Sends++;
        LastSentAt = now;
        ExpiresAt = now + validFor;
        VerifiedAt = null;
    }

    public void WrongTry() => WrongTries++;

    public void Verified(DateTimeOffset now)
    {
        VerifiedAt = now;
        // The code has done its work: nothing of it stays.
        CodeDigest = "";
    }
}
