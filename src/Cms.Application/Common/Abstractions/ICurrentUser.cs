namespace Cms.Application.Common.Abstractions;

/// <summary>Who is calling: taken from the bearer token (or nobody, for sign-in).</summary>
public interface ICurrentUser
{
    bool IsAuthenticated { get; }
    Guid? OperatorId { get; }
    /// <summary>The server-side session the token belongs to.</summary>
    Guid? SessionId { get; }
    /// <summary>The address of the person calling (for the sessions list and sign-in throttling), when known.</summary>
    string? ClientAddress { get; }
    string? CodiceFiscale { get; }
    string? CounterCode { get; }
    string? Region { get; }
    /// <summary>The type of the operator's counter (ASL, PHARMACY, …), when they have one.</summary>
    Cms.Domain.Administration.CounterType? CounterType { get; }
    IReadOnlyCollection<string> Roles { get; }
    bool IsInRole(string role);
}
