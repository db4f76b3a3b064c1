using Cms.Domain.Identification.Contracts;

namespace Cms.Domain.Identification;

/// <summary>
/// The holder's state of birth (Stato di nascita) as the printed forms and the counter may state it (decision 0037).
/// The card feed may carry it (<c>holder.birthCountry</c>, the Italian name of the state, e.g. <c>ROMANIA</c>); without it, only the
/// codice fiscale says anything: its place code (characters 12–15) is a municipality's Belfiore code for people born in Italy and a
/// <c>Z…</c> code of the state for people born abroad.
/// </summary>
public static class StateOfBirth
{
    public const string Italy = "ITALIA";
    public const int MaxLength = 60;
    private const int PlaceCodeIndex = 11;

    /// <summary>
    /// The rule: the state the feed gave wins; without one, <c>ITALIA</c> when the codice fiscale's place code is an Italian
    /// municipality's (a letter other than <c>Z</c>); otherwise nothing — born abroad in a state nobody told us, so a form leaves it
    /// blank rather than state what it does not know.
    /// </summary>
    public static string? Stated(string? fed, string? codiceFiscale) =>
        fed ?? (PlaceCodeIsItalian(codiceFiscale) ? Italy : null);

    /// <summary>The codice fiscale's place code is an Italian municipality's: a letter other than <c>Z</c> at position 12.</summary>
    public static bool PlaceCodeIsItalian(string? codiceFiscale) =>
        codiceFiscale is { Length: CodiceFiscaleLength } && char.IsAsciiLetterUpper(codiceFiscale[PlaceCodeIndex]) && codiceFiscale[PlaceCodeIndex] != 'Z';

    /// <summary>The codice fiscale's place code is a foreign state's (<c>Z…</c>): the holder was born abroad.</summary>
    public static bool PlaceCodeIsForeign(string? codiceFiscale) =>
        codiceFiscale is { Length: CodiceFiscaleLength } && codiceFiscale[PlaceCodeIndex] == 'Z';

    private const int CodiceFiscaleLength = 16;

    /// <summary>What the registry stores of a fed name: trimmed, upper case, the typographic apostrophe made plain.</summary>
    public static string Normalise(string value) => value.Trim().Replace('’', '\'').ToUpperInvariant();

    /// <summary>
    /// Why a fed state of birth is not acceptable, or null when it is (null itself is: the state is optional). A name of 2 to
    /// <see cref="MaxLength"/> characters starting with a letter, of Latin letters (accented ones too), spaces, apostrophes, hyphens,
    /// full stops, commas and parentheses — the shapes of the Italian names of states (<c>STATI UNITI D'AMERICA</c>,
    /// <c>PERU'</c>, <c>GUINEA-BISSAU</c>, <c>BERMUDA (ISOLE)</c>).
    /// </summary>
    public static string? Problem(string? value)
    {
        if (value is null) return null;
        var name = Normalise(value);
        var ok = name.Length is >= 2 and <= MaxLength && IsLatinLetter(name[0]);
        for (var i = 0; ok && i < name.Length; i++)
        {
            var c = name[i];
            ok = IsLatinLetter(c) || c is ' ' or '\'' or '-' or '.' or ',' or '(' or ')';
        }
        return ok ? null
            : $"nome italiano dello Stato di nascita (es. ROMANIA), da 2 a {MaxLength} caratteri: lettere, spazi, apostrofi, trattini, punti, virgole e parentesi.";
    }

    // A-Z and the accented letters of the Latin-1 and Latin Extended-A blocks (À, È, Ç …); not ×, ÷ nor other scripts.
    private static bool IsLatinLetter(char c) => char.IsAsciiLetter(c) || (c is >= 'À' and <= 'ſ' && c != '×' && c != '÷' && char.IsLetter(c));
}
