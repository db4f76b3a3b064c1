using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Infrastructure.Persistence;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Cms.Infrastructure.Identification;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(CardFeedLine))]
[JsonSerializable(typeof(CardMigrationLine))]
internal sealed partial class CardFeedJsonContext : JsonSerializerContext;

/// <summary>
/// Loads the card feed with PostgreSQL's binary COPY: lines are parsed, checked and their codes sealed on
/// one thread while the previous batch is copied into session-local staging tables and merged into the
/// registry on another. Each batch commits on its own; since the merge is idempotent by card number
/// (and by codice fiscale for holders), a feed cut short is completed by sending it again.
/// A migration import (decision 0039) goes the same way, with the card's state and activation in the card's staging row and its
/// consents, reader deliveries and past operations in staging tables of their own, each keyed by an id derived from its content so
/// that a re-run adds nothing twice.
/// </summary>
public sealed class CardFeedImporter(NpgsqlDataSource dataSource, ICodeCipher cipher, IOptions<CmsOptions> options, TimeProvider? clock = null)
    : ICardFeedImporter
{
    public int BatchSize { get; init; } = 20_000;

    private sealed record Row(long Line, ValidCardFeedLine Valid, Cms.Domain.Common.EncryptedCodes? Codes, ValidCardMigration? Migration = null);

    public Task<CardFeedResult> ImportNdjsonAsync(Stream content, int maxReportedRejections, CancellationToken cancellationToken) =>
        ImportNdjsonAsync(content, maxReportedRejections, migration: false, cancellationToken);

    public async Task<CardFeedResult> ImportNdjsonAsync(Stream content, int maxReportedRejections, bool migration, CancellationToken cancellationToken)
    {
        var validator = new CardFeedLineValidator(options.Value);
        var migrationValidator = new CardMigrationLineValidator(options.Value, clock ?? TimeProvider.System);
        var channel = Channel.CreateBounded<List<Row>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var rejected = new List<RejectedFeedLine>();
        long rejectedCount = 0, accepted = 0;

        var writer = Task.Run(() => WriteBatchesAsync(channel.Reader, migration, cancellationToken), cancellationToken);
        // A writer that fails (a statement refused or timed out) no longer reads the channel: the reader must stop waiting on it.
        using var writerFailed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _ = writer.ContinueWith(_ =>
        {
            try { writerFailed.Cancel(); } catch (ObjectDisposedException) { /* the import already ended */ }
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
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
                    line = migration
                        ? JsonSerializer.Deserialize(text, CardFeedJsonContext.Default.CardMigrationLine)
                        : JsonSerializer.Deserialize(text, CardFeedJsonContext.Default.CardFeedLine);
                }
                catch (JsonException)
                {
                    errors.Add("La riga non è un oggetto JSON valido.");
                }
                ValidCardFeedLine? valid = null;
                ValidCardMigration? moved = null;
                if (line is CardMigrationLine migrationLine)
                {
                    if (migrationValidator.Validate(migrationLine, errors) is { } both) (valid, moved) = both;
                }
                else if (line is not null) valid = validator.Validate(line, errors);
                if (valid is null)
                {
                    if (errors.Count == 0) errors.Add("La riga non è un oggetto JSON valido.");
                    rejectedCount++;
                    if (rejected.Count < maxReportedRejections) rejected.Add(new RejectedFeedLine(lineNumber, errors.ToList()));
                    continue;
                }
                var codes = valid.Line.Codes;
                var sealedCodes = codes is null ? null : cipher.Seal(valid.Line.CardNumber!, new CardCodes(codes.Pin!, codes.Puk!, codes.Cip!));
                batch.Add(new Row(lineNumber, valid, sealedCodes, moved));
                accepted++;
                if (batch.Count == BatchSize)
                {
                    await channel.Writer.WriteAsync(batch, writerFailed.Token);
                    batch = new List<Row>(BatchSize);
                }
            }
            if (batch.Count > 0) await channel.Writer.WriteAsync(batch, writerFailed.Token);
            channel.Writer.Complete();
        }
        catch (Exception ex)
        {
            channel.Writer.TryComplete(ex);
            // The writer's failure, when there is one, is what stopped the reader: that one is reported.
            if (writer.IsFaulted) await writer;
            try { await writer; } catch { /* the reader's failure is the one reported */ }
            throw;
        }
        var (created, refused) = await writer;
        if (refused.Count > 0)
        {
            // Lines refused by the merge (a state the card cannot move to): counted as rejected, not as accepted.
            accepted -= refused.Count;
            rejectedCount += refused.Count;
            rejected.AddRange(refused.Take(Math.Max(0, maxReportedRejections - rejected.Count)));
            rejected.Sort((a, b) => a.Line.CompareTo(b.Line));
        }
        return new CardFeedResult(accepted, rejected, created, accepted - created, rejectedCount);
    }

    private async Task<(long Created, List<RejectedFeedLine> Refused)> WriteBatchesAsync(ChannelReader<List<Row>> batches, bool migration,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var create = new NpgsqlCommand(StagingSql, connection)) await create.ExecuteNonQueryAsync(cancellationToken);
        try
        {
            return await MergeBatchesAsync(connection, batches, migration, cancellationToken);
        }
        finally
        {
            // The pool does not reset a connection it takes back (decision 0061): the staging tables, with the last batch's holders,
            // go now. A connection broken meanwhile is not returned to the pool, and its temporary tables went with its session.
            if (connection.State == System.Data.ConnectionState.Open)
                try
                {
                    await using var drop = new NpgsqlCommand(
                        "DROP TABLE IF EXISTS feed_holders, feed_cards, feed_consents, feed_readers, feed_operations", connection);
                    await drop.ExecuteNonQueryAsync(CancellationToken.None);
                }
                catch (NpgsqlException)
                {
                    // Not in the way of what the import itself met; tables left behind are emptied by the next import on that connection.
                }
        }
    }

    private async Task<(long Created, List<RejectedFeedLine> Refused)> MergeBatchesAsync(NpgsqlConnection connection, ChannelReader<List<Row>> batches,
        bool migration, CancellationToken cancellationToken)
    {
        long created = 0;
        var refused = new List<RejectedFeedLine>();
        await foreach (var batch in batches.ReadAllAsync(cancellationToken))
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            await using (var truncate = new NpgsqlCommand("TRUNCATE feed_holders, feed_cards, feed_consents, feed_readers, feed_operations", connection, tx))
                await truncate.ExecuteNonQueryAsync(cancellationToken);
            await CopyAsync(connection, batch, cancellationToken);
            if (migration)
            {
                await CopyMigrationAsync(connection, batch, cancellationToken);
                refused.AddRange(await RefuseStateChangesAsync(connection, tx, cancellationToken));
            }
            await using (var merge = new NpgsqlCommand(MergeHoldersSql, connection, tx)) await merge.ExecuteNonQueryAsync(cancellationToken);
            await using (var merge = new NpgsqlCommand(migration ? MigrationSql.InsertCards : MergeCardsSql, connection, tx))
                created += await merge.ExecuteNonQueryAsync(cancellationToken);
            await using (var merge = new NpgsqlCommand(MergeCertificatesSql, connection, tx)) await merge.ExecuteNonQueryAsync(cancellationToken);
            if (migration)
                foreach (var sql in MigrationSql.Merges)
                {
                    await using var merge = new NpgsqlCommand(sql, connection, tx);
                    await merge.ExecuteNonQueryAsync(cancellationToken);
                }
            await tx.CommitAsync(cancellationToken);
        }
        return (created, refused);
    }

    /// <summary>
    /// Lines whose card is already in the registry in a state the migration may not move it from (decision 0039): reported with the
    /// rule, and taken out of the staging tables so that nothing of them is written.
    /// </summary>
    private static async Task<List<RejectedFeedLine>> RefuseStateChangesAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        CancellationToken cancellationToken)
    {
        var refused = new List<RejectedFeedLine>();
        await using (var find = new NpgsqlCommand(MigrationSql.RefusedStateChanges, connection, tx))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken))
            {
                var (line, stored, wanted, managedInCms) = (reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3));
                refused.Add(new RejectedFeedLine(line, [managedInCms
                    ? $"state: la tessera è {stored} in Cms, che l'ha gestita dopo il caricamento: l'importazione non ne cambia più lo stato (in {wanted})."
                    : $"state: una tessera {stored} non passa a {wanted} (la revoca è definitiva, una tessera attivata non torna NOT_ACTIVE)."]));
            }
        if (refused.Count > 0)
        {
            await using var drop = new NpgsqlCommand(MigrationSql.DropLines, connection, tx);
            drop.Parameters.AddWithValue("lines", refused.Select(r => r.Line).ToArray());
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
        return refused;
    }

    private static async Task CopyMigrationAsync(NpgsqlConnection connection, List<Row> batch, CancellationToken cancellationToken)
    {
        await using (var consents = await connection.BeginBinaryImportAsync(
            "COPY feed_consents (line, id, holder_codice_fiscale, card_number, model, mode, counter_code, recorded_at, consultation_consent, feeding_consent, " +
            "information_notice_seen, notification_email, past_data) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var row in batch)
            {
                if (row.Migration is not { Consents.Count: > 0 } m) continue;
                var cf = row.Valid.Line.Holder!.CodiceFiscale!;
                foreach (var c in m.Consents)
                {
                    var ch = c.Choices;
                    var model = EnumText<Cms.Domain.Consents.Contracts.ConsentModel>.ToText(c.Model);
                    var pastData = EnumText<Cms.Domain.Consents.Contracts.PastDataChoice>.ToText(ch.PastData);
                    var mode = EnumText<Cms.Domain.Requests.RequestMode>.ToText(c.Mode);
                    consents.StartRow();
                    consents.Write(row.Line, NpgsqlDbType.Bigint);
                    // The holder's consents, not the card's: the same version sent on two cards of one holder is one version.
                    consents.Write(ContentId("consent", cf, Iso(c.RecordedAt), model, mode, c.CounterCode, Bool(ch.InformationNoticeSeen),
                        Bool(ch.FeedingConsent), Bool(ch.ConsultationConsent), ch.NotificationEmail, pastData), NpgsqlDbType.Uuid);
                    consents.Write(cf, NpgsqlDbType.Text);
                    consents.Write(row.Valid.Line.CardNumber!, NpgsqlDbType.Text);
                    consents.Write(model, NpgsqlDbType.Text);
                    consents.Write(mode, NpgsqlDbType.Text);
                    consents.Write(c.CounterCode, NpgsqlDbType.Text);
                    consents.Write(c.RecordedAt, NpgsqlDbType.TimestampTz);
                    consents.Write(ch.ConsultationConsent, NpgsqlDbType.Boolean);
                    if (ch.FeedingConsent is { } feeding) consents.Write(feeding, NpgsqlDbType.Boolean); else consents.WriteNull();
                    consents.Write(ch.InformationNoticeSeen, NpgsqlDbType.Boolean);
                    WriteNullable(consents, ch.NotificationEmail);
                    consents.Write(pastData, NpgsqlDbType.Text);
                }
            }
            await consents.CompleteAsync(cancellationToken);
        }
        await using (var readers = await connection.BeginBinaryImportAsync(
            "COPY feed_readers (line, id, card_number, holder_codice_fiscale, delivered_at, reader_serial, counter_code) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            foreach (var row in batch)
            {
                if (row.Migration is not { ReaderDeliveries.Count: > 0 } m) continue;
                var number = row.Valid.Line.CardNumber!;
                foreach (var d in m.ReaderDeliveries)
                {
                    readers.StartRow();
                    readers.Write(row.Line, NpgsqlDbType.Bigint);
                    readers.Write(ContentId("reader", number, Iso(d.DeliveredAt), d.ReaderSerial, d.CounterCode), NpgsqlDbType.Uuid);
                    readers.Write(number, NpgsqlDbType.Text);
                    readers.Write(row.Valid.Line.Holder!.CodiceFiscale!, NpgsqlDbType.Text);
                    readers.Write(d.DeliveredAt, NpgsqlDbType.TimestampTz);
                    WriteNullable(readers, d.ReaderSerial);
                    readers.Write(d.CounterCode, NpgsqlDbType.Text);
                }
            }
            await readers.CompleteAsync(cancellationToken);
        }
        await using (var operations = await connection.BeginBinaryImportAsync(
            "COPY feed_operations (line, id, card_number, holder_codice_fiscale, region, type, outcome, occurred_at, counter_code, operator_codice_fiscale, detail) " +
            "FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var row in batch)
            {
                if (row.Migration is not { Operations.Count: > 0 } m) continue;
                var number = row.Valid.Line.CardNumber!;
                foreach (var o in m.Operations)
                {
                    var type = EnumText<Cms.Domain.Auditing.OperationType>.ToText(o.Type);
                    var outcome = EnumText<Cms.Domain.Auditing.OperationOutcome>.ToText(o.Outcome);
                    operations.StartRow();
                    operations.Write(row.Line, NpgsqlDbType.Bigint);
                    operations.Write(ContentId("operation", number, type, Iso(o.OccurredAt), outcome, o.CounterCode, o.OperatorCodiceFiscale, o.Detail),
                        NpgsqlDbType.Uuid);
                    operations.Write(number, NpgsqlDbType.Text);
                    operations.Write(row.Valid.Line.Holder!.CodiceFiscale!, NpgsqlDbType.Text);
                    operations.Write(row.Valid.Line.IssuerRegion!, NpgsqlDbType.Text);
                    operations.Write(type, NpgsqlDbType.Text);
                    operations.Write(outcome, NpgsqlDbType.Text);
                    operations.Write(o.OccurredAt, NpgsqlDbType.TimestampTz);
                    WriteNullable(operations, o.CounterCode);
                    WriteNullable(operations, o.OperatorCodiceFiscale);
                    operations.Write(o.Detail, NpgsqlDbType.Text);
                }
            }
            await operations.CompleteAsync(cancellationToken);
        }
    }

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static string Bool(bool? value) => value is null ? "~" : value.Value ? "1" : "0";

    /// <summary>
    /// An id that only the content gives (SHA-256 of its fields, length-prefixed as the trail's canonical text, shaped as a version-8
    /// UUID): the same consent, delivery or operation sent again finds its row and is not added twice.
    /// </summary>
    private static Guid ContentId(params string?[] fields)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Auditing.AuditCanonical.LengthPrefixed(fields)));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
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
            "certificate_serial, certificate_issuer, state, activated_at, activation_mode, revoked_at) FROM STDIN (FORMAT BINARY)",
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
                if (row.Codes is { } codes)
                {
                    cards.Write(codes.KeyId, NpgsqlDbType.Text);
                    cards.Write(codes.Ciphertext, NpgsqlDbType.Bytea);
                }
                else
                {
                    cards.WriteNull();
                    cards.WriteNull();
                }
                WriteNullable(cards, row.Valid.CertificateSerial);
                WriteNullable(cards, row.Valid.CertificateIssuer);
                var m = row.Migration;
                WriteNullable(cards, m is null ? null : EnumText<Cms.Domain.Identification.Contracts.CardState>.ToText(m.State));
                if (m?.ActivatedAt is { } activatedAt) cards.Write(activatedAt, NpgsqlDbType.TimestampTz); else cards.WriteNull();
                WriteNullable(cards, m?.ActivationMode is { } mode ? EnumText<Cms.Domain.Identification.ActivationMode>.ToText(mode) : null);
                if (m?.RevokedAt is { } revokedAt) cards.Write(revokedAt, NpgsqlDbType.TimestampTz); else cards.WriteNull();
            }
            await cards.CompleteAsync(cancellationToken);
        }
    }

    private static void WriteNullable(NpgsqlBinaryImporter importer, string? value)
    {
        if (value is null) importer.WriteNull();
        else importer.Write(value, NpgsqlDbType.Text);
    }

    internal const string StagingSql = """
        CREATE TEMP TABLE IF NOT EXISTS feed_holders (
            line bigint, codice_fiscale text, surname text, given_name text, sex text, birth_date date, birth_place text,
            birth_province text, citizenship text, residence_address text, residence_postcode text, residence_municipality text,
            residence_province text, household_id text, entitled boolean, health_authority text, birth_country text);
        CREATE TEMP TABLE IF NOT EXISTS feed_cards (
            line bigint, card_number text, holder_codice_fiscale text, expiry_date date, issuer_region text,
            codes_key_id text, codes_ciphertext bytea, certificate_serial text, certificate_issuer text,
            state text, activated_at timestamptz, activation_mode text, revoked_at timestamptz);
        CREATE TEMP TABLE IF NOT EXISTS feed_consents (
            line bigint, id uuid, holder_codice_fiscale character(16), card_number character(20), model text, mode text, counter_code text, recorded_at timestamptz,
            consultation_consent boolean, feeding_consent boolean, information_notice_seen boolean, notification_email text, past_data text);
        CREATE TEMP TABLE IF NOT EXISTS feed_readers (
            line bigint, id uuid, card_number character(20), holder_codice_fiscale character(16), delivered_at timestamptz, reader_serial text, counter_code text);
        CREATE TEMP TABLE IF NOT EXISTS feed_operations (
            line bigint, id uuid, card_number character(20), holder_codice_fiscale character(16), region text, type text, outcome text, occurred_at timestamptz,
            counter_code text, operator_codice_fiscale text, detail text);
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
    // The staging side is cast to the registry's character(20): compared as text, the registry's side was cast and every card of
    // the registry scanned for each batch that named a certificate (3.7 s a batch at 10,000,000 cards; bench/run.sh cards-at-scale).
    internal const string MergeCertificatesSql = """
        UPDATE identification.cards AS c SET certificate_serial = f.certificate_serial, certificate_issuer = f.certificate_issuer
        FROM (SELECT DISTINCT ON (card_number) card_number, certificate_serial, certificate_issuer
              FROM feed_cards WHERE certificate_serial IS NOT NULL ORDER BY card_number, line DESC) AS f
        WHERE c.card_number = f.card_number::character(20)
          AND (c.certificate_serial, c.certificate_issuer) IS DISTINCT FROM (f.certificate_serial, f.certificate_issuer)
        """;
}
