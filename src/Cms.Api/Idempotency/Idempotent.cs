namespace Cms.Api.Idempotency;

/// <summary>Whose keys an idempotent endpoint keeps apart.</summary>
public enum IdempotencyKeyOwner
{
    /// <summary>The signed-in operator's (or peer region's) id: the same key of two operators is two keys.</summary>
    Operator,

    /// <summary>
    /// The presented client certificate (its issuer and serial, by keyed digest): the citizen's own area, signed in by the card's
    /// certificate (decision 0047), never by an operator's token.
    /// </summary>
    Certificate,
}

/// <summary>
/// Endpoint metadata: a write that accepts an <c>Idempotency-Key</c> (<see cref="IdempotencyMiddleware"/>, decisions 0006, 0025 and 0050).
/// Declared on the endpoint with <see cref="IdempotencyEndpointExtensions.Idempotent{TBuilder}"/>; the middleware reads it from the
/// matched endpoint, not from the path. Every POST and PUT under /api/v1 declares it or is on the exempt list of
/// <c>IdempotencyDeclarationTests</c> with its reason.
/// </summary>
public sealed class IdempotentMetadata(IdempotencyKeyOwner owner)
{
    public IdempotencyKeyOwner Owner { get; } = owner;
}

public static class IdempotencyEndpointExtensions
{
    /// <summary>This write is answered once per <c>Idempotency-Key</c>: a retry with the same key gets the first answer again.</summary>
    public static TBuilder Idempotent<TBuilder>(this TBuilder builder, IdempotencyKeyOwner owner = IdempotencyKeyOwner.Operator)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IdempotentMetadata(owner));
}
