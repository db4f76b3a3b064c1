using System.Text;
using Cms.ReaderSdk.Cns;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>What the chip of a demo card says, from the registry (for the emulated card in the virtual reader).</summary>
public static class DemoChip
{
    /// <summary>A demo card that is not active yet and whose holder is an adult.</summary>
    public const string Card = "80380000900000000001";

    /// <summary>The reader vpcd gives pcscd (see scripts/pcscd.sh).</summary>
    public const string Reader = "Virtual PCD 00 00";

    public static async Task<PersonalData> HolderAsync(this CmsFactory factory, string cardNumber = Card)
    {
        await using var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT h.codice_fiscale, h.surname, h.given_name, h.sex, h.birth_date, c.expiry_date
            FROM identification.cards c JOIN identification.holders h ON h.codice_fiscale = c.holder_codice_fiscale
            WHERE c.card_number = @n
            """, connection);
        command.Parameters.AddWithValue("n", cardNumber);
        await using var r = await command.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), "the demo card is not in the registry");
        var expiry = r.GetFieldValue<DateOnly>(5);
        // The chip has no accents: names as the card personaliser writes them.
        static string Chip(string name) => new(name.Normalize(NormalizationForm.FormD).Where(c => c < 0x80).ToArray());
        return new PersonalData("MINISTERO DELL'ECONOMIA E DELLE FINANZE", expiry.AddYears(-6), expiry, Chip(r.GetString(1)).ToUpperInvariant(),
            Chip(r.GetString(2)).ToUpperInvariant(), r.GetFieldValue<DateOnly>(4), r.GetString(3)[0], 175, r.GetString(0).Trim(), "100",
            null, null, null, null, null, null);
    }
}
