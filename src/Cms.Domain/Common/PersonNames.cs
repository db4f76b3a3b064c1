namespace Cms.Domain.Common;

/// <summary>Names as the registry, a chip and an operator write them may differ in case, accents, apostrophes and spaces.</summary>
public static class PersonNames
{
    /// <summary>Same name once case, accents, apostrophes and spaces are set aside (the chip has no accents).</summary>
    public static bool Same(string registry, string? other) => Key(registry) == Key(other ?? string.Empty);

    private static string Key(string name) =>
        new(name.Normalize(System.Text.NormalizationForm.FormD).Where(char.IsAsciiLetter).Select(char.ToUpperInvariant).ToArray());
}
