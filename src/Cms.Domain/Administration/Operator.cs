using Cms.Domain.Common;

namespace Cms.Domain.Administration;

/// <summary>A person who signs in to Cms: counter operator, security administrator, auditor, issuer.</summary>
public sealed class Operator
{
    private Operator() { }

    public Operator(Guid id, string codiceFiscale, string givenName, string surname, string? counterCode,
        IEnumerable<string> roles, bool enabledForCms, string passwordHash, DateTimeOffset passwordChangedAt)
    {
        Id = id;
        CodiceFiscale = codiceFiscale;
        GivenName = givenName;
        Surname = surname;
        CounterCode = counterCode;
        Roles = roles.Distinct().ToList();
        EnabledForCms = enabledForCms;
        PasswordHash = passwordHash;
        PasswordChangedAt = passwordChangedAt;
    }

    public Guid Id { get; private set; }
    /// <summary>The user name.</summary>
    public string CodiceFiscale { get; private set; } = null!;
    public string GivenName { get; private set; } = null!;
    public string Surname { get; private set; } = null!;
    public string? CounterCode { get; private set; }
    public List<string> Roles { get; private set; } = [];
    /// <summary>Set by a security administrator; only enabled operators get in [M 1].</summary>
    public bool EnabledForCms { get; private set; }
    public string PasswordHash { get; private set; } = null!;
    public DateTimeOffset PasswordChangedAt { get; private set; }
    public DateTimeOffset? LastSignInAt { get; private set; }
    public uint Version { get; private set; }

    public bool PasswordExpiredAt(DateTimeOffset now, TimeSpan maxAge) => now - PasswordChangedAt > maxAge;

    /// <summary>Wrong passwords are counted per account and source address (<see cref="SignInThrottle"/>), not on the account.</summary>
    public void RecordSignIn(DateTimeOffset now) => LastSignInAt = now;

    public void ChangePassword(string passwordHash, DateTimeOffset now)
    {
        PasswordHash = passwordHash;
        PasswordChangedAt = now;
    }

    public void Update(string givenName, string surname, string? counterCode, IEnumerable<string> roles, bool enabledForCms)
    {
        GivenName = givenName;
        Surname = surname;
        CounterCode = counterCode;
        Roles = roles.Distinct().ToList();
        EnabledForCms = enabledForCms;
    }

    public bool HasRole(string role) => Roles.Contains(role);
}
