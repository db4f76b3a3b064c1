namespace Cms.Application.Common.Abstractions;

public enum IdempotencyOutcome
{
    /// <summary>First time: the key is reserved; run the request and complete it.</summary>
    Reserved,
    /// <summary>Seen and finished: answer the stored response.</summary>
    Replay,
    /// <summary>The same key with a different request.</summary>
    Mismatch,
    /// <summary>The same key is being processed right now.</summary>
    InProgress,
}

public sealed record StoredResponse(int StatusCode, string? ContentType, string? Location, byte[] Body);

public sealed record IdempotencyBegin(IdempotencyOutcome Outcome, StoredResponse? Response);

/// <summary>
/// Remembers the first answer to a write sent with an <c>Idempotency-Key</c>, per operator, so that a retried
/// create or confirm returns that answer instead of acting twice. A key is reserved (and given back) on its own; the answer
/// is written in the request's transaction, so that it commits with the request's effects or not at all. Stored answers
/// are sealed (a confirm's answer carries code halves).
/// </summary>
public interface IIdempotencyStore
{
    Task<IdempotencyBegin> BeginAsync(Guid operatorId, string key, string method, string path, string requestHash, CancellationToken cancellationToken);
    /// <summary>
    /// Writes the answer in the request's open transaction. False when the key no longer belongs to this request (another
    /// run of it took the key over after its lease and answered first): the caller must roll its work back.
    /// </summary>
    Task<bool> CompleteAsync(Guid operatorId, string key, string method, string path, string requestHash, StoredResponse response,
        CancellationToken cancellationToken);
    Task AbandonAsync(Guid operatorId, string key, CancellationToken cancellationToken);
}
