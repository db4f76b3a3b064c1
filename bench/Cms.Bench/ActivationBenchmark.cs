using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Bench;

/// <summary>
/// Activations per second over HTTP (create + confirm, 32 concurrent clients, against a real Cms.Api process with its
/// Hangfire server sending the messages to a pickup folder) beside pgbench's TPC-B-like transactions per second with
/// 32 clients on the same PostgreSQL cluster in the same run.
/// </summary>
public static class ActivationBenchmark
{
    private const int Clients = 32;
    /// <summary>Issue 29's goal for the API's resident memory under this load (MB as the cold-start benchmark prints them: MiB).</summary>
    private const int MaxResidentMiB = 300;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 1 && args[0] == "activations" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var connectionString = Environment.GetEnvironmentVariable("CMS_BENCH_CONNECTION")!;
        var pgbenchConnection = Environment.GetEnvironmentVariable("CMS_PGBENCH_CONNECTION")!;
        var apiDll = Environment.GetEnvironmentVariable("CMS_API_DLL")!;
        var work = BenchWork.Folder();

        // 1. A clean database with enough cards to activate.
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        await BenchDatabase.DropEverythingAsync(dataSource);
        await ProcFs.FollowClusterAsync(dataSource);

        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var url = BenchApi.Url(5099);
        var start = BenchApi.StartInfo(apiDll, url, CounterSetup.ApiSettings(connectionString, key, work));
        using var api = CounterSetup.StartApi(start);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(url) };
            await BenchApi.WaitReadyAsync(http);
            // CMS_BENCH_SQL_AFTER_START: SQL run on the bench database once the API has migrated it (for experiments).
            if (Environment.GetEnvironmentVariable("CMS_BENCH_SQL_AFTER_START") is { Length: > 0 } experiment)
            {
                await using var c = await dataSource.OpenConnectionAsync();
                await using var q = new NpgsqlCommand(experiment, c);
                await q.ExecuteNonQueryAsync();
            }

            // Every activation takes a card of its own: 200,000 for the rate benchmark (a 90 s warm-up and the window at up to ~500/s),
            // more for the soak (half the maximum rate, up to ~250/s on a fast machine, for its minutes); minors are left out below.
            var cards = args[0] == "soak" ? 200_000 + (int)(SoakBenchmark.Minutes(args) * 60 * 300) : 200_000;
            var numbers = (await CounterSetup.LoadCardsAsync(dataSource, key, cards)).Select(c => c.Number).ToList();
            var token = await CounterSetup.OperatorTokenAsync(http);

            // Warm-up, then the measured window.
            var next = -1;
            string NextCard() => Interlocked.Increment(ref next) is var i && i < numbers.Count ? numbers[i]
                : throw new InvalidOperationException($"The benchmark used all {numbers.Count} cards it loaded.");
            if (args[0] == "soak") return await SoakBenchmark.RunAsync(http, token, NextCard, api, args, work);
            // The warm-up lasts until the runtime's tiered JIT has recompiled the hot paths: under this load it is busy for about a
            // minute (after 3 s, half of the API's CPU went to the JIT and to code not yet optimised; after 20 s still a quarter).
            await RunClientsAsync(http, token, NextCard, TimeSpan.FromSeconds(CounterSetup.WarmUpSeconds));
            var (walBefore, sizeBefore) = await StorageAsync(dataSource);
            var cmsCpu = new CpuWindow(api.Id);
            var memory = new RssWindow(api.Id);
            var (done, failed, elapsed) = await RunClientsAsync(http, token, NextCard, TimeSpan.FromSeconds(seconds));
            var (cmsMachine, cmsPostgres, cmsApi) = cmsCpu.Stop();
            var (rssMax, rssMean, rssSamples) = await memory.StopAsync();
            var (walAfter, sizeAfter) = await StorageAsync(dataSource);
            var activationsPerSecond = done / elapsed.TotalSeconds;

            // 2. pgbench on the same cluster, right after.
            var (tps, transactions, pgbenchCpu) = await PgbenchAsync(pgbenchConnection, seconds);
            static string Ms(TimeSpan cpu, double units) => CounterSetup.Ms(cpu, units);
            // Issue 29's goals (the rate's half of pgbench, issue 3's, withdrawn): the API's CPU per activation at most 0.6 of
            // PostgreSQL's, and PostgreSQL's per activation at most twice its CPU per pgbench transaction.
            var apiToPostgres = cmsApi.TotalMilliseconds / Math.Max(cmsPostgres.TotalMilliseconds, 1e-9);
            var postgresToPgbench = cmsPostgres.TotalMilliseconds / Math.Max(done, 1)
                / Math.Max(pgbenchCpu.Postgres.TotalMilliseconds / Math.Max(transactions, 1), 1e-9);

            var report = string.Create(CultureInfo.InvariantCulture, $"""
                | what | clients | seconds | per second |
                |---|---:|---:|---:|
                | Cms activations over HTTP (create + confirm; messages sent meanwhile) | {Clients} | {elapsed.TotalSeconds:0.0} | {activationsPerSecond:0.0} |
                | pgbench TPC-B-like transactions (scale 10) | {Clients} | {seconds} | {tps:0.0} |

                Activations / pgbench rate: {activationsPerSecond / tps:0.00}; failed requests: {failed}

                | CPU time per unit of work (ms) | whole machine | API process | PostgreSQL |
                |---|---:|---:|---:|
                | one activation (create + confirm, its message sent) | {Ms(cmsMachine, done)} | {Ms(cmsApi, done)} | {Ms(cmsPostgres, done)} |
                | one pgbench transaction (pgbench's own client included) | {Ms(pgbenchCpu.Machine, transactions)} | | {Ms(pgbenchCpu.Postgres, transactions)} |

                API CPU ÷ PostgreSQL CPU per activation: **{apiToPostgres:0.00}** (goal ≤ 0.60); PostgreSQL CPU per activation ÷ per pgbench
                transaction: **{postgresToPgbench:0.00}** (goal ≤ 2.00).

                Storage per activation in the window (sizing, docs/production.md): {(walAfter - walBefore) / Math.Max(done, 1):0} bytes of WAL
                (what archiving and a standby receive), the database grew by {(sizeAfter - sizeBefore) / Math.Max(done, 1):0} bytes.

                API resident memory over the window ({rssSamples} samples, one a second): max **{rssMax:0} MB**, mean {rssMean:0} MB (goal: max ≤ {MaxResidentMiB} MB)
                """);
            Console.WriteLine(report);
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "activations-last.md"), report);
            return apiToPostgres <= 0.6 && postgresToPgbench <= 2.0 && rssMax <= MaxResidentMiB ? 0 : 1;
        }
        finally
        {
            api.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The e-mail address each activation sends its code message to: one per card, so that a message names its activation.</summary>
    public static string RecipientOf(string cardNumber) => $"b{cardNumber}@example.it";

    /// <summary>32 clients creating, printing and confirming activations for <paramref name="duration"/>; <paramref name="confirmed"/>
    /// hears each confirm answered with success: the card number and the answer's <see cref="Stopwatch"/> timestamp.</summary>
    public static async Task<(long Done, long Failed, TimeSpan Elapsed)> RunClientsAsync(HttpClient http, string token, Func<string> nextCard, TimeSpan duration,
        Action<string, long>? confirmed = null)
    {
        long done = 0, failed = 0, createTicks = 0, confirmTicks = 0;
        var watch = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (watch.Elapsed < duration)
            {
                var number = nextCard();
                var address = RecipientOf(number);
                using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/activations")
                {
                    Content = JsonContent.Create(new
                    {
                        cardNumber = number, mode = "DIRECT",
                        document = new { type = "CARTA_IDENTITA", number = "CA00000AA", issuedBy = "Comune", issueDate = "2022-01-01", expiryDate = "2032-01-01" },
                        delivery = new { channel = "EMAIL", email = address, emailConfirmation = address }, privacyConsent = true,
                    }),
                };
                create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                var t0 = Stopwatch.GetTimestamp();
                using var created = await http.SendAsync(create);
                Interlocked.Add(ref createTicks, Stopwatch.GetElapsedTime(t0).Ticks);
                if (!created.IsSuccessStatusCode) { Interlocked.Increment(ref failed); continue; }
                var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
                // Sign before confirm: the request form is printed (its PDF rendered) before the confirm, as at a counter.
                using var print = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/activations/{id}/documents/modulo-richiesta-codici");
                print.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var printed = await http.SendAsync(print);
                if (!printed.IsSuccessStatusCode) { Interlocked.Increment(ref failed); continue; }
                using var confirm = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/activations/{id}/confirm")
                {
                    Content = JsonContent.Create(new { formPrintedAndSigned = true }),
                };
                confirm.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                var t1 = Stopwatch.GetTimestamp();
                using var answer = await http.SendAsync(confirm);
                Interlocked.Add(ref confirmTicks, Stopwatch.GetElapsedTime(t1).Ticks);
                if (answer.IsSuccessStatusCode) { Interlocked.Increment(ref done); confirmed?.Invoke(number, Stopwatch.GetTimestamp()); }
                else Interlocked.Increment(ref failed);
            }
        })).ToList();
        await Task.WhenAll(clients);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mean create {TimeSpan.FromTicks(createTicks).TotalMilliseconds / Math.Max(done + failed, 1):0.0} ms, mean confirm {TimeSpan.FromTicks(confirmTicks).TotalMilliseconds / Math.Max(done, 1):0.0} ms"));
        return (done, failed, watch.Elapsed);
    }

    /// <summary>pgbench TPC-B-like (scale 10, 32 clients, 2 threads) for <paramref name="seconds"/> on the database of <paramref name="connection"/>.</summary>
    public static async Task<(double Tps, long Transactions, (TimeSpan Machine, TimeSpan Postgres, TimeSpan Process) Cpu)> PgbenchAsync(
        string connection, int seconds)
    {
        var b = new NpgsqlConnectionStringBuilder(connection);
        async Task<string> Run(params string[] args)
        {
            var start = new ProcessStartInfo("pgbench", args) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["PGPASSWORD"] = b.Password;
            using var p = Process.Start(start)!;
            var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            if (p.ExitCode != 0) throw new InvalidOperationException("pgbench failed: " + output);
            return output;
        }
        string[] conn = ["-h", b.Host!, "-p", b.Port.ToString(CultureInfo.InvariantCulture), "-U", b.Username!];
        await Run([.. conn, "-i", "-q", "-s", "10", b.Database!]);
        var cpu = new CpuWindow(null);
        var result = await Run([.. conn, "-c", Clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", seconds.ToString(CultureInfo.InvariantCulture), b.Database!]);
        var used = cpu.Stop();
        var line = result.Split('\n').First(l => l.StartsWith("tps = ", StringComparison.Ordinal));
        var processed = result.Split('\n').First(l => l.StartsWith("number of transactions actually processed: ", StringComparison.Ordinal));
        return (double.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture),
            long.Parse(processed.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture), used);
    }

    /// <summary>The cluster's WAL position and the database's size, in bytes.</summary>
    private static async Task<(long Wal, long Size)> StorageAsync(NpgsqlDataSource dataSource)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await using var q = new NpgsqlCommand("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, pg_database_size(current_database())", c);
        await using var r = await q.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1));
    }
}

/// <summary>Printed forms rendered per second (PDFsharp, in-process, one core).</summary>
public static class FormsBenchmark
{
    public static int Run(string[] args)
    {
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var renderer = new Cms.Infrastructure.Documents.PdfFormRenderer(Options.Create(new Cms.Infrastructure.Documents.DocumentOptions()));
        var holder = new Cms.Application.Common.Documents.PersonOnForm("ROSSI", "MARIA", "RSSMRA80A41H501Y", "ROMA", "RM", new DateOnly(1980, 1, 1), "ITALIANA", 'F',
            "VIA ROMA 1", "50122", "FIRENZE", "FI");
        var model = new Cms.Application.Common.Documents.ActivationFormModel("090-201-AS001", "ASL Toscana Centro", Guid.NewGuid(), DateTimeOffset.UtcNow,
            "80380000900000000001", new DateOnly(2030, 1, 1), holder, holder, Cms.Domain.Requests.RequestMode.Direct, null,
            new Cms.Domain.Requests.IdentityDocument(Cms.Domain.Requests.DocumentType.CartaIdentita, "CA1", "COMUNE", new DateOnly(2022, 1, 1), new DateOnly(2032, 1, 1)),
            new Cms.Domain.Requests.DeliveryAddress(Cms.Domain.Requests.DeliveryChannel.Email, "a@example.it", null), true,
            new Cms.Application.Requests.CodeParts("12", "3456", "7890"));
        renderer.PersonalCodes(model);
        renderer.ActivationRequestForm(model);
        var results = new List<string>();
        foreach (var (name, render) in new (string, Func<byte[]>)[]
                 {
                     ("Codici personali (1 page)", () => renderer.PersonalCodes(model)),
                     ("Modulo di richiesta codici personali (2 pages)", () => renderer.ActivationRequestForm(model)),
                     ("Dichiarazione sostitutiva (1 page)", () => renderer.SubstituteDeclaration(model)),
                 })
        {
            var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var count = 0;
            var size = 0;
            while (watch.Elapsed.TotalSeconds < seconds) { size = render().Length; count++; }
            process.Refresh();
            // The process's CPU per form (the GC's threads included): on a machine that is busy elsewhere the rate falls, this does not.
            var cpuPerForm = (process.TotalProcessorTime - cpu).TotalMilliseconds / count;
            results.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {count / watch.Elapsed.TotalSeconds:0} | {cpuPerForm:0.00} ms | {size / 1024.0:0} KB |"));
        }
        var report = "| form | per second (one thread) | CPU per form | size |\n|---|---:|---:|---:|\n" + string.Join("\n", results);
        Console.WriteLine(report);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "forms-last.md"), report);
        return 0;
    }
}
