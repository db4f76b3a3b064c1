using Cms.Application.Identification.ImportCardFeed;
using Cms.Domain.Common;
using Npgsql;

namespace Cms.Bench;

/// <summary>
/// The card feed's rows as CSV for PostgreSQL's own COPY, as Cms stores them (codes sealed): the reference beside which the card-feed
/// benchmarks (card-feed, cards-at-scale) time Cms's importer.
/// </summary>
public static class FeedCsv
{
    public const string CopyHolders = "COPY identification.holders (codice_fiscale, surname, given_name, sex, birth_date, birth_place, birth_province, citizenship, residence_address, residence_postcode, residence_municipality, residence_province, household_id, entitled) FROM STDIN (FORMAT csv)";
    public const string CopyCards = "COPY identification.cards (card_number, holder_codice_fiscale, expiry_date, issuer_region, state, codes_key_id, codes_ciphertext, loaded_at) FROM STDIN (FORMAT csv)";

    /// <summary>A holder's row for <see cref="CopyHolders"/>.</summary>
    public static string HolderRow(CardFeedHolder h) => string.Join(',', Field(h.CodiceFiscale), Field(h.Surname), Field(h.GivenName), Field(h.Sex),
        Field(h.BirthDate), Field(h.BirthPlace), Field(h.BirthProvince), Field(h.Citizenship), Field(h.Residence?.Address), Field(h.Residence?.Postcode),
        Field(h.Residence?.Municipality), Field(h.Residence?.Province), Field(h.HouseholdId), h.Entitled == false ? "f" : "t");

    /// <summary>A card's row for <see cref="CopyCards"/>, its codes sealed as the importer seals them.</summary>
    public static string CardRow(CardFeedLine line, EncryptedCodes sealedCodes) => string.Join(',', line.CardNumber, line.Holder!.CodiceFiscale,
        line.ExpiryDate, line.IssuerRegion, "NOT_ACTIVE", sealedCodes.KeyId, "\\x" + Convert.ToHexString(sealedCodes.Ciphertext), "2026-11-25T00:00:00Z");

    /// <summary>A CSV field: quoted, or empty for null.</summary>
    public static string Field(string? value) => value is null ? "" : "\"" + value.Replace("\"", "\"\"") + "\"";

    /// <summary>Sends <paramref name="file"/> to a <c>COPY … FROM STDIN</c> on <paramref name="connection"/>.</summary>
    public static async Task CopyFileAsync(NpgsqlConnection connection, string copy, string file)
    {
        await using var writer = await connection.BeginTextImportAsync(copy);
        using var reader = new StreamReader(file);
        var buffer = new char[1 << 16];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0) await writer.WriteAsync(buffer.AsMemory(0, read));
    }
}
