using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Cms.Domain.Common;

/// <summary>
/// The Italian tax code of a natural person (16 characters), with its check character and the
/// omocodia substitutions (digits replaced by letters when two people would share a code).
/// </summary>
public static class CodiceFiscale
{
    public const int Length = 16;
    private const string MonthLetters = "ABCDEHLMPRST";
    private const string OmocodiaLetters = "LMNPQRSTUV";
    private static readonly int[] NumericPositions = [6, 7, 9, 10, 12, 13, 14];
    private static readonly int[] OddValues =
    [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
    ];

    /// <summary>Why a code is not valid, or null when it is.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "Il codice fiscale è obbligatorio.";
        if (value.Length != Length) return "Il codice fiscale deve avere 16 caratteri.";
        for (var i = 0; i < Length; i++)
        {
            var c = value[i];
            var expectsDigit = Array.IndexOf(NumericPositions, i) >= 0;
            if (i is < 6 or 8 or 11 or 15)
            {
                if (c is < 'A' or > 'Z') return $"Il carattere {i + 1} del codice fiscale deve essere una lettera maiuscola.";
            }
            else if (expectsDigit && !char.IsAsciiDigit(c) && !OmocodiaLetters.Contains(c))
            {
                return $"Il carattere {i + 1} del codice fiscale deve essere una cifra.";
            }
        }
        if (!MonthLetters.Contains(value[8])) return "Il mese di nascita del codice fiscale non è valido.";
        var normalised = RemoveOmocodia(value);
        var day = int.Parse(normalised.AsSpan(9, 2), CultureInfo.InvariantCulture);
        if (day is < 1 or > 31 and < 41 or > 71) return "Il giorno di nascita del codice fiscale non è valido.";
        if (!TryBirthDate(normalised, DateOnly.FromDateTime(DateTime.UtcNow), out _))
            return "La data di nascita del codice fiscale non esiste.";
        if (CheckCharacter(value.AsSpan(0, 15)) != value[15]) return "Il carattere di controllo del codice fiscale non è corretto.";
        return null;
    }

    public static bool IsValid([NotNullWhen(true)] string? value) => Problem(value) is null;

    /// <summary>Upper-cases and trims what a person typed; validity is checked separately.</summary>
    public static string Normalise(string? value) => (value ?? string.Empty).Trim().ToUpperInvariant();

    /// <summary>What the operations trail may keep of a code typed at sign-in.</summary>
    public const string NotValidMarker = "(non valido)";

    /// <summary>
    /// What a trail keeps of a code someone typed: the code when it is a valid one, otherwise <see cref="NotValidMarker"/> —
    /// a password typed into the codice fiscale field must never reach the trail.
    /// </summary>
    public static string ForTrail(string? typed)
    {
        var normalised = Normalise(typed);
        return IsValid(normalised) ? normalised : NotValidMarker;
    }

    public static char CheckCharacter(ReadOnlySpan<char> first15)
    {
        var sum = 0;
        for (var i = 0; i < 15; i++)
        {
            var c = first15[i];
            var index = char.IsAsciiDigit(c) ? c - '0' : c - 'A';
            sum += i % 2 == 0 ? OddValues[index] : index;
        }
        return (char)('A' + sum % 26);
    }

    /// <summary>Replaces omocodia letters in the numeric positions with their digits.</summary>
    public static string RemoveOmocodia(string value)
    {
        var chars = value.ToCharArray();
        foreach (var p in NumericPositions)
        {
            var i = OmocodiaLetters.IndexOf(chars[p]);
            if (i >= 0) chars[p] = (char)('0' + i);
        }
        return new string(chars);
    }

    /// <summary>Sex encoded in the code: 'F' when the day is over 40, else 'M'.</summary>
    public static char Sex(string value) =>
        int.Parse(RemoveOmocodia(value).AsSpan(9, 2), CultureInfo.InvariantCulture) > 40 ? 'F' : 'M';

    /// <summary>
    /// The birth date encoded in the code. The century is not encoded: the latest date not after
    /// <paramref name="today"/> is taken.
    /// </summary>
    public static bool TryBirthDate(string value, DateOnly today, out DateOnly birthDate)
    {
        birthDate = default;
        var n = RemoveOmocodia(value);
        if (!int.TryParse(n.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var yy)) return false;
        var month = MonthLetters.IndexOf(n[8]) + 1;
        if (month == 0) return false;
        if (!int.TryParse(n.AsSpan(9, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var day)) return false;
        if (day > 40) day -= 40;
        var year = today.Year / 100 * 100 + yy;
        if (year > today.Year) year -= 100;
        if (day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            // 29 February of a year of the previous century may exist where this century's does not.
            year -= 100;
            if (day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        }
        birthDate = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>Builds the code of a person, as the Agenzia delle Entrate computes it.</summary>
    public static string Compute(string surname, string givenName, DateOnly birthDate, char sex, string belfioreCode, int omocodiaLevel = 0)
    {
        var sb = new StringBuilder(16);
        sb.Append(SurnamePart(surname));
        sb.Append(GivenNamePart(givenName));
        sb.Append((birthDate.Year % 100).ToString("00", CultureInfo.InvariantCulture));
        sb.Append(MonthLetters[birthDate.Month - 1]);
        sb.Append((birthDate.Day + (char.ToUpperInvariant(sex) == 'F' ? 40 : 0)).ToString("00", CultureInfo.InvariantCulture));
        sb.Append(belfioreCode.ToUpperInvariant());
        for (var level = 0; level < omocodiaLevel && level < NumericPositions.Length; level++)
        {
            // Omocodia replaces digits starting from the rightmost numeric position.
            var p = NumericPositions[^(level + 1)];
            sb[p] = OmocodiaLetters[sb[p] - '0'];
        }
        var first15 = sb.ToString();
        return first15 + CheckCharacter(first15);
    }

    private static string SurnamePart(string surname)
    {
        var (consonants, vowels) = Split(surname);
        return (consonants + vowels + "XXX")[..3];
    }

    private static string GivenNamePart(string givenName)
    {
        var (consonants, vowels) = Split(givenName);
        if (consonants.Length >= 4) return $"{consonants[0]}{consonants[2]}{consonants[3]}";
        return (consonants + vowels + "XXX")[..3];
    }

    private static (string Consonants, string Vowels) Split(string text)
    {
        var consonants = new StringBuilder();
        var vowels = new StringBuilder();
        foreach (var raw in text.Normalize(NormalizationForm.FormD))
        {
            var c = char.ToUpperInvariant(raw);
            if (c is < 'A' or > 'Z') continue;
            if ("AEIOU".Contains(c)) vowels.Append(c); else consonants.Append(c);
        }
        return (consonants.ToString(), vowels.ToString());
    }
}
