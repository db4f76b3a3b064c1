using Cms.Domain.Common;

namespace Cms.Unit.Tests;

public class CodiceFiscaleTests
{
    private const string Digitless = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static readonly int[] NumericPositions = [6, 7, 9, 10, 12, 13, 14];

    [Theory]
    [InlineData("Rossi", "Mario", 1980, 1, 1, 'M', "H501", "RSSMRA80A01H501U")]
    [InlineData("Bianchi", "Mario", 1975, 3, 12, 'M', "D612", "BNCMRA75C12D612R")]
    public void Computes_the_published_codes(string surname, string name, int y, int m, int d, char sex, string place, string expected)
    {
        Assert.Equal(expected, CodiceFiscale.Compute(surname, name, new DateOnly(y, m, d), sex, place));
        Assert.True(CodiceFiscale.IsValid(expected));
    }

    [Theory]
    [InlineData("Re", "Li", "REX", "LIX")]          // short names are padded with X
    [InlineData("De Luca", "Gianfranco", "DLC", "GFR")] // four or more consonants: 1st, 3rd, 4th
    [InlineData("Fò", "Niccolò", "FOX", "NCL")]     // accents are dropped
    public void Builds_name_parts_by_the_rules(string surname, string name, string surnamePart, string namePart)
    {
        var cf = CodiceFiscale.Compute(surname, name, new DateOnly(1990, 5, 5), 'M', "D612");
        Assert.Equal(surnamePart + namePart, cf[..6]);
    }

    [Fact]
    public void Women_have_forty_added_to_the_day_and_months_use_their_letters()
    {
        var cf = CodiceFiscale.Compute("Verdi", "Anna", new DateOnly(2001, 12, 31), 'F', "G702");
        Assert.Equal("01T71", cf.Substring(6, 5));
        Assert.Equal('F', CodiceFiscale.Sex(cf));
        Assert.True(CodiceFiscale.TryBirthDate(cf, new DateOnly(2026, 1, 1), out var birth));
        Assert.Equal(new DateOnly(2001, 12, 31), birth);
    }

    public static IEnumerable<object[]> ManyPeople()
    {
        var random = new Random(7);
        string[] places = ["H501", "D612", "F205", "B354", "Z404", "A390"];
        for (var i = 0; i < 300; i++)
        {
            var surname = RandomWord(random);
            var name = RandomWord(random);
            var birth = new DateOnly(1930, 1, 1).AddDays(random.Next(0, 35000)); // the century is not encoded: within the last 100 years
            yield return [surname, name, birth, random.Next(2) == 0 ? 'M' : 'F', places[random.Next(places.Length)]];
        }
    }

    private static string RandomWord(Random random)
    {
        var length = random.Next(2, 12);
        return new string(Enumerable.Range(0, length).Select(_ => Digitless[random.Next(26)]).ToArray());
    }

    [Theory]
    [MemberData(nameof(ManyPeople))]
    public void Every_generated_code_and_each_of_its_omocodie_is_valid_and_decodes(string surname, string name, DateOnly birth, char sex, string place)
    {
        for (var level = 0; level <= 7; level++)
        {
            var cf = CodiceFiscale.Compute(surname, name, birth, sex, place, level);
            Assert.True(CodiceFiscale.IsValid(cf), $"{cf} (omocodia level {level}) should be valid: {CodiceFiscale.Problem(cf)}");
            Assert.Equal(sex, CodiceFiscale.Sex(cf));
            Assert.True(CodiceFiscale.TryBirthDate(cf, new DateOnly(2026, 11, 25), out var decoded));
            Assert.Equal(birth, decoded);
            Assert.Equal(CodiceFiscale.Compute(surname, name, birth, sex, place), CodiceFiscale.RemoveOmocodia(cf)[..15] + CodiceFiscale.CheckCharacter(CodiceFiscale.RemoveOmocodia(cf)));
        }
    }

    [Theory]
    [MemberData(nameof(ManyPeople))]
    public void Any_single_character_change_is_detected(string surname, string name, DateOnly birth, char sex, string place)
    {
        var cf = CodiceFiscale.Compute(surname, name, birth, sex, place, birth.Day % 3);
        for (var position = 0; position < 16; position++)
        {
            foreach (var replacement in Alphabet(position))
            {
                if (replacement == cf[position]) continue;
                var mutated = cf[..position] + replacement + cf[(position + 1)..];
                Assert.False(CodiceFiscale.IsValid(mutated), $"{mutated} (from {cf}) should be refused");
            }
        }
    }

    private static IEnumerable<char> Alphabet(int position) =>
        Array.IndexOf(NumericPositions, position) >= 0 ? "0123456789LMNPQRSTUV" : Digitless;

    [Theory]
    [InlineData(null, "obbligatorio")]
    [InlineData("", "obbligatorio")]
    [InlineData("RSSMRA80A01H501", "16 caratteri")]
    [InlineData("rssmra80a01h501u", "lettera maiuscola")]
    [InlineData("RSSMRA80Z01H501U", "mese")]        // Z is no month letter
    [InlineData("RSSMRA80A32H501U", "giorno")]      // day 32
    [InlineData("RSSMRA80A00H501U", "giorno")]      // day 0
    [InlineData("RSSMRA80B30H501U", "non esiste")]  // 30 February
    [InlineData("RSSMRA80A01H501A", "controllo")]
    [InlineData("RSSMRAX0A01H501U", "cifra")]
    public void Explains_why_a_code_is_refused(string? value, string expected)
    {
        var problem = CodiceFiscale.Problem(value);
        Assert.NotNull(problem);
        Assert.Contains(expected, problem, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_code_born_on_29_february_of_a_leap_year_is_valid()
    {
        var cf = CodiceFiscale.Compute("Rossi", "Maria", new DateOnly(2000, 2, 29), 'F', "H501");
        Assert.True(CodiceFiscale.IsValid(cf));
    }

    [Theory]
    [InlineData(" rssmra80a01h501u ", "RSSMRA80A01H501U")]
    [InlineData("RSSMRA80A01H501U", "RSSMRA80A01H501U")]
    [InlineData("Pw-Nel-Campo-CF7", CodiceFiscale.NotValidMarker)]   // a password typed into the wrong field
    [InlineData("RSSMRA80A01H501A", CodiceFiscale.NotValidMarker)]   // wrong check character: could be anything
    [InlineData("", CodiceFiscale.NotValidMarker)]
    [InlineData(null, CodiceFiscale.NotValidMarker)]
    public void The_trail_keeps_a_typed_code_only_when_it_is_valid(string? typed, string expected) =>
        Assert.Equal(expected, CodiceFiscale.ForTrail(typed));
}
