using Cms.Domain.Common;
using Cms.Domain.Administration;

namespace Cms.Application.Administration.Common;

public sealed record CounterDto(string Code, string Name, CounterType Type, string Region, bool Active)
{
    public static CounterDto From(Counter c) => new(c.Code, c.Name, c.Type, c.Region, c.Active);
}

/// <param name="LockedUntil">
/// Always null: there is no account lock any more, only the back-off per account and source address (decision 0031). Kept so
/// that v1 clients do not break; removed in v2.
/// </param>
public sealed record OperatorDto(
    Guid Id, string CodiceFiscale, string GivenName, string Surname, string? CounterCode,
    IReadOnlyList<string> Roles, bool EnabledForCms, DateTimeOffset PasswordChangedAt, DateTimeOffset? LockedUntil,
    DateTimeOffset? LastSignInAt)
{
    public static OperatorDto From(Operator o) => new(o.Id, o.CodiceFiscale, o.GivenName, o.Surname, o.CounterCode,
        o.Roles, o.EnabledForCms, o.PasswordChangedAt, null, o.LastSignInAt);
}

/// <summary>Rules for operator passwords: long enough and not trivially guessable.</summary>
public static class PasswordPolicy
{
    public const int MinLength = 12;
    public const int MaxLength = 128;

    public static string? Problem(string? password, string? codiceFiscale)
    {
        if (string.IsNullOrEmpty(password)) return "La password è obbligatoria.";
        if (password.Length < MinLength) return $"La password deve avere almeno {MinLength} caratteri.";
        if (password.Length > MaxLength) return $"La password può avere al massimo {MaxLength} caratteri.";
        var classes = (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0)
            + (password.Any(char.IsDigit) ? 1 : 0) + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        if (classes < 3) return "La password deve contenere almeno tre tra: minuscole, maiuscole, cifre, simboli.";
        if (!string.IsNullOrEmpty(codiceFiscale) && password.Contains(codiceFiscale, StringComparison.OrdinalIgnoreCase))
            return "La password non può contenere il codice fiscale.";
        return null;
    }
}

public static class CounterCodeFormat
{
    /// <summary>e.g. 090-201-EM001: region, health authority, counter.</summary>
    public const string Pattern = "^[0-9]{3}-[0-9]{3}-[A-Z0-9]{1,12}$";
}
