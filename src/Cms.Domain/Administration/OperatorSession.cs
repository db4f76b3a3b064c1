using Cms.Domain.Common;

namespace Cms.Domain.Administration;

/// <summary>
/// One sign-in of an operator, held by the server and checked on every request: it ends at sign-out, when the operator
/// ends it from another device, when a security administrator changes what the token says (roles, counter, enabled
/// for the CMS), when the password changes, after the idle timeout and at the absolute one [ASVS V3].
/// </summary>
public sealed class OperatorSession
{
    private OperatorSession() { }

    public OperatorSession(Guid id, Guid operatorId, string method, string? clientAddress, DateTimeOffset now, TimeSpan absoluteTimeout)
    {
        Id = id;
        OperatorId = operatorId;
        Method = method;
        ClientAddress = clientAddress is { Length: > 64 } ? clientAddress[..64] : clientAddress;
        StartedAt = now;
        LastSeenAt = now;
        ExpiresAt = now + absoluteTimeout;
    }

    public Guid Id { get; private set; }
    public Guid OperatorId { get; private set; }
    /// <summary>How the operator signed in: <c>pwd</c> or <c>smartcard</c>.</summary>
    public string Method { get; private set; } = null!;
    /// <summary>The address the sign-in came from, so that the operator recognises their sessions.</summary>
    public string? ClientAddress { get; private set; }
    public DateTimeOffset StartedAt { get; private set; }
    /// <summary>The last request seen, to the minute (the idle timeout counts from it).</summary>
    public DateTimeOffset LastSeenAt { get; private set; }
    /// <summary>The absolute end, whatever the activity.</summary>
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public SessionEndReason? EndReason { get; private set; }

    public bool IsLiveAt(DateTimeOffset now, TimeSpan idleTimeout) =>
        EndedAt is null && ExpiresAt > now && LastSeenAt + idleTimeout > now;

    /// <summary>Ends the session once; a session already ended keeps its first reason.</summary>
    public void End(SessionEndReason reason, DateTimeOffset now)
    {
        if (EndedAt is not null) return;
        EndedAt = now;
        EndReason = reason;
    }
}

/// <summary>Why a session ended before its timeouts.</summary>
public enum SessionEndReason
{
    /// <summary>The operator signed out of this session.</summary>
    SignedOut,
    /// <summary>The operator ended it from another of their sessions.</summary>
    EndedByOperator,
    PasswordChanged,
    /// <summary>A security administrator disabled the operator for the CMS.</summary>
    Disabled,
    RolesChanged,
    CounterChanged,
    /// <summary>The operator's counter was deactivated or changed type or region.</summary>
    CounterUpdated,
}
