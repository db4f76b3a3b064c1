namespace Cms.Application.Common.Abstractions;

/// <summary>Who is calling: taken from the bearer token (or nobody, for sign-in).</summary>
public interface ICurrentUser
{
    bool IsAuthenticated { get; }
    Guid? OperatorId { get; }
    /// <summary>The server-side session the token belongs to.</summary>
    Guid? SessionId { get; }
    string? CodiceFiscale { get; }
    string? CounterCode { get; }
    string? Region { get; }
    /// <summary>The type of the operator's counter (ASL, PHARMACY, …), when they have one.</summary>
    Cms.Domain.Common.CounterType? CounterType { get; }
    IReadOnlyCollection<string> Roles { get; }
    bool IsInRole(string role);
    /// <summary>
    /// The address the request came from: the connection's, or the end client's as the web UI passes it when the request comes
    /// from a configured UI host (decision 0031). Null when unknown (the command line).
    /// </summary>
    string? ClientAddress { get; }
    /// <summary>How the session signed in (<c>pwd</c>, <c>cert</c>): the level of assurance a peer region is told (decision 0059).</summary>
    string? AuthenticationMethod => null;
}
