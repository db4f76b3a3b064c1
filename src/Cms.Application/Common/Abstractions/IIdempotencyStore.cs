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
/// <summary>
/// The request's keyed fingerprints (<see cref="IKeyedDigest.ComputeAll"/>), the active key's first: a body may carry a CIP or a
/// password, so no plain hash of it is ever stored.
/// </summary>
public sealed record RequestFingerprint(IReadOnlyList<string> Digests)
{
    public string Current => Digests[0];
    public bool Matches(string stored) => Digests.Contains(stored, StringComparer.Ordinal);
}

public interface IIdempotencyStore
{
    Task<IdempotencyBegin> BeginAsync(Guid operatorId, string key, string method, string path, RequestFingerprint request, CancellationToken cancellationToken);
    /// <summary>
    /// Writes the answer in the request's open transaction. False when the key no longer belongs to this request (another
    /// run of it took the key over after its lease and answered first): the caller must roll its work back.
    /// </summary>
    Task<bool> CompleteAsync(Guid operatorId, string key, string method, string path, RequestFingerprint request, StoredResponse response,
        CancellationToken cancellationToken);
    Task AbandonAsync(Guid operatorId, string key, CancellationToken cancellationToken);
}
