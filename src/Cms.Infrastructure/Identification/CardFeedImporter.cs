using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Identification.ImportCardFeed;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Cms.Infrastructure.Identification;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(CardFeedLine))]
internal sealed partial class CardFeedJsonContext : JsonSerializerContext;

/// <summary>
/// Loads the card feed with PostgreSQL's binary COPY: lines are parsed, checked and their codes sealed on
/// one thread while the previous batch is copied into session-local staging tables and merged into the
/// registry on another. Each batch commits on its own; since the merge is idempotent by card number
/// (and by codice fiscale for holders), a feed cut short is completed by sending it again.
/// </summary>
public sealed class CardFeedImporter(NpgsqlDataSource dataSource, ICodeCipher cipher, IOptions<CmsOptions> options) : ICardFeedImporter
{
    public int BatchSize { get; init; } = 20_000;

    private sealed record Row(long Line, ValidCardFeedLine Valid, Cms.Domain.Identification.EncryptedCodes Codes);

    public async Task<CardFeedResult> ImportNdjsonAsync(Stream content, int maxReportedRejections, CancellationToken cancellationToken)
    {
        var validator = new CardFeedLineValidator(options.Value);
        var channel = Channel.CreateBounded<List<Row>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var rejected = new List<RejectedFeedLine>();
        long rejectedCount = 0, accepted = 0;

        var writer = Task.Run(() => WriteBatchesAsync(channel.Reader, cancellationToken), cancellationToken);
        try
        {
            using var reader = new StreamReader(content, leaveOpen: true);
            var batch = new List<Row>(BatchSize);
            var errors = new List<string>();
            long lineNumber = 0;
            while (await reader.ReadLineAsync(cancellationToken) is { } text)
            {
                lineNumber++;
                if (string.IsNullOrWhiteSpace(text)) continue;
                errors.Clear();
                CardFeedLine? line = null;
                try
                {
                    line = JsonSerializer.Deserialize(text, CardFeedJsonContext.Default.CardFeedLine);
                }
                catch (JsonException)
                {
                    errors.Add("La riga non è un oggetto JSON valido.");
                }
                var valid = line is null ? null : validator.Validate(line, errors);
                if (valid is null)
                {
                    if (errors.Count == 0) errors.Add("La riga non è un oggetto JSON valido.");
                    rejectedCount++;
                    if (rejected.Count < maxReportedRejections) rejected.Add(new RejectedFeedLine(lineNumber, errors.ToList()));
                    continue;
                }
                var codes = valid.Line.Codes!;
                var sealedCodes = cipher.Seal(valid.Line.CardNumber!, new CardCodes(codes.Pin!, codes.Puk!, codes.Cip!));
                batch.Add(new Row(lineNumber, valid, sealedCodes));
                accepted++;
                if (batch.Count == BatchSize)
                {
                    await channel.Writer.WriteAsync(batch, cancellationToken);
                    batch = new List<Row>(BatchSize);
                }
            }
            if (batch.Count > 0) await channel.Writer.WriteAsync(batch, cancellationToken);
            channel.Writer.Complete();
        }
        catch (Exception ex)
        {
            channel.Writer.TryComplete(ex);
            try { await writer; } catch { /* the reader's failure is the one reported */ }
            throw;
        }
        var created = await writer;
        return new CardFeedResult(accepted, rejected, created, accepted - created, rejectedCount);
    }

    private async Task<long> WriteBatchesAsync(ChannelReader<List<Row>> batches, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(StagingSql, connection)) await create.ExecuteNonQueryAsync(cancellationToken);
        long created = 0;
        await foreach (var batch in batches.ReadAllAsync(cancellationToken))
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            await using (var truncate = new NpgsqlCommand("TRUNCATE feed_holders, feed_cards", connection, tx))
                await truncate.ExecuteNonQueryAsync(cancellationToken);
            await CopyAsync(connection, batch, cancellationToken);
            await using (var merge = new NpgsqlCommand(MergeHoldersSql, connection, tx)) await merge.ExecuteNonQueryAsync(cancellationToken);
            await using (var merge = new NpgsqlCommand(MergeCardsSql, connection, tx)) created += await merge.ExecuteNonQueryAsync(cancellationToken);
            await using (var merge = new NpgsqlCommand(MergeCertificatesSql, connection, tx)) await merge.ExecuteNonQueryAsync(cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
        return created;
    }

    private static async Task CopyAsync(NpgsqlConnection connection, List<Row> batch, CancellationToken cancellationToken)
    {
        await using (var holders = await connection.BeginBinaryImportAsync(
            "COPY feed_holders (line, codice_fiscale, surname, given_name, sex, birth_date, birth_place, birth_province, citizenship, " +
            "residence_address, residence_postcode, residence_municipality, residence_province, household_id, entitled, health_authority, birth_country) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            foreach (var row in batch)
            {
                var h = row.Valid.Line.Holder!;
                var r = h.Residence;
                holders.StartRow();
                holders.Write(row.Line, NpgsqlDbType.Bigint);
                holders.Write(h.CodiceFiscale!, NpgsqlDbType.Text);
                holders.Write(h.Surname!.Trim(), NpgsqlDbType.Text);
                holders.Write(h.GivenName!.Trim(), NpgsqlDbType.Text);
                holders.Write(row.Valid.Sex.ToString(), NpgsqlDbType.Text);
                holders.Write(row.Valid.BirthDate, NpgsqlDbType.Date);
                holders.Write(h.BirthPlace!.Trim(), NpgsqlDbType.Text);
                WriteNullable(holders, h.BirthProvince);
                WriteNullable(holders, h.Citizenship);
                WriteNullable(holders, r?.Address);
                WriteNullable(holders, r?.Postcode);
                WriteNullable(holders, r?.Municipality);
                WriteNullable(holders, r?.Province);
                WriteNullable(holders, h.HouseholdId);
                holders.Write(h.Entitled ?? true, NpgsqlDbType.Boolean);
                WriteNullable(holders, h.HealthAuthority);
                WriteNullable(holders, row.Valid.BirthCountry);
            }
            await holders.CompleteAsync(cancellationToken);
        }
        await using (var cards = await connection.BeginBinaryImportAsync(
            "COPY feed_cards (line, card_number, holder_codice_fiscale, expiry_date, issuer_region, codes_key_id, codes_ciphertext, " +
            "certificate_serial, certificate_issuer) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            foreach (var row in batch)
            {
                var l = row.Valid.Line;
                cards.StartRow();
                cards.Write(row.Line, NpgsqlDbType.Bigint);
                cards.Write(l.CardNumber!, NpgsqlDbType.Text);
                cards.Write(l.Holder!.CodiceFiscale!, NpgsqlDbType.Text);
                cards.Write(row.Valid.ExpiryDate, NpgsqlDbType.Date);
                cards.Write(l.IssuerRegion!, NpgsqlDbType.Text);
                cards.Write(row.Codes.KeyId, NpgsqlDbType.Text);
                cards.Write(row.Codes.Ciphertext, NpgsqlDbType.Bytea);
                WriteNullable(cards, row.Valid.CertificateSerial);
                WriteNullable(cards, row.Valid.CertificateIssuer);
            }
            await cards.CompleteAsync(cancellationToken);
        }
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null) importer.WriteNull();
        else importer.Write(value, NpgsqlDbType.Text);
    }

    private const string StagingSql = """
        CREATE TEMP TABLE IF NOT EXISTS feed_holders (
            line bigint, codice_fiscale text, surname text, given_name text, sex text, birth_date date, birth_place text,
            birth_province text, citizenship text, residence_address text, residence_postcode text, residence_municipality text,
            residence_province text, household_id text, entitled boolean, health_authority text, birth_country text);
        CREATE TEMP TABLE IF NOT EXISTS feed_cards (
            line bigint, card_number text, holder_codice_fiscale text, expiry_date date, issuer_region text,
            codes_key_id text, codes_ciphertext bytea, certificate_serial text, certificate_issuer text);
        """;

    // The last line of a holder wins (newer feeds carry newer personal data); an unchanged row is not rewritten.
    private const string MergeHoldersSql = """
        INSERT INTO identification.holders AS h (codice_fiscale, surname, given_name, sex, birth_date, birth_place, birth_province,
            citizenship, residence_address, residence_postcode, residence_municipality, residence_province, household_id, entitled,
            health_authority, birth_country)
        SELECT DISTINCT ON (codice_fiscale) codice_fiscale, surname, given_name, sex, birth_date, birth_place, birth_province,
            citizenship, residence_address, residence_postcode, residence_municipality, residence_province, household_id, entitled,
            health_authority, birth_country
        FROM feed_holders ORDER BY codice_fiscale, line DESC
        ON CONFLICT (codice_fiscale) DO UPDATE SET surname = EXCLUDED.surname, given_name = EXCLUDED.given_name, sex = EXCLUDED.sex,
            birth_date = EXCLUDED.birth_date, birth_place = EXCLUDED.birth_place, birth_province = EXCLUDED.birth_province,
            citizenship = EXCLUDED.citizenship, residence_address = EXCLUDED.residence_address,
            residence_postcode = EXCLUDED.residence_postcode, residence_municipality = EXCLUDED.residence_municipality,
            residence_province = EXCLUDED.residence_province, household_id = EXCLUDED.household_id, entitled = EXCLUDED.entitled,
            health_authority = EXCLUDED.health_authority, birth_country = EXCLUDED.birth_country
        WHERE (h.surname, h.given_name, h.sex, h.birth_date, h.birth_place, h.birth_province, h.citizenship, h.residence_address,
               h.residence_postcode, h.residence_municipality, h.residence_province, h.household_id, h.entitled, h.health_authority,
               h.birth_country)
          IS DISTINCT FROM (EXCLUDED.surname, EXCLUDED.given_name, EXCLUDED.sex, EXCLUDED.birth_date, EXCLUDED.birth_place,
               EXCLUDED.birth_province, EXCLUDED.citizenship, EXCLUDED.residence_address, EXCLUDED.residence_postcode,
               EXCLUDED.residence_municipality, EXCLUDED.residence_province, EXCLUDED.household_id, EXCLUDED.entitled,
               EXCLUDED.health_authority, EXCLUDED.birth_country)
        """;

    // A card already in the registry is left as it is: its state and codes belong to Cms from then on.
    private const string MergeCardsSql = """
        INSERT INTO identification.cards (card_number, holder_codice_fiscale, expiry_date, issuer_region, state, codes_key_id, codes_ciphertext, loaded_at,
            certificate_serial, certificate_issuer)
        SELECT DISTINCT ON (card_number) card_number, holder_codice_fiscale, expiry_date, issuer_region, 'NOT_ACTIVE', codes_key_id, codes_ciphertext, now(),
            certificate_serial, certificate_issuer
        FROM feed_cards ORDER BY card_number, line
        ON CONFLICT (card_number) DO NOTHING
        """;

    // The card's certificate is the issuer's to say (a card may get a new one): the last line that names one wins, for cards
    // already in the registry too. A line without certificate data leaves the stored one as it is (decision 0032).
    private const string MergeCertificatesSql = """
        UPDATE identification.cards AS c SET certificate_serial = f.certificate_serial, certificate_issuer = f.certificate_issuer
        FROM (SELECT DISTINCT ON (card_number) card_number, certificate_serial, certificate_issuer
              FROM feed_cards WHERE certificate_serial IS NOT NULL ORDER BY card_number, line DESC) AS f
        WHERE c.card_number = f.card_number
          AND (c.certificate_serial, c.certificate_issuer) IS DISTINCT FROM (f.certificate_serial, f.certificate_issuer)
        """;
}
