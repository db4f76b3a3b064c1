using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Infrastructure.DemoData;
using Cms.Infrastructure.Identification;
using Cms.Infrastructure.Persistence;
using Cms.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Bench;

/// <summary>
/// Migration-import benchmark (decision 0039): Cms's import of N migration lines (the feed's cards with their state and activation; half of
/// the activated ones with a consent version, one in ten with a reader delivery, each activated one with 1–2 past operations) beside
/// PostgreSQL's own COPY of the very same rows (codes already sealed) into the same tables, triggers of the trail included.
///   bench/run.sh migration [cards]
/// </summary>
public static class MigrationBenchmark
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static async Task<int> RunAsync(string[] args)
    {
        var cards = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
        var connectionString = Environment.GetEnvironmentVariable("CMS_BENCH_CONNECTION")
            ?? throw new InvalidOperationException("CMS_BENCH_CONNECTION is not set (bench/run.sh sets it).");
        var work = BenchWork.Folder();
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        await using (var db = new CmsDbContext(new DbContextOptionsBuilder<CmsDbContext>().UseNpgsql(dataSource,
            o => o.MigrationsHistoryTable("__EFMigrationsHistory", "public")).Options))
        {
            await db.Database.MigrateAsync();
        }
        var options = Options.Create(new CmsOptions());
        var cipher = new AesGcmCodeCipher(Options.Create(new CodeEncryptionOptions
        {
            ActiveKeyId = "bench", Keys = new() { ["bench"] = Convert.ToBase64String(new byte[32]) },
        }));

        // 1. The migration file, from the feed's population.
        var holders = (int)Math.Round(cards / 1.1);
        var file = Path.Combine(work, $"migration-{cards}.ndjson");
        var today = new DateOnly(2026, 11, 25);
        if (!File.Exists(file))
        {
            Console.WriteLine($"writing {file} ({holders} holders)");
            await using var output = new StreamWriter(File.Create(file), new UTF8Encoding(false));
            var i = 0;
            foreach (var feedLine in new DemoPopulation().Cards(holders, today))
                await output.WriteLineAsync(JsonSerializer.Serialize(Migrated(feedLine, i++), Json));
        }
        var lines = File.ReadLines(file).LongCount();
        Console.WriteLine($"migration file: {lines} cards, {new FileInfo(file).Length / 1048576.0:0} MiB");

        // 2. The same rows as CSV, as Cms stores them, for PostgreSQL's COPY.
        var csv = new[] { "holders", "cards", "consents", "readers", "operations" }.ToDictionary(t => t, t => Path.Combine(work, $"migration-{t}-{cards}.csv"));
        long consentRows = 0, readerRows = 0, operationRows = 0;
        {
            var writers = csv.ToDictionary(p => p.Key, p => new StreamWriter(p.Value, false, new UTF8Encoding(false)));
            var validator = new CardMigrationLineValidator(options.Value, TimeProvider.System);
            var seen = new HashSet<string>();
            var errors = new List<string>();
            foreach (var text in File.ReadLines(file))
            {
                var line = JsonSerializer.Deserialize<CardMigrationLine>(text, Json)!;
                var (valid, m) = validator.Validate(line, errors) ?? throw new InvalidOperationException(string.Join(";", errors));
                var hd = line.Holder!;
                var newHolder = seen.Add(hd.CodiceFiscale!);
                if (newHolder)
                    await writers["holders"].WriteLineAsync(string.Join(',', Csv(hd.CodiceFiscale), Csv(hd.Surname), Csv(hd.GivenName), Csv(hd.Sex), Csv(hd.BirthDate),
                        Csv(hd.BirthPlace), Csv(hd.BirthProvince), Csv(hd.Citizenship), Csv(hd.Residence?.Address), Csv(hd.Residence?.Postcode),
                        Csv(hd.Residence?.Municipality), Csv(hd.Residence?.Province), Csv(hd.HouseholdId), hd.Entitled == false ? "f" : "t"));
                var sealedCodes = line.Codes is { } c ? cipher.Seal(line.CardNumber!, new CardCodes(c.Pin!, c.Puk!, c.Cip!)) : null;
                await writers["cards"].WriteLineAsync(string.Join(',', line.CardNumber, hd.CodiceFiscale, line.ExpiryDate, line.IssuerRegion,
                    EnumText<Cms.Domain.Identification.Contracts.CardState>.ToText(m.State), sealedCodes?.KeyId ?? "",
                    sealedCodes is null ? "" : "\\x" + Convert.ToHexString(sealedCodes.Ciphertext), "2026-11-25T00:00:00Z",
                    Instant(m.ActivatedAt), m.ActivationMode is { } mode ? EnumText<Cms.Domain.Identification.ActivationMode>.ToText(mode) : "",
                    Instant(m.RevokedAt), "2026-11-25T00:00:00Z"));
                foreach (var v in m.Consents.Take(newHolder ? 1 : 0))
                {
                    consentRows++;
                    await writers["consents"].WriteLineAsync(string.Join(',', Guid.NewGuid(), hd.CodiceFiscale, line.CardNumber, 1, "CURRENT", "DIRECT",
                        Guid.Empty, Guid.Empty, v.CounterCode, Instant(v.RecordedAt), Guid.Empty, v.Choices.ConsultationConsent ? "t" : "f", "",
                        v.Choices.InformationNoticeSeen ? "t" : "f", "", EnumText<Cms.Domain.Consents.Contracts.PastDataChoice>.ToText(v.Choices.PastData)));
                }
                foreach (var d in m.ReaderDeliveries)
                {
                    readerRows++;
                    await writers["readers"].WriteLineAsync(string.Join(',', Guid.NewGuid(), Csv(hd.HouseholdId), d.ReaderSerial, line.CardNumber, hd.CodiceFiscale,
                        "COMPLETED", Guid.Empty, d.CounterCode, Instant(d.DeliveredAt), Instant(d.DeliveredAt), Instant(d.DeliveredAt), Instant(d.DeliveredAt)));
                }
                foreach (var o in m.Operations)
                {
                    operationRows++;
                    await writers["operations"].WriteLineAsync(string.Join(',', Guid.NewGuid(), Instant(o.OccurredAt),
                        EnumText<Cms.Domain.Auditing.OperationType>.ToText(o.Type), "SUCCEEDED", o.CounterCode, line.IssuerRegion, line.CardNumber,
                        hd.CodiceFiscale, Csv(o.Detail)));
                }
            }
            foreach (var w in writers.Values) await w.DisposeAsync();
        }
        Console.WriteLine($"rows besides cards and holders: {consentRows} consents, {readerRows} reader deliveries, {operationRows} operations");

        // 3. PostgreSQL's COPY of the same rows into the same (empty, indexed) tables, the trail's triggers firing as for the import.
        await EmptyAsync(dataSource);
        var copyWatch = Stopwatch.StartNew();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await CopyFileAsync(connection, "COPY identification.holders (codice_fiscale, surname, given_name, sex, birth_date, birth_place, birth_province, citizenship, residence_address, residence_postcode, residence_municipality, residence_province, household_id, entitled) FROM STDIN (FORMAT csv)", csv["holders"]);
            await CopyFileAsync(connection, "COPY identification.cards (card_number, holder_codice_fiscale, expiry_date, issuer_region, state, codes_key_id, codes_ciphertext, loaded_at, activated_at, activation_mode, revoked_at, migrated_at) FROM STDIN (FORMAT csv)", csv["cards"]);
            await CopyFileAsync(connection, "COPY consents.versions (id, holder_codice_fiscale, card_number, number, model, mode, request_id, operator_id, counter_code, recorded_at, fse_call_id, consultation_consent, feeding_consent, information_notice_seen, notification_email, past_data) FROM STDIN (FORMAT csv)", csv["consents"]);
            await CopyFileAsync(connection, "COPY readers.deliveries (id, household_id, reader_serial, card_number, holder_codice_fiscale, status, operator_id, counter_code, created_at, updated_at, expires_at, completed_at) FROM STDIN (FORMAT csv)", csv["readers"]);
            await CopyFileAsync(connection, "COPY audit.operations (id, occurred_at, type, outcome, counter_code, region, card_number, holder_codice_fiscale, detail) FROM STDIN (FORMAT csv)", csv["operations"]);
        }
        copyWatch.Stop();

        // 4. Cms's migration import of the NDJSON file into the same empty tables.
        await EmptyAsync(dataSource);
        var importer = new CardFeedImporter(dataSource, cipher, options);
        var importWatch = Stopwatch.StartNew();
        CardFeedResult result;
        await using (var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
        {
            result = await importer.ImportNdjsonAsync(input, 10, migration: true, CancellationToken.None);
        }
        importWatch.Stop();
        if (result.CardsCreated != lines) throw new InvalidOperationException($"imported {result.CardsCreated} of {lines}: {string.Join("; ", result.Rejected.SelectMany(r => r.Errors))}");

        var copyRate = lines / copyWatch.Elapsed.TotalSeconds;
        var importRate = lines / importWatch.Elapsed.TotalSeconds;
        var report = string.Create(CultureInfo.InvariantCulture, $"""
            | what | cards | seconds | cards/s |
            |---|---:|---:|---:|
            | PostgreSQL COPY (CSV: holders, cards, {consentRows} consents, {readerRows} reader deliveries, {operationRows} operations; codes already sealed) | {lines} | {copyWatch.Elapsed.TotalSeconds:0.0} | {copyRate:0} |
            | Cms migration import (NDJSON: parse, check, seal, COPY, merge) | {lines} | {importWatch.Elapsed.TotalSeconds:0.0} | {importRate:0} |

            Import / COPY rate: **{importRate / copyRate:0.00}** (goal ≥ 0.50)
            """);
        Console.WriteLine(report);
        var results = Path.Combine(AppContext.BaseDirectory, "migration-last.md");
        await File.WriteAllTextAsync(results, report);
        Console.WriteLine($"written to {results}");
        return importRate / copyRate >= 0.5 ? 0 : 1;
    }

    /// <summary>A feed line as a previous CMS would export it: most cards active, some suspended, revoked or never activated.</summary>
    private static CardMigrationLine Migrated(CardFeedLine feed, int i)
    {
        var line = JsonSerializer.Deserialize<CardMigrationLine>(JsonSerializer.Serialize(feed, Json), Json)!;
        var expiry = DateOnly.ParseExact(line.ExpiryDate!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var activated = DateOnly.FromDayNumber(Math.Min(expiry.AddYears(-5).DayNumber, new DateOnly(2026, 1, 1).DayNumber))
            .ToDateTime(new TimeOnly(9, 0), DateTimeKind.Utc);
        string At(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        line.State = (i % 20) switch { 0 => "REVOKED", 1 or 2 => "SUSPENDED", 3 or 4 or 5 => "NOT_ACTIVE", _ => "ACTIVE" };
        if (i % 50 == 7) line.Codes = null;
        if (line.State == "NOT_ACTIVE") return line;
        line.ActivatedAt = At(activated);
        line.ActivationMode = i % 7 == 0 ? "DELEGATED" : "DIRECT";
        if (line.State == "REVOKED") line.RevokedAt = At(activated.AddDays(200));
        if (i % 2 == 0)
            line.Consents = [new MigrationConsent { RecordedAt = At(activated.AddMinutes(10)), Model = "CURRENT", InformationNoticeSeen = true,
                ConsultationConsent = i % 4 == 0, PastData = "RECOVER_WITHOUT_OBSCURING", CounterCode = "090-201-OLD01" }];
        if (i % 10 == 6) line.ReaderDeliveries = [new MigrationReaderDelivery { DeliveredAt = At(activated.AddDays(3)), ReaderSerial = $"RD{i:D8}", CounterCode = "090-201-OLD01" }];
        line.Operations = [new MigrationOperation { Type = "ACTIVATION", OccurredAt = At(activated), CounterCode = "090-201-OLD01", Detail = $"pratica {i}" }];
        if (i % 5 == 0) line.Operations.Add(new MigrationOperation { Type = "REPRINT", OccurredAt = At(activated.AddDays(30)), CounterCode = "090-201-OLD02" });
        return line;
    }

    private static string Instant(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) ?? "";

    private static string Csv(string? value) => value is null ? "" : "\"" + value.Replace("\"", "\"\"") + "\"";

    private static async Task EmptyAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        foreach (var sql in new[]
                 {
                     "TRUNCATE identification.cards, identification.holders, consents.versions, readers.deliveries CASCADE",
                     """
                     ALTER TABLE audit.operations DISABLE TRIGGER USER; ALTER TABLE audit.chain_links DISABLE TRIGGER USER;
                     TRUNCATE audit.operations, audit.chain_links, audit.pending_entries, audit.counter_day_counts, audit.counter_month_counts, audit.region_day_counts;
                     DELETE FROM audit.chain_head;
                     ALTER TABLE audit.operations ENABLE TRIGGER USER; ALTER TABLE audit.chain_links ENABLE TRIGGER USER;
                     """,
                     "VACUUM ANALYZE identification.cards", "VACUUM ANALYZE identification.holders", "CHECKPOINT",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task CopyFileAsync(NpgsqlConnection connection, string copy, string file)
    {
        await using var writer = await connection.BeginTextImportAsync(copy);
        using var reader = new StreamReader(file);
        var buffer = new char[1 << 16];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0) await writer.WriteAsync(buffer.AsMemory(0, read));
    }
}
