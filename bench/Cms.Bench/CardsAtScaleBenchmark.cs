using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Domain.Identification;
using Cms.Infrastructure.DemoData;
using Cms.Infrastructure.Identification;
using Cms.Infrastructure.Persistence;
using Cms.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Bench;

/// <summary>
/// Issue 29, item 4: the card registry at a nation's scale. Database <c>cms_scale</c>, kept between runs, holds N cards (default
/// 10,000,000) loaded through Cms's own card-feed importer a million at a time (the rate per million printed); then, on the full
/// registry: a further feed (new cards and updates of existing ones) beside PostgreSQL's COPY of the same rows, and the counter's
/// identification over HTTP on random cards of the whole registry beside the same over a hot set of the first 200,000 cards, in the
/// same run, beside pgbench. Goals: identification p95 over the whole registry ≤ 1.25 × over the hot set, no failed request; the
/// feed's import ÷ COPY ≥ 0.5.
///   bench/run.sh cards-at-scale [cards]      (CMS_BENCH_RESEED=1 loads the registry again)
/// </summary>
public static class CardsAtScaleBenchmark
{
    private const int Million = 1_000_000, HotCards = 200_000, WholeSample = 500_000, SettleSeconds = 15;
    private const double P95Goal = 1.25, FeedGoal = 0.5;
    /// <summary>The population's "today": fixed, so that the registry and the batch files made on another day are the same people.</summary>
    private static readonly DateOnly Today = new(2026, 12, 1);
    /// <summary>The codes' key of this benchmark's registry (the benchmark's own, as in the card-feed benchmark).</summary>
    private static readonly string Key = Convert.ToBase64String(new byte[32]);
    private const string Issuer = "CN=Bench CA, O=Regione Toscana, C=IT";

    public static async Task<int> RunAsync(string[] args)
    {
        var cards = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000_000;
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("CMS_SCALE_SECONDS"), out var s) ? s : 30;
        var connectionString = Environment.GetEnvironmentVariable("CMS_SCALE_CONNECTION")
            ?? throw new InvalidOperationException("CMS_SCALE_CONNECTION is not set (bench/run.sh sets it).");
        // The load's and the checks' statements (VACUUM of ten million rows, the reference's COPY) outlast Npgsql's 30 s default.
        await using var dataSource = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 3600 }.ConnectionString).Build();
        var work = BenchWork.Folder("scale", cards.ToString(CultureInfo.InvariantCulture));
        var files = new BatchFiles(work);
        var report = new StringBuilder();
        void Print(string text)
        {
            Console.WriteLine(text);
            report.AppendLine(text);
        }
        Print($"cards at scale: {cards:N0} cards, database cms_scale; load average {Load()}; free on /work: {FreeGiB():0.0} GiB");

        var reseed = Environment.GetEnvironmentVariable("CMS_BENCH_RESEED") == "1";
        if (!reseed && await LoadedAsync(dataSource, cards))
        {
            Print($"reusing the {cards:N0} cards already loaded (CMS_BENCH_RESEED=1 loads them again)");
            if (!files.Exist) await GenerateAsync(cards, work, files, writeFeed: false);
        }
        else
        {
            await GenerateAsync(cards, work, files, writeFeed: true);
            Print(await LoadAsync(dataSource, cards, work));
        }
        Print(await SizesAsync(dataSource));

        var (identification, identificationMet) = await IdentificationAsync(connectionString, dataSource, cards, seconds);
        Print(identification);
        // CMS_SCALE_FEED=0 measures the identification only (e.g. again with other settings of the cluster).
        var (feed, feedMet) = Environment.GetEnvironmentVariable("CMS_SCALE_FEED") == "0" ? ("", true) : await FeedAtSizeAsync(dataSource, cards, files);
        Print(feed);
        Print($"load average at the end: {Load()}; free on /work: {FreeGiB():0.0} GiB");
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "cards-at-scale-last.md"), report.ToString());
        return identificationMet && feedMet ? 0 : 1;
    }

    /// <summary>The files of one registry size: the further feed (new cards and updates), its CSV for COPY, and the updated cards' original lines.</summary>
    private sealed record BatchFiles(string Work)
    {
        public string Batch => Path.Combine(Work, "batch.ndjson");
        public string Revert => Path.Combine(Work, "revert.ndjson");
        public string NewHolders => Path.Combine(Work, "new-holders.csv");
        public string NewCards => Path.Combine(Work, "new-cards.csv");
        public string Updates => Path.Combine(Work, "updates.csv");
        public string NewNumbers => Path.Combine(Work, "new-numbers.txt");
        public bool Exist => new[] { Batch, Revert, NewHolders, NewCards, Updates, NewNumbers }.All(File.Exists);
        public static string Part(string work, int million) => Path.Combine(work, $"feed-{million:D2}.ndjson");
    }

    /// <summary>
    /// One pass over the demo population (seed 29): the first <paramref name="cards"/> lines into feed files of a million each (when
    /// loading), every hundredth of them changed (the holder moved, the card got its certificate) into the further feed with the
    /// next new cards after them — a holder split at the boundary stays wholly in the registry — and the same rows as CSV for COPY.
    /// </summary>
    private static async Task GenerateAsync(int cards, string work, BatchFiles files, bool writeFeed)
    {
        var newCards = Math.Min(500_000, cards / 20);
        var updateEvery = Math.Max(1, cards / Math.Min(100_000, Math.Max(1, cards / 100)));
        var watch = Stopwatch.StartNew();
        var cipher = Cipher();
        var options = new CmsOptions();
        var validator = new CardFeedLineValidator(options);
        var errors = new List<string>();
        var utf8 = new UTF8Encoding(false);
        await using var batch = new StreamWriter(files.Batch, false, utf8) { NewLine = "\n" };
        await using var revert = new StreamWriter(files.Revert, false, utf8) { NewLine = "\n" };
        await using var holdersCsv = new StreamWriter(files.NewHolders, false, utf8);
        await using var cardsCsv = new StreamWriter(files.NewCards, false, utf8);
        await using var updatesCsv = new StreamWriter(files.Updates, false, utf8);
        await using var numbers = new StreamWriter(files.NewNumbers, false, utf8);
        StreamWriter? part = null;
        var updates = new Queue<string>();
        long index = 0, added = 0;
        string? lastLoadedHolder = null, lastNewHolder = null;
        foreach (var line in new DemoPopulation(seed: 29).Cards(int.MaxValue / 2, Today))
        {
            if (index < cards)
            {
                if (writeFeed && index % Million == 0)
                {
                    if (part is not null) await part.DisposeAsync();
                    part = new StreamWriter(BatchFiles.Part(work, (int)(index / Million) + 1), false, utf8) { NewLine = "\n" };
                }
                var text = DemoPopulation.ToNdjsonLine(line);
                if (part is not null) await part.WriteLineAsync(text);
                if (index % updateEvery == updateEvery / 2)
                {
                    await revert.WriteLineAsync(text);
                    // A copy (the holder's object is shared with the holder's other card): the holder moved, the card got its certificate.
                    var changed = JsonSerializer.Deserialize<CardFeedLine>(text, JsonSerializerOptions.Web)!;
                    changed.Holder!.Residence!.Address = $"VIA DEL TRASLOCO {index % 180 + 1}";
                    changed.CertificateSerial = index.ToString("X8", CultureInfo.InvariantCulture);
                    changed.CertificateIssuer = Issuer;
                    var valid = validator.Validate(changed, errors) ?? throw new InvalidOperationException(string.Join(";", errors));
                    updates.Enqueue(DemoPopulation.ToNdjsonLine(changed));
                    await updatesCsv.WriteLineAsync(string.Join(',', changed.Holder.CodiceFiscale, FeedCsv.Field(changed.Holder.Residence.Address),
                        changed.CardNumber, valid.CertificateSerial, FeedCsv.Field(valid.CertificateIssuer)));
                }
                lastLoadedHolder = line.Holder!.CodiceFiscale;
                index++;
                continue;
            }
            if (added == 0 && line.Holder!.CodiceFiscale == lastLoadedHolder) continue; // that holder is already in the registry
            _ = validator.Validate(line, errors) ?? throw new InvalidOperationException(string.Join(";", errors));
            await batch.WriteLineAsync(DemoPopulation.ToNdjsonLine(line));
            if (line.Holder!.CodiceFiscale != lastNewHolder) await holdersCsv.WriteLineAsync(FeedCsv.HolderRow(line.Holder));
            lastNewHolder = line.Holder.CodiceFiscale;
            await cardsCsv.WriteLineAsync(FeedCsv.CardRow(line, cipher.Seal(line.CardNumber!, new CardCodes(line.Codes!.Pin!, line.Codes.Puk!, line.Codes.Cip!))));
            await numbers.WriteLineAsync(line.CardNumber);
            // A day's feed mixes them: one update after every five new cards.
            if (++added % 5 == 0 && updates.TryDequeue(out var update)) await batch.WriteLineAsync(update);
            if (added == newCards) break;
        }
        while (updates.TryDequeue(out var update)) await batch.WriteLineAsync(update);
        if (part is not null) await part.DisposeAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generated {(writeFeed ? $"the feed ({cards:N0} cards in {(cards + Million - 1) / Million} files) and " : "")}the further feed ({added:N0} new cards + updates) in {watch.Elapsed.TotalSeconds:0} s"));
    }

    private static AesGcmCodeCipher Cipher() => new(Options.Create(new CodeEncryptionOptions { ActiveKeyId = "bench", Keys = new() { ["bench"] = Key } }));

    /// <summary>Whether the database is at the current migrations and holds exactly <paramref name="cards"/> cards (a run ends so).</summary>
    private static async Task<bool> LoadedAsync(NpgsqlDataSource dataSource, int cards)
    {
        try
        {
            await using (var db = Context(dataSource))
                if ((await db.Database.GetPendingMigrationsAsync()).Any()) return false;
            return await ScalarAsync<long>(dataSource, "SELECT count(*) FROM identification.cards") == cards;
        }
        catch (PostgresException)
        {
            return false;
        }
    }

    private static CmsDbContext Context(NpgsqlDataSource dataSource) => new(new DbContextOptionsBuilder<CmsDbContext>().UseNpgsql(dataSource,
        o => o.MigrationsHistoryTable("__EFMigrationsHistory", "public")).Options);

    /// <summary>The registry emptied and loaded through the importer, a million cards at a time; the rate of each million.</summary>
    private static async Task<string> LoadAsync(NpgsqlDataSource dataSource, int cards, string work)
    {
        await BenchDatabase.DropEverythingAsync(dataSource);
        await using (var db = Context(dataSource)) await db.Database.MigrateAsync();
        await ExecAsync(dataSource, "CHECKPOINT");
        var importer = new CardFeedImporter(dataSource, Cipher(), Options.Create(new CmsOptions()));
        var table = new StringBuilder("""
            | cards loaded | seconds | cards/s | database size | load average (1 min) |
            |---|---:|---:|---:|---:|

            """);
        var total = Stopwatch.StartNew();
        long loaded = 0;
        for (var million = 1; File.Exists(BatchFiles.Part(work, million)); million++)
        {
            if (FreeGiB() < 12) throw new InvalidOperationException($"only {FreeGiB():0.0} GiB free on /work: the load stops (12 GiB must stay free)");
            var file = BatchFiles.Part(work, million);
            var watch = Stopwatch.StartNew();
            CardFeedResult result;
            await using (var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
                result = await importer.ImportNdjsonAsync(input, 10, CancellationToken.None);
            watch.Stop();
            if (result.RejectedCount > 0) throw new InvalidOperationException($"{file}: {result.RejectedCount} lines rejected");
            loaded += result.CardsCreated;
            var size = await ScalarAsync<long>(dataSource, "SELECT pg_database_size(current_database())");
            var row = string.Create(CultureInfo.InvariantCulture,
                $"| {Ordinal(million)} million ({loaded:N0}) | {watch.Elapsed.TotalSeconds:0.0} | {result.Accepted / watch.Elapsed.TotalSeconds:0} | {size / 1073741824.0:0.00} GiB | {Load().Split(' ')[0]} |");
            Console.WriteLine(row);
            table.AppendLine(row);
        }
        var importSeconds = total.Elapsed.TotalSeconds;
        if (loaded != cards) throw new InvalidOperationException($"loaded {loaded} cards of {cards}");
        await ExecAsync(dataSource, "VACUUM ANALYZE identification.holders; VACUUM ANALYZE identification.cards; CHECKPOINT");
        if (Environment.GetEnvironmentVariable("CMS_BENCH_KEEP_FEED") != "1")
            for (var million = 1; File.Exists(BatchFiles.Part(work, million)); million++) File.Delete(BatchFiles.Part(work, million));
        return table.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"\nLoaded {loaded:N0} cards through the card-feed importer in {importSeconds:0} s ({loaded / importSeconds:0} cards/s overall), then VACUUM ANALYZE and a checkpoint in {total.Elapsed.TotalSeconds - importSeconds:0} s.")).ToString();
    }

    private static string Ordinal(int n) => n + (n % 100 is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

    /// <summary>The registry's tables and indexes, shared_buffers, and how much of each the OS's page cache holds (fincore).</summary>
    private static async Task<string> SizesAsync(NpgsqlDataSource dataSource)
    {
        var text = new StringBuilder("""
            | relation | rows | size | in the OS page cache |
            |---|---:|---:|---:|

            """);
        // The postmaster works in its data directory (data_directory itself is for superusers to read).
        await ProcFs.FollowClusterAsync(dataSource);
        var dataDirectory = new DirectoryInfo($"/proc/{ProcFs.Postmaster}/cwd").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "";
        long total = 0, cached = 0, rows = 0;
        await using (var c = await dataSource.OpenConnectionAsync())
        await using (var q = new NpgsqlCommand("""
            SELECT r.oid::regclass::text, r.reltuples::bigint, pg_relation_size(r.oid), pg_relation_filepath(r.oid), r.relkind::text
            FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace
            WHERE n.nspname = 'identification' AND r.relkind IN ('r', 'i')
            ORDER BY r.relkind DESC, pg_relation_size(r.oid) DESC
            """, c))
        await using (var r = await q.ExecuteReaderAsync())
            while (await r.ReadAsync())
            {
                var (name, tuples, size, path, kind) = (r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.GetString(4));
                var inCache = CachedBytes(Path.Combine(dataDirectory, path));
                total += size;
                cached += inCache;
                if (kind == "r" && name.StartsWith("identification.", StringComparison.Ordinal)) rows += tuples;
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name}{(kind == "i" ? " (index)" : "")} | {(kind == "i" ? "" : tuples.ToString("N0", CultureInfo.InvariantCulture))} | {Mib(size)} | {Mib(inCache)} |"));
            }
        var cards = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM identification.cards");
        var holders = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM identification.holders");
        var sharedBuffers = await ScalarAsync<string>(dataSource, "SELECT current_setting('shared_buffers')");
        var memory = File.ReadLines("/proc/meminfo").Where(l => l.StartsWith("MemTotal", StringComparison.Ordinal) || l.StartsWith("Cached", StringComparison.Ordinal))
            .Select(l => l.Replace("  ", "", StringComparison.Ordinal));
        return text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"""

            Registry: {cards:N0} cards, {holders:N0} holders; tables and indexes **{Mib(total)}** ({total / (double)cards:0} bytes per card with its
            holder's share and every index), of which the OS page cache held {Mib(cached)} ({100.0 * cached / Math.Max(total, 1):0}%);
            shared_buffers {sharedBuffers}; {string.Join(", ", memory)}.
            """)).ToString();
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:N0} MiB");

    /// <summary>Bytes of a relation's files (the first segment and its .1, .2 … of a gigabyte each) resident in the page cache.</summary>
    private static long CachedBytes(string firstSegment)
    {
        var segments = new List<string>();
        for (var i = 0; File.Exists(i == 0 ? firstSegment : $"{firstSegment}.{i}"); i++) segments.Add(i == 0 ? firstSegment : $"{firstSegment}.{i}");
        if (segments.Count == 0) return 0;
        var start = new ProcessStartInfo("fincore", ["--bytes", "--noheadings", "--output", "RES", .. segments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var p = Process.Start(start)!;
            var output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Sum(l => long.TryParse(l.Trim(), out var b) ? b : 0);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 0; // no fincore (util-linux) on this machine
        }
    }

    /// <summary>
    /// The counter's identification over HTTP (IdentificationBenchmark's clients, 32, manual form): the 90 s warm-up and a window on
    /// random cards of a hot set (the 200,000 lowest card numbers: the first cards of the feed), then, after a short settle, a window
    /// on random cards of the whole registry (a uniform sample of it), then pgbench.
    /// </summary>
    private static async Task<(string Report, bool Met)> IdentificationAsync(string connectionString, NpgsqlDataSource dataSource, int cards, int seconds)
    {
        await using var bench = await CounterBench.StartOnLoadedAsync(connectionString, Key);
        var hot = await CardsAsync(dataSource, $"SELECT card_number, holder_codice_fiscale, expiry_date FROM identification.cards ORDER BY card_number LIMIT {HotCards}");
        var percent = Math.Min(100.0, 100.0 * WholeSample / cards).ToString("0.####", CultureInfo.InvariantCulture);
        var whole = await CardsAsync(dataSource,
            $"SELECT card_number, holder_codice_fiscale, expiry_date FROM identification.cards TABLESAMPLE BERNOULLI ({percent}) REPEATABLE (29)");
        static Func<BenchCard> Pick(List<BenchCard> set) => () => set[System.Random.Shared.Next(set.Count)];

        Console.WriteLine($"warm-up {CounterSetup.WarmUpSeconds} s on the hot set ({hot.Count:N0} cards); load average {Load()}");
        await IdentificationBenchmark.RunClientsAsync(bench.Http, bench.Token, Pick(hot), TimeSpan.FromSeconds(CounterSetup.WarmUpSeconds));
        // A, B, B, A: half of each set's window before the other's, half after, so that a shared machine's drift weighs on both alike;
        // each set runs SettleSeconds unmeasured before its first window (the caches follow the set).
        var half = Math.Max(1, seconds / 2);
        var hot1 = await WindowAsync(bench, Pick(hot), half);
        await IdentificationBenchmark.RunClientsAsync(bench.Http, bench.Token, Pick(whole), TimeSpan.FromSeconds(SettleSeconds));
        var whole1 = await WindowAsync(bench, Pick(whole), half);
        var whole2 = await WindowAsync(bench, Pick(whole), half);
        await IdentificationBenchmark.RunClientsAsync(bench.Http, bench.Token, Pick(hot), TimeSpan.FromSeconds(SettleSeconds));
        var hot2 = await WindowAsync(bench, Pick(hot), half);
        var hotWindow = hot1 + hot2;
        var wholeWindow = whole1 + whole2;
        foreach (var (name, w) in new[] { ("hot set (1)", hot1), ("whole registry (1)", whole1), ("whole registry (2)", whole2), ("hot set (2)", hot2) })
            Console.WriteLine($"{name}: {w.Row}");
        var (tps, transactions, pgbenchCpu) = await ActivationBenchmark.PgbenchAsync(Environment.GetEnvironmentVariable("CMS_PGBENCH_CONNECTION")!, seconds);
        var ratio = wholeWindow.P95 / Math.Max(hotWindow.P95, 1e-9);
        var met = ratio <= P95Goal && hotWindow.Failed == 0 && wholeWindow.Failed == 0;
        return (string.Create(CultureInfo.InvariantCulture, $"""

            Identification (POST /api/v1/cards/identify, manual; {IdentificationBenchmark.Clients} clients; {CounterSetup.WarmUpSeconds} s warm-up on the hot set, {SettleSeconds} s on a set before its first window; windows in the order hot, whole, whole, hot, each half of {seconds} s):

            | cards identified (random) | seconds | per second | ÷ pgbench | p50 / p95 / p99 ms | failed | trail entries / answers | CPU per identification: machine / API / PostgreSQL ms | registry blocks: shared_buffers hits / reads | read from disk | load (1 min) |
            |---|---:|---:|---:|---|---:|---|---|---:|---:|---:|
            | hot set: the first {hot.Count:N0} cards | {hotWindow.Row.Replace("RATIO", (hotWindow.PerSecond / tps).ToString("0.00", CultureInfo.InvariantCulture), StringComparison.Ordinal)}
            | whole registry: {cards:N0} cards (a uniform sample of {whole.Count:N0}) | {wholeWindow.Row.Replace("RATIO", (wholeWindow.PerSecond / tps).ToString("0.00", CultureInfo.InvariantCulture), StringComparison.Ordinal)}
            | pgbench TPC-B-like (scale 10), right after | {seconds} | {tps:0.0} | | | | | {CounterSetup.Ms(pgbenchCpu.Machine, transactions)} / / {CounterSetup.Ms(pgbenchCpu.Postgres, transactions)} | | | |

            p95 whole registry ÷ hot set: **{ratio:0.00}** (goal ≤ {P95Goal:0.00}: {(met ? "met" : "MISSED")}); identifications ÷ pgbench (issue 29's goal ≥ 1.0,
            known to be missed at any size on this machine): {hotWindow.PerSecond / tps:0.00} hot, {wholeWindow.PerSecond / tps:0.00} whole.
            """), met);
    }

    /// <summary>One measured window, or several added: rate, latency, CPU, the registry's block reads and the cluster's reads from the disk.</summary>
    private sealed record Window(long Done, long Failed, TimeSpan Elapsed, double[] Latencies, TimeSpan Machine, TimeSpan Postgres, TimeSpan Api,
        long Hits, long Reads, long Disk, long Trail, string Load)
    {
        public double PerSecond => Done / Elapsed.TotalSeconds;
        public double P95 => CounterSetup.Quantile(Latencies, 0.95);

        public static Window operator +(Window a, Window b) => new(a.Done + b.Done, a.Failed + b.Failed, a.Elapsed + b.Elapsed,
            [.. a.Latencies.Concat(b.Latencies).Order()], a.Machine + b.Machine, a.Postgres + b.Postgres, a.Api + b.Api, a.Hits + b.Hits,
            a.Reads + b.Reads, a.Disk + b.Disk, a.Trail + b.Trail, a.Load + " " + b.Load);

        public string Row
        {
            get
            {
                double P(double q) => CounterSetup.Quantile(Latencies, q);
                return string.Create(CultureInfo.InvariantCulture,
                    $"{Elapsed.TotalSeconds:0.0} | {PerSecond:0.0} | RATIO | {P(0.5):0.0} / {P(0.95):0.0} / {P(0.99):0.0} | {Failed} | {Trail} / {Done} | {CounterSetup.Ms(Machine, Done)} / {CounterSetup.Ms(Api, Done)} / {CounterSetup.Ms(Postgres, Done)} | {Hits / Math.Max(Done, 1.0):0.0} / {Reads / Math.Max(Done, 1.0):0.00} per identification ({100.0 * Hits / Math.Max(Hits + Reads, 1):0.0}% hits) | {Disk / 1048576.0:0.0} MiB | {Load} |");
            }
        }
    }

    private static async Task<Window> WindowAsync(CounterBench bench, Func<BenchCard> next, int seconds)
    {
        var trailBefore = await IdentificationBenchmark.IdentificationsInTrailAsync(bench.DataSource);
        var blocksBefore = await BlocksAsync(bench.DataSource);
        var diskBefore = ProcFs.ClusterReadBytes();
        var cpu = new CpuWindow(bench.Api.Id);
        var (done, failed, elapsed, latencies) = await IdentificationBenchmark.RunClientsAsync(bench.Http, bench.Token, next, TimeSpan.FromSeconds(seconds));
        var (machine, postgres, api) = cpu.Stop();
        var disk = ProcFs.ClusterReadBytes() - diskBefore;
        var load = Load().Split(' ')[0];
        await Task.Delay(11_000); // a backend gone idle flushes its statistics to the shared counters within 10 s (PostgreSQL 15)
        var blocksAfter = await BlocksAsync(bench.DataSource);
        var trail = await IdentificationBenchmark.IdentificationsInTrailAsync(bench.DataSource) - trailBefore;
        return new Window(done, failed, elapsed, latencies, machine, postgres, api, blocksAfter.Hits - blocksBefore.Hits,
            blocksAfter.Reads - blocksBefore.Reads, disk, trail, load);
    }

    /// <summary>Blocks of the registry's tables and indexes found in shared_buffers and read from the OS so far.</summary>
    private static async Task<(long Hits, long Reads)> BlocksAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT coalesce(sum(heap_blks_hit + coalesce(idx_blks_hit, 0)), 0)::bigint, coalesce(sum(heap_blks_read + coalesce(idx_blks_read, 0)), 0)::bigint
            FROM pg_statio_user_tables WHERE schemaname = 'identification'
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task<List<BenchCard>> CardsAsync(NpgsqlDataSource dataSource, string sql)
    {
        var cards = new List<BenchCard>();
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) cards.Add(new BenchCard(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2)));
        return cards;
    }

    /// <summary>
    /// The card feed at size: the further feed (new cards and updates of cards in the registry) imported by Cms into the full registry,
    /// beside PostgreSQL's COPY of the same rows — the new holders and cards straight into the tables, the updated rows into a
    /// temporary table applied by one UPDATE per table — in a transaction rolled back. Both start from the same registry: the COPY
    /// first, rolled back, then VACUUM; after the import, its new cards and holders are deleted, the updated holders and cards put
    /// back, and VACUUM again, so that the registry ends at its count and content.
    /// </summary>
    private static async Task<(string Report, bool Met)> FeedAtSizeAsync(NpgsqlDataSource dataSource, int cards, BatchFiles files)
    {
        var newNumbers = (await File.ReadAllLinesAsync(files.NewNumbers)).Where(l => l.Length > 0).ToArray();
        var updated = File.ReadLines(files.Updates).Count();
        var lines = newNumbers.Length + updated;
        Console.WriteLine($"the feed at size: {newNumbers.Length:N0} new cards + {updated:N0} updates; load average {Load()}");
        await ExecAsync(dataSource, "CHECKPOINT");

        // 1. PostgreSQL's COPY of the same rows, rolled back.
        var copyWatch = Stopwatch.StartNew();
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await FeedCsv.CopyFileAsync(connection, FeedCsv.CopyHolders, files.NewHolders);
            await FeedCsv.CopyFileAsync(connection, FeedCsv.CopyCards, files.NewCards);
            await using (var temp = new NpgsqlCommand(
                "CREATE TEMP TABLE scale_updates (codice_fiscale character(16), residence_address text, card_number character(20), certificate_serial text, certificate_issuer text) ON COMMIT DROP",
                connection, tx)) await temp.ExecuteNonQueryAsync();
            await FeedCsv.CopyFileAsync(connection, "COPY scale_updates FROM STDIN (FORMAT csv)", files.Updates);
            await using (var apply = new NpgsqlCommand("""
                UPDATE identification.holders h SET residence_address = u.residence_address FROM scale_updates u WHERE h.codice_fiscale = u.codice_fiscale;
                UPDATE identification.cards c SET certificate_serial = u.certificate_serial, certificate_issuer = u.certificate_issuer
                FROM scale_updates u WHERE c.card_number = u.card_number
                """, connection, tx) { CommandTimeout = 3600 }) await apply.ExecuteNonQueryAsync();
            copyWatch.Stop();
            await tx.RollbackAsync();
        }
        var vacuum = Stopwatch.StartNew();
        await ExecAsync(dataSource, "VACUUM identification.holders; VACUUM identification.cards; CHECKPOINT");
        var vacuumSeconds = vacuum.Elapsed.TotalSeconds;

        // 2. Cms's import of the feed into the same registry.
        var importer = new CardFeedImporter(dataSource, Cipher(), Options.Create(new CmsOptions()));
        var importWatch = Stopwatch.StartNew();
        CardFeedResult result;
        await using (var input = new FileStream(files.Batch, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            result = await importer.ImportNdjsonAsync(input, 10, CancellationToken.None);
        importWatch.Stop();
        if (result.CardsCreated != newNumbers.Length || result.CardsAlreadyPresent != updated)
            throw new InvalidOperationException($"the feed at size: {result.CardsCreated} created, {result.CardsAlreadyPresent} present, {result.RejectedCount} rejected");

        // 3. Back to the registry as loaded: the new cards and their holders deleted, the updated ones as they were.
        var restore = Stopwatch.StartNew();
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await using (var delete = new NpgsqlCommand("""
                CREATE TEMP TABLE scale_new ON COMMIT DROP AS
                  SELECT card_number, holder_codice_fiscale FROM identification.cards WHERE card_number = ANY(@numbers::character(20)[]);
                DELETE FROM identification.cards WHERE card_number IN (SELECT card_number FROM scale_new);
                DELETE FROM identification.holders WHERE codice_fiscale IN (SELECT holder_codice_fiscale FROM scale_new)
                  AND NOT EXISTS (SELECT 1 FROM identification.cards c WHERE c.holder_codice_fiscale = holders.codice_fiscale)
                """, connection, tx) { CommandTimeout = 3600 })
            {
                delete.Parameters.AddWithValue("numbers", newNumbers);
                await delete.ExecuteNonQueryAsync();
            }
            await using (var temp = new NpgsqlCommand(
                "CREATE TEMP TABLE scale_updates (codice_fiscale character(16), residence_address text, card_number character(20), certificate_serial text, certificate_issuer text) ON COMMIT DROP",
                connection, tx)) await temp.ExecuteNonQueryAsync();
            await FeedCsv.CopyFileAsync(connection, "COPY scale_updates FROM STDIN (FORMAT csv)", files.Updates);
            await using (var clear = new NpgsqlCommand(
                "UPDATE identification.cards c SET certificate_serial = NULL, certificate_issuer = NULL FROM scale_updates u WHERE c.card_number = u.card_number",
                connection, tx) { CommandTimeout = 3600 }) await clear.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
        await using (var input = File.OpenRead(files.Revert))
            _ = await importer.ImportNdjsonAsync(input, 10, CancellationToken.None); // the holders' residence as loaded
        await ExecAsync(dataSource, "VACUUM ANALYZE identification.holders; VACUUM ANALYZE identification.cards");
        var count = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM identification.cards");
        var changed = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM identification.cards WHERE certificate_serial IS NOT NULL");
        if (count != cards || changed != 0) throw new InvalidOperationException($"the registry holds {count} cards ({changed} with a certificate) after the feed at size, not {cards}");

        var copyRate = lines / copyWatch.Elapsed.TotalSeconds;
        var importRate = lines / importWatch.Elapsed.TotalSeconds;
        var ratio = importRate / copyRate;
        return (string.Create(CultureInfo.InvariantCulture, $"""

            The card feed at size ({cards:N0} cards in the registry; {newNumbers.Length:N0} new cards and {updated:N0} updates — the holder moved, the card got its certificate):

            | what | lines | seconds | lines/s |
            |---|---:|---:|---:|
            | PostgreSQL COPY (CSV, codes sealed; the updates COPYed into a temporary table and applied by one UPDATE per table), rolled back | {lines} | {copyWatch.Elapsed.TotalSeconds:0.0} | {copyRate:0} |
            | Cms card-feed import (NDJSON: parse, check, seal, COPY, merge) | {lines} | {importWatch.Elapsed.TotalSeconds:0.0} | {importRate:0} |

            Import / COPY rate: **{ratio:0.00}** (goal ≥ {FeedGoal:0.00}: {(ratio >= FeedGoal ? "met" : "MISSED")}). VACUUM after the rollback {vacuumSeconds:0} s; the registry put back
            ({count:N0} cards) in {restore.Elapsed.TotalSeconds:0} s; load average {Load()}.
            """), ratio >= FeedGoal);
    }

    private static async Task ExecAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var command = new NpgsqlCommand(statement, c) { CommandTimeout = 3600 };
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

    private static double FreeGiB() => new DriveInfo("/work").AvailableFreeSpace / 1073741824.0;
}
