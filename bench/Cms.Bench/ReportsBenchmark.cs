using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Cms.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cms.Bench;

/// <summary>
/// Reports at scale (issue 6): a trail of N operations (default 10,000,000) over 3 years, 5,000 counters and 15,000
/// operators; an operator's one-month report and an auditor's one-year per-counter statistics through the API, each beside
/// the same SQL run directly on the cluster in the same run.
///   bench/run.sh reports [operations]
/// With CMS_BENCH_REUSE=1 a database already seeded by an earlier run with the same schema is measured again as it is.
/// </summary>
public static class ReportsBenchmark
{
    private const int Counters = 5_000, Operators = 15_000, Samples = 200, MeasuredRounds = 5;
    private const string Password = "Bench-Operator-Pwd-1";

    public static async Task<int> RunAsync(string[] args)
    {
        var operations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000_000;
        var connectionString = Environment.GetEnvironmentVariable("CMS_BENCH_CONNECTION")!;
        var apiDll = Environment.GetEnvironmentVariable("CMS_API_DLL")!;
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();

        if (Environment.GetEnvironmentVariable("CMS_BENCH_REUSE") == "1" && await SeededAsync(dataSource, operations))
        {
            Console.WriteLine($"reusing the {operations:N0} operations already seeded");
            return await MeasureAsync(dataSource, connectionString, apiDll, operations);
        }
        return await SeedAsync(dataSource, operations) ? await MeasureAsync(dataSource, connectionString, apiDll, operations) : 2;
    }

    /// <summary>A fresh database: the schema, the counters and operators, then the trail (<see cref="TrailSeed"/>).</summary>
    internal static async Task<bool> SeedAsync(NpgsqlDataSource dataSource, int operations)
    {
        await BenchDatabase.DropEverythingAsync(dataSource);
        await using (var db = new CmsDbContext(new DbContextOptionsBuilder<CmsDbContext>().UseNpgsql(dataSource,
            o => o.MigrationsHistoryTable("__EFMigrationsHistory", "public")).Options))
            await db.Database.MigrateAsync();

        var hash = new Cms.Infrastructure.Security.Pbkdf2PasswordHasher(Microsoft.Extensions.Options.Options.Create(
            new Cms.Infrastructure.Security.PasswordHashingOptions { Iterations = 1000 })).Hash(Password);
        await ExecAsync(dataSource, $"""
            INSERT INTO administration.counters (code, name, type, region, active)
            SELECT 'C' || lpad(c::text, 5, '0'), 'Sportello ' || c, 'ASL', '090', true FROM generate_series(0, {Counters - 1}) c;
            INSERT INTO administration.operators (id, codice_fiscale, given_name, surname, counter_code, roles, enabled_for_cms, password_hash,
                password_changed_at)
            SELECT md5('op' || o)::uuid, upper(substr(md5('cf' || o), 1, 16)), 'Operatore', 'N' || o, 'C' || lpad((o % {Counters})::text, 5, '0'),
                   ARRAY['Operator'], true, '{hash}', now()
            FROM generate_series(0, {Operators - 1}) o;
            """);
        // The holders and the trail, written as the application would (types, outcomes, confirms, time-ordered ids), three years
        // back from now. The chain's triggers are lifted for the bulk load: its cost per entry is measured on its own below.
        return await TrailSeed.SeedAsync(dataSource, operations, Operators, Counters);
    }

    internal static async Task<bool> SeededAsync(NpgsqlDataSource dataSource, int operations)
    {
        try
        {
            await using (var db = new CmsDbContext(new DbContextOptionsBuilder<CmsDbContext>().UseNpgsql(dataSource,
                o => o.MigrationsHistoryTable("__EFMigrationsHistory", "public")).Options))
                if ((await db.Database.GetPendingMigrationsAsync()).Any()) return false;
            await using var c = await dataSource.OpenConnectionAsync();
            await using var q = new NpgsqlCommand("SELECT operations FROM public.bench_seed WHERE version = @v", c);
            q.Parameters.AddWithValue("v", TrailSeed.Version);
            return await q.ExecuteScalarAsync() is long seeded && seeded == operations;
        }
        catch (PostgresException)
        {
            return false;
        }
    }

    private static async Task<int> MeasureAsync(NpgsqlDataSource dataSource, string connectionString, string apiDll, int operations)
    {
        var hash = new Cms.Infrastructure.Security.Pbkdf2PasswordHasher(Microsoft.Extensions.Options.Options.Create(
            new Cms.Infrastructure.Security.PasswordHashingOptions { Iterations = 1000 })).Hash(Password);

        // The trail's write cost at this size and on a small trail (CMS_BENCH_SMALL_DB, default cms_bench_small, 200,000 entries,
        // seeded the first time), before the API starts: nothing else chains the entries meanwhile.
        var holders = TrailSeed.HoldersFor(operations);
        var writes = int.TryParse(Environment.GetEnvironmentVariable("CMS_BENCH_TRAIL_WRITES"), out var wn) ? wn : 5000;
        var small = new NpgsqlConnectionStringBuilder(connectionString) { Database = Environment.GetEnvironmentVariable("CMS_BENCH_SMALL_DB") ?? "cms_bench_small" };
        await using (var c = await dataSource.OpenConnectionAsync())
        await using (var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @n", c))
        {
            exists.Parameters.AddWithValue("n", small.Database!);
            if ((long)(await exists.ExecuteScalarAsync())! == 0)
                await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{small.Database}\"", c)) await create.ExecuteNonQueryAsync();
        }
        var smallSource = new NpgsqlDataSourceBuilder(small.ConnectionString).Build();
        const int SmallTrail = 200_000;
        if (!await SeededAsync(smallSource, SmallTrail) && !await SeedAsync(smallSource, SmallTrail)) return 2;
        var writeSmall = await TrailReads.WriteCostAsync(smallSource, writes, TrailSeed.HoldersFor(SmallTrail), Operators, Counters);
        var writeLarge = await TrailReads.WriteCostAsync(dataSource, writes, holders, Operators, Counters);
        var writeSmall2 = await TrailReads.WriteCostAsync(smallSource, writes, TrailSeed.HoldersFor(SmallTrail), Operators, Counters);
        Console.WriteLine($"trail writes: {writes} entries on {SmallTrail:N0}, on {operations:N0}, on {SmallTrail:N0} again");

        var url = BenchApi.Url(5098);
        var start = BenchApi.StartInfo(apiDll, url, new Dictionary<string, string>
        {
            ["ConnectionStrings__Cms"] = connectionString,
            ["CodeEncryption__ActiveKeyId"] = "bench",
            ["CodeEncryption__Keys__bench"] = Convert.ToBase64String(new byte[32]),
            ["Jwt__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Security__PasswordHashing__Iterations"] = "1000",
            ["Hangfire__ServerEnabled"] = "false",
            // Two hundred operators sign in from this one address within the minute (production allows 30 per address).
            ["Hardening__SignIn__PermitLimit"] = "100000",
            ["Delivery__PickupFolder"] = BenchWork.Folder("pickup"),
        });
        using var api = Process.Start(start)!;
        api.OutputDataReceived += (_, _) => { };
        api.ErrorDataReceived += (_, _) => { };
        api.BeginOutputReadLine();
        api.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
            for (var i = 0; i < 120 && !(await TryAsync(() => http.GetAsync("/health/ready"))); i++) await Task.Delay(500);

            // An auditor for the statistics (operators get their own reports).
            await ExecAsync(dataSource, $"""
                INSERT INTO administration.operators (id, codice_fiscale, given_name, surname, counter_code, roles, enabled_for_cms, password_hash,
                    password_changed_at)
                VALUES (md5('auditor')::uuid, '{AuditorCf}', 'Revisore', 'Bench', NULL, ARRAY['Auditor'], true, '{hash}', now())
                ON CONFLICT DO NOTHING
                """);

            var month = DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(-6);
            var from = new DateOnly(month.Year, month.Month, 1);
            var to = from.AddMonths(1).AddDays(-1);
            var random = new Random(11);
            var picks = Enumerable.Range(0, Samples).Select(_ => random.Next(Operators)).ToList();
            var tokens = new Dictionary<int, string>();
            foreach (var o in picks.Distinct())
            {
                // The sampled operators get real codici fiscali (sign-in checks them); the trail knows them by id.
                await ExecAsync(dataSource, $"UPDATE administration.operators SET codice_fiscale = '{OperatorCf(o)}' WHERE id = md5('op' || {o})::uuid");
                tokens[o] = await TokenAsync(http, OperatorCf(o));
            }

            async Task<int> ReportAsync(int o)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/reports/my-operations?from={Iso(from)}&to={Iso(to)}");
                request.Headers.Authorization = new("Bearer", tokens[o]);
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32();
            }

            // Warm-up: the runtime's tiered JIT recompiles the hot paths after their first calls (with the activations, a minute
            // and more under load); measuring before that measures the compiler (bench/README.md, "Activations").
            var warmUp = TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("CMS_BENCH_WARMUP"), out var w) ? w : 60);
            var auditor = await TokenAsync(http, AuditorCf);
            var yearFrom = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-1);
            async Task StatisticsAsync()
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/audit/statistics?from={Iso(yearFrom)}&to={Iso(DateOnly.FromDateTime(DateTime.UtcNow))}");
                request.Headers.Authorization = new("Bearer", auditor);
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
            }
            var warming = Stopwatch.StartNew();
            for (var i = 0; warming.Elapsed < warmUp; i++)
            {
                await ReportAsync(picks[i % picks.Count]);
                await MonthlyReportSqlAsync(dataSource, picks[i % picks.Count], from, to);
                await MonthlyReportSqlAsync(dataSource, picks[i % picks.Count], from, to, asTheApi: true);
                if (i % 50 == 0) await StatisticsAsync();
            }

            // The measured samples: the API, the report's query alone, and every statement the API sends for a report (the
            // operator's header, the query, the report's own trail entry, the commit), straight on the cluster.
            var apiTimes = new List<double>();
            var sqlTimes = new List<double>();
            var recordedTimes = new List<double>();
            var rows = 0;
            // Each operator's report five times over (1,000 samples): a p95 of 200 samples moved by a third from run to run.
            foreach (var o in Enumerable.Repeat(picks, MeasuredRounds).SelectMany(p => p))
            {
                var sw = Stopwatch.StartNew();
                rows += await ReportAsync(o);
                apiTimes.Add(sw.Elapsed.TotalMilliseconds);

                sw.Restart();
                await MonthlyReportSqlAsync(dataSource, o, from, to);
                sqlTimes.Add(sw.Elapsed.TotalMilliseconds);

                sw.Restart();
                await MonthlyReportSqlAsync(dataSource, o, from, to, asTheApi: true);
                recordedTimes.Add(sw.Elapsed.TotalMilliseconds);
            }

            var statsApi = new List<double>();
            var statsSql = new List<double>();
            var statsTrail = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var sw = Stopwatch.StartNew();
                await YearlyStatisticsFromTrailSqlAsync(dataSource, yearFrom);
                if (i > 0) statsTrail.Add(sw.Elapsed.TotalMilliseconds);
            }
            for (var i = 0; i < 21; i++)
            {
                var sw = Stopwatch.StartNew();
                await StatisticsAsync();
                if (i > 0) statsApi.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                await YearlyStatisticsSqlAsync(dataSource, yearFrom);
                if (i > 0) statsSql.Add(sw.Elapsed.TotalMilliseconds);
            }

            // The trail's reads that grow with it: a card's history, a person's access report, the auditor's listing.
            var sampled = Enumerable.Range(0, TrailReads.Samples).Select(_ => random.Next(holders)).Distinct().ToList();
            await TrailReads.AddCardsAsync(dataSource, sampled);
            var first = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-3).AddDays(2);
            var days = Enumerable.Range(0, TrailReads.Samples).Select(_ => first.AddDays(random.Next(3 * 365 - 4))).ToList();
            var counterMonths = Enumerable.Range(0, TrailReads.Samples).Select(_ =>
            {
                var m = first.AddMonths(1 + random.Next(33));
                return (Counter: "C" + random.Next(Counters).ToString("D5", CultureInfo.InvariantCulture), From: new DateOnly(m.Year, m.Month, 1));
            }).ToList();
            async Task GetAsync(string path)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Authorization = new("Bearer", auditor);
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }
            static DateTimeOffset Utc(DateOnly d) => new(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            // Warm the new reads' code paths (not their pages: each sample below is another card, person, day or counter).
            var warmRandom = new Random(5);
            for (var i = 0; i < 200; i++)
            {
                var h = warmRandom.Next(holders);
                await GetAsync($"/api/v1/audit/subject-access/{TrailSeed.HolderCf(h)}");
                await GetAsync($"/api/v1/audit/operations?from={Iso(days[i % days.Count])}&to={Iso(days[i % days.Count])}");
                await TrailReads.QueryRecordedAsync(dataSource, TrailReads.SubjectAccessSql, ("cf", TrailSeed.HolderCf(h)));
            }
            await TrailReads.AddCardsAsync(dataSource, [sampled[0]]);
            for (var i = 0; i < 50; i++) await GetAsync($"/api/v1/cards/{TrailSeed.CardOf(sampled[0])}/history");
            var reads = new List<TrailReads.Read>
            {
                await TrailReads.MeasureAsync("a card's history (`GET /api/v1/cards/{cardNumber}/history`)", "p95 ≤ 50 ms", 50, sampled,
                    h => GetAsync($"/api/v1/cards/{TrailSeed.CardOf(h)}/history"),
                    h => TrailReads.QueryRecordedAsync(dataSource, TrailReads.CardHistorySql, ("cards", new[] { TrailSeed.CardOf(h) }))),
                await TrailReads.MeasureAsync("a person's access report (`GET /api/v1/audit/subject-access/{codiceFiscale}`)", "p95 ≤ 500 ms", 500, sampled,
                    h => GetAsync($"/api/v1/audit/subject-access/{TrailSeed.HolderCf(h)}"),
                    h => TrailReads.QueryRecordedAsync(dataSource, TrailReads.SubjectAccessSql, ("cf", TrailSeed.HolderCf(h)))),
                await TrailReads.MeasureAsync("the auditor's listing, first page of a day (`GET /api/v1/audit/operations?from=D&to=D`)", "p95 ≤ 200 ms", 200, days,
                    d => GetAsync($"/api/v1/audit/operations?from={Iso(d)}&to={Iso(d)}"),
                    d => TrailReads.QueryRecordedAsync(dataSource, TrailReads.DayListingSql, ("from", Utc(d)), ("to", Utc(d.AddDays(1))))),
                await TrailReads.MeasureAsync("the auditor's listing, first page of a counter's month (`…?counter=C&from=…&to=…`)", "p95 ≤ 200 ms", 200, counterMonths,
                    cm => GetAsync($"/api/v1/audit/operations?counter={cm.Counter}&from={Iso(cm.From)}&to={Iso(cm.From.AddMonths(1).AddDays(-1))}"),
                    cm => TrailReads.QueryRecordedAsync(dataSource, TrailReads.CounterMonthListingSql, ("counter", cm.Counter), ("from", Utc(cm.From)),
                        ("to", Utc(cm.From.AddMonths(1))))),
            };

            double P95(List<double> l) => l.Order().ElementAt((int)Math.Ceiling(l.Count * 0.95) - 1);
            var report = string.Create(CultureInfo.InvariantCulture, $"""
                {operations:N0} operations over 3 years, {Counters:N0} counters, {Operators:N0} operators; {Samples} operators' reports for {from:yyyy-MM} (about {rows / (double)apiTimes.Count:0} rows each), each measured {MeasuredRounds} times, after {warmUp.TotalSeconds:0} s of warm-up

                | what | p50 ms | p95 ms | goal |
                |---|---:|---:|---|
                | operator's one-month report, API (`GET /api/v1/reports/my-operations`) | {P50(apiTimes):0.00} | {P95(apiTimes):0.00} | p95 ≤ 20 ms and ≤ 1.5× its SQL |
                | the report's SQL as the API sends it (header, query, its trail entry, commit), straight on the cluster | {P50(recordedTimes):0.00} | {P95(recordedTimes):0.00} | |
                | the report's query alone, straight on the cluster | {P50(sqlTimes):0.00} | {P95(sqlTimes):0.00} | |
                | auditor's one-year statistics per counter and day, API (`GET /api/v1/audit/statistics`) | {P50(statsApi):0.0} | {P95(statsApi):0.0} | ≤ 500 ms |
                | the same statistics' SQL (on the roll-ups), straight on the cluster | {P50(statsSql):0.0} | {P95(statsSql):0.0} | |
                | the same statistics counted from the trail itself, straight on the cluster | {P50(statsTrail):0.0} | {P95(statsTrail):0.0} | |

                Report API / its SQL at p95: **{P95(apiTimes) / P95(recordedTimes):0.00}×** (at p50 {P50(apiTimes) / P50(recordedTimes):0.00}×; API / the query alone at p95: {P95(apiTimes) / P95(sqlTimes):0.00}×)
                """);
            var trail = new System.Text.StringBuilder();
            trail.AppendLine(CultureInfo.InvariantCulture, $"""

                The trail's reads that grow with it ({TrailReads.Samples} samples each: another card, person, day or counter's month every time; {holders:N0} people, about {operations / (double)holders:0} entries each)

                | what | API p50 ms | API p95 ms | its SQL p50 ms | its SQL p95 ms | API / SQL at p95 | goal |
                |---|---:|---:|---:|---:|---:|---|
                """);
            foreach (var r in reads)
                trail.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Name} | {P50(r.Api):0.00} | {P95(r.Api):0.00} | {P50(r.Sql):0.00} | {P95(r.Sql):0.00} | {P95(r.Api) / P95(r.Sql):0.00}× | {r.Goal}{(P95(r.Api) <= r.GoalP95 ? "" : " — **missed**")} |");
            trail.AppendLine(CultureInfo.InvariantCulture, $"""

                The trail's write cost ({writes:N0} entries, one per transaction, then chained by `audit.chain_pending(5000)`; CPU of the backend from /proc)

                | trail | insert ms per entry | insert CPU ms | chain ms per entry | chain CPU ms |
                |---|---:|---:|---:|---:|
                | {SmallTrail:N0} entries (before) | {writeSmall.InsertMs:0.000} | {writeSmall.InsertCpuMs:0.000} | {writeSmall.ChainMs:0.000} | {writeSmall.ChainCpuMs:0.000} |
                | {operations:N0} entries | {writeLarge.InsertMs:0.000} | {writeLarge.InsertCpuMs:0.000} | {writeLarge.ChainMs:0.000} | {writeLarge.ChainCpuMs:0.000} |
                | {SmallTrail:N0} entries (after) | {writeSmall2.InsertMs:0.000} | {writeSmall2.InsertCpuMs:0.000} | {writeSmall2.ChainMs:0.000} | {writeSmall2.ChainCpuMs:0.000} |

                Write CPU per entry (insert + chain) at {operations:N0} / on the small trail: **{WriteRatio():0.00}×** (goal ≤ 1.5×)
                """);
            double WriteRatio() => (writeLarge.InsertCpuMs + writeLarge.ChainCpuMs)
                / ((writeSmall.InsertCpuMs + writeSmall.ChainCpuMs + writeSmall2.InsertCpuMs + writeSmall2.ChainCpuMs) / 2);
            report += trail.ToString();
            Console.WriteLine(report);
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "reports-last.md"), report);
            return P95(apiTimes) <= 20 && P95(apiTimes) <= 1.5 * P95(recordedTimes) && P95(statsApi) <= 500
                && reads.All(r => P95(r.Api) <= r.GoalP95) && WriteRatio() <= 1.5 ? 0 : 1;
        }
        finally
        {
            api.Kill(entireProcessTree: true);
        }
    }

    private static double P50(List<double> l) => l.Order().ElementAt(l.Count / 2);

    private static readonly string AuditorCf = Cms.Domain.Common.CodiceFiscale.Compute("Revisore", "Bench", new DateOnly(1975, 5, 5), 'F', "D612");

    private static string OperatorCf(int o) =>
        Cms.Domain.Common.CodiceFiscale.Compute("Bench" + (char)('A' + o % 26) + (char)('A' + o / 26 % 26), "Operatore" + (char)('A' + o / 676 % 26),
            new DateOnly(1960, 1, 1).AddDays(o), 'M', "D612");

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// What the report's handler asks (the done counter operations of the month, the holder's name) — alone, or
    /// <paramref name="asTheApi"/>: every statement the API sends for the report, in its transaction (the operator for the
    /// header, the query, the report's own trail entry, the commit).
    /// </summary>
    private static async Task MonthlyReportSqlAsync(NpgsqlDataSource dataSource, int o, DateOnly from, DateOnly to, bool asTheApi = false)
    {
        var op = new Guid(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes("op" + o)), bigEndian: true);
        await using var c = await dataSource.OpenConnectionAsync();
        await using var transaction = asTheApi ? await c.BeginTransactionAsync() : null;
        if (asTheApi)
        {
            await using var me = new NpgsqlCommand("""
                SELECT o.codice_fiscale, o.given_name || ' ' || o.surname, o.counter_code
                FROM administration.operators AS o WHERE o.id = @op LIMIT 2
                """, c, transaction);
            me.Parameters.AddWithValue("op", op);
            await using var r = await me.ExecuteReaderAsync();
            while (await r.ReadAsync()) { }
        }
        await using var q = new NpgsqlCommand("""
            SELECT o.occurred_at, o.type, o.holder_codice_fiscale, h.surname || ' ' || h.given_name, o.card_number, o.request_id
            FROM audit.operations o LEFT JOIN identification.holders h ON o.holder_codice_fiscale = h.codice_fiscale
            WHERE o.operator_id = @op AND o.type = ANY(@types) AND o.outcome = 'SUCCEEDED'
              AND (o.detail LIKE 'confirm%' OR o.type IN ('SUSPENSION', 'REACTIVATION'))
              AND o.occurred_at >= @from AND o.occurred_at < @to
            ORDER BY o.occurred_at LIMIT 20000
            """, c, transaction);
        q.Parameters.AddWithValue("op", op);
        q.Parameters.AddWithValue("types", new[] { "ACTIVATION", "REPRINT", "REVOCATION", "FSE_CONSENTS", "READER_DELIVERY", "SUSPENSION", "REACTIVATION" });
        q.Parameters.AddWithValue("from", new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        q.Parameters.AddWithValue("to", new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        await using (var r = await q.ExecuteReaderAsync())
            while (await r.ReadAsync()) { }
        if (transaction is null) return;
        // The report's own entry in the trail (reading it is recorded), committed with the read, as the API does.
        await using var entry = new NpgsqlCommand("""
            INSERT INTO audit.operations (id, occurred_at, type, outcome, operator_id, operator_codice_fiscale, counter_code, region, detail)
            VALUES (gen_random_uuid(), now(), 'REPORT_CONSULTATION', 'SUCCEEDED', @op, 'BENCH', 'C00000', '090', 'my-operations (bench)')
            """, c, transaction);
        entry.Parameters.AddWithValue("op", op);
        await entry.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    /// <summary>What the statistics' handler asks: per day from the region's daily counts, per counter from the monthly
    /// counts of the whole months and the daily counts of the days at both ends.</summary>
    private static async Task YearlyStatisticsSqlAsync(NpgsqlDataSource dataSource, DateOnly from)
    {
        var to = DateOnly.FromDateTime(DateTime.UtcNow);
        var span = Cms.Application.Reporting.GetAuditStatistics.MonthSpan.Within(from, to)!;
        await using var c = await dataSource.OpenConnectionAsync();
        async Task RunAsync(string sql, params (string Name, object Value)[] parameters)
        {
            await using var q = new NpgsqlCommand(sql, c) { CommandTimeout = 600 };
            foreach (var (name, value) in parameters) q.Parameters.AddWithValue(name, value);
            await using var r = await q.ExecuteReaderAsync();
            while (await r.ReadAsync()) { }
        }
        await RunAsync("SELECT day, sum(operations) FROM audit.region_day_counts WHERE day >= @from AND day <= @to GROUP BY day", ("from", from), ("to", to));
        await RunAsync("SELECT counter_code, sum(operations) FROM audit.counter_month_counts WHERE month >= @first AND month <= @last GROUP BY counter_code",
            ("first", span.First!.Value), ("last", span.Last!.Value));
        foreach (var days in new[] { span.DaysBefore, span.DaysAfter })
            if (days is { } d)
                await RunAsync("SELECT counter_code, sum(operations) FROM audit.counter_day_counts WHERE day >= @from AND day <= @to GROUP BY counter_code",
                    ("from", d.From), ("to", d.To));
    }

    /// <summary>The same statistics counted from the trail itself, as before the roll-ups (for comparison).</summary>
    private static async Task YearlyStatisticsFromTrailSqlAsync(NpgsqlDataSource dataSource, DateOnly from)
    {
        const string Done = """
            FROM audit.operations o
            WHERE o.type = ANY(@types) AND o.outcome = 'SUCCEEDED' AND (o.detail LIKE 'confirm%' OR o.type IN ('SUSPENSION', 'REACTIVATION'))
              AND o.occurred_at >= @from AND o.occurred_at < @to
            """;
        await using var c = await dataSource.OpenConnectionAsync();
        foreach (var sql in new[] { "SELECT o.counter_code, count(*) " + Done + " GROUP BY o.counter_code",
                     "SELECT date_trunc('day', o.occurred_at AT TIME ZONE 'UTC'), count(*) " + Done + " GROUP BY 1" })
        {
            await using var q = new NpgsqlCommand(sql, c) { CommandTimeout = 600 };
            q.Parameters.AddWithValue("types", new[] { "ACTIVATION", "REPRINT", "REVOCATION", "FSE_CONSENTS", "READER_DELIVERY", "SUSPENSION", "REACTIVATION" });
            q.Parameters.AddWithValue("from", new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
            q.Parameters.AddWithValue("to", new DateTimeOffset(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
            await using var r = await q.ExecuteReaderAsync();
            while (await r.ReadAsync()) { }
        }
    }

    private static async Task<string> TokenAsync(HttpClient http, string cf)
    {
        var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = cf, password = Password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task<bool> TryAsync(Func<Task<HttpResponseMessage>> call)
    {
        try
        {
            return (await call()).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task ExecAsync(NpgsqlDataSource dataSource, string sql, int timeoutSeconds = 600)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await using var q = new NpgsqlCommand(sql, c) { CommandTimeout = timeoutSeconds };
        await q.ExecuteNonQueryAsync();
    }
}
