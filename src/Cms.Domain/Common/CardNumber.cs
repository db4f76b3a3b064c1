using System.Diagnostics.CodeAnalysis;

namespace Cms.Domain.Common;

/// <summary>
/// The TEAM identification number of a TS-CNS card: 20 digits starting with <c>80380</c>. Its first ten
/// digits name the issuer; digits 8–10 are the region code (e.g. 090 Toscana). No public check digit is
/// known, so only the format is checked.
/// </summary>
public static class CardNumber
{
    public const int Length = 20;
    public const string Prefix = "80380";
    /// <summary>The fixed part printed on the card before the variable digits.</summary>
    public const string DisplayPrefix = "8038000";

    public static string? Problem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "Il numero di tessera è obbligatorio.";
        if (value.Length != Length || !value.All(char.IsAsciiDigit)) return "Il numero di tessera deve avere 20 cifre.";
        if (!value.StartsWith(Prefix, StringComparison.Ordinal)) return "Il numero di tessera deve iniziare con 80380.";
        return null;
    }

    public static bool IsValid([NotNullWhen(true)] string? value) => Problem(value) is null;

    /// <summary>Removes spaces and dashes that people type between digit groups.</summary>
    public static string Normalise(string? value) =>
        new((value ?? string.Empty).Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());

    /// <summary>The region code inside the issuer part (digits 8–10).</summary>
    public static string RegionCode(string cardNumber) => cardNumber.Substring(7, 3);

    public static string Last5(string cardNumber) => cardNumber[^5..];
}
