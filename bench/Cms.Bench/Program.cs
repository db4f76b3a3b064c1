using System.Diagnostics;
using System.Globalization;
using System.Text;
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

// Card-feed benchmark: Cms's import of N cards (parse, check, encrypt, COPY into staging, merge) beside
// PostgreSQL's own COPY of the very same rows into the same tables, on the same cluster, in the same run.
//   dotnet run -c Release --project bench/Cms.Bench -- card-feed [cards] (connection string in CMS_BENCH_CONNECTION)

if (args.Length > 0 && args[0] is "activations" or "soak") return await Cms.Bench.ActivationBenchmark.RunAsync(args);
if (args.Length > 0 && args[0] == "forms") return Cms.Bench.FormsBenchmark.Run(args);
if (args.Length > 0 && args[0] == "reports") return await Cms.Bench.ReportsBenchmark.RunAsync(args);
if (args.Length > 0 && args[0] == "trail-partitions") return await Cms.Bench.TrailPartitionsBenchmark.RunAsync(args);
if (args.Length > 0 && args[0] == "topology") return await Cms.Bench.TopologyBenchmark.RunAsync(args);
if (args.Length > 0 && args[0] == "failover") return await Cms.Bench.FailoverBenchmark.RunAsync(args);
if (args.Length > 0 && args[0] == "restore-drill") return await Cms.Bench.RestoreDrill.RunAsync(args);
if (args.Length > 0 && args[0] == "migration") return await Cms.Bench.MigrationBenchmark.RunAsync(args);
if (args.Length > 0 && args[0] == "upgrade") return await Cms.Bench.UpgradeBenchmark.RunAsync();
if (args.Length > 0 && args[0] == "cold-start") return await Cms.Bench.ColdStartBenchmark.RunAsync(args);
if (args.Length > 0 && args[0] == "identification") return await Cms.Bench.IdentificationBenchmark.RunAsync(args);
if (args.Length > 0 && args[0] == "messages") return await Cms.Bench.MessagesBenchmark.RunAsync(args);
if (args.Length > 0 && args[0] == "cards-at-scale") return await Cms.Bench.CardsAtScaleBenchmark.RunAsync(args);

var cards = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000;
var connectionString = Environment.GetEnvironmentVariable("CMS_BENCH_CONNECTION")
    ?? throw new InvalidOperationException("CMS_BENCH_CONNECTION is not set (bench/run.sh sets it).");
var work = Cms.Bench.BenchWork.Folder();

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

// 1. The feed: every tenth holder also has an older card, so holders = cards / 1.1.
var holders = (int)Math.Round(cards / 1.1);
var feed = Path.Combine(work, $"feed-{cards}.ndjson");
var today = new DateOnly(2026, 11, 25);
if (!File.Exists(feed))
{
    Console.WriteLine($"writing {feed} ({holders} holders)");
    await using var output = File.Create(feed);
    await DemoPopulation.WriteNdjsonAsync(new DemoPopulation().Cards(holders, today), output, CancellationToken.None);
}
var feedLines = File.ReadLines(feed).LongCount();
Console.WriteLine($"feed: {feedLines} cards, {new FileInfo(feed).Length / 1048576.0:0} MiB");

// 2. The same rows as CSV, as Cms stores them (codes sealed), for PostgreSQL's own COPY.
var holdersCsv = Path.Combine(work, $"holders-{cards}.csv");
var cardsCsv = Path.Combine(work, $"cards-{cards}.csv");
{
    var validator = new CardFeedLineValidator(options.Value);
    var seen = new HashSet<string>();
    await using var h = new StreamWriter(holdersCsv, false, new UTF8Encoding(false));
    await using var c = new StreamWriter(cardsCsv, false, new UTF8Encoding(false));
    var errors = new List<string>();
    foreach (var text in File.ReadLines(feed))
    {
        var line = System.Text.Json.JsonSerializer.Deserialize<CardFeedLine>(text, System.Text.Json.JsonSerializerOptions.Web)!;
        _ = validator.Validate(line, errors) ?? throw new InvalidOperationException(string.Join(";", errors));
        var hd = line.Holder!;
        if (seen.Add(hd.CodiceFiscale!)) await h.WriteLineAsync(Cms.Bench.FeedCsv.HolderRow(hd));
        await c.WriteLineAsync(Cms.Bench.FeedCsv.CardRow(line, cipher.Seal(line.CardNumber!, new CardCodes(line.Codes!.Pin!, line.Codes.Puk!, line.Codes.Cip!))));
    }
}

async Task TruncateAsync()
{
    await using var connection = await dataSource.OpenConnectionAsync();
    foreach (var sql in new[] { "TRUNCATE identification.cards, identification.holders CASCADE", "VACUUM ANALYZE identification.cards",
                 "VACUUM ANALYZE identification.holders", "CHECKPOINT" })
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

// 3. PostgreSQL's COPY of the same rows into the same (empty, indexed) tables.
await TruncateAsync();
var copyWatch = Stopwatch.StartNew();
await using (var connection = await dataSource.OpenConnectionAsync())
{
    await Cms.Bench.FeedCsv.CopyFileAsync(connection, Cms.Bench.FeedCsv.CopyHolders, holdersCsv);
    await Cms.Bench.FeedCsv.CopyFileAsync(connection, Cms.Bench.FeedCsv.CopyCards, cardsCsv);
}
copyWatch.Stop();

// 4. Cms's import of the NDJSON feed into the same empty tables.
await TruncateAsync();
var importer = new CardFeedImporter(dataSource, cipher, options);
var importWatch = Stopwatch.StartNew();
CardFeedResult result;
await using (var input = new FileStream(feed, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
{
    result = await importer.ImportNdjsonAsync(input, 10, CancellationToken.None);
}
importWatch.Stop();
if (result.CardsCreated != feedLines) throw new InvalidOperationException($"imported {result.CardsCreated} of {feedLines}");

var copyRate = feedLines / copyWatch.Elapsed.TotalSeconds;
var importRate = feedLines / importWatch.Elapsed.TotalSeconds;
var report = string.Create(CultureInfo.InvariantCulture, $"""
    | what | cards | seconds | cards/s |
    |---|---:|---:|---:|
    | PostgreSQL COPY (CSV, codes already sealed) | {feedLines} | {copyWatch.Elapsed.TotalSeconds:0.0} | {copyRate:0} |
    | Cms card-feed import (NDJSON: parse, check, seal, COPY, merge) | {feedLines} | {importWatch.Elapsed.TotalSeconds:0.0} | {importRate:0} |

    Import / COPY rate: **{importRate / copyRate:0.00}** (goal ≥ 0.50)
    """);
Console.WriteLine(report);
var results = Path.Combine(AppContext.BaseDirectory, "card-feed-last.md");
await File.WriteAllTextAsync(results, report);
Console.WriteLine($"written to {results}");
return importRate / copyRate >= 0.5 ? 0 : 1;
