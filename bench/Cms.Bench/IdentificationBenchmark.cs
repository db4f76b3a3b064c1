using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Npgsql;

namespace Cms.Bench;

/// <summary>
/// Issue 29: card identifications per second over HTTP — <c>POST /api/v1/cards/identify</c> with what an operator reads off the
/// card (codice fiscale, last five digits, expiry date), each recorded in the trail — by 32 clients on distinct cards against a real
/// Cms.Api process, beside pgbench's TPC-B-like transactions per second with 32 clients on the same cluster in the same run.
/// Goal: at least pgbench's rate. Also p50/p95/p99 latency and the CPU time per identification.
///   bench/run.sh identification [seconds]
/// </summary>
public static class IdentificationBenchmark
{
    internal const int Clients = 32;
    private const double Goal = 1.0;

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var pgbenchConnection = Environment.GetEnvironmentVariable("CMS_PGBENCH_CONNECTION")!;

        // 1. The API, the cards (as the activations benchmark loads them), the counter and its operator.
        await using var bench = await CounterBench.StartAsync(200_000);
        var cards = bench.Cards;
        // Each identification takes the next card; identifying changes nothing, so after the last card the first comes again.
        var next = -1L;
        BenchCard NextCard() => cards[(int)(Interlocked.Increment(ref next) % cards.Count)];

        // 2. Warm-up (CMS_BENCH_WARMUP, 90 s: the tiered JIT), then the measured window.
        await RunClientsAsync(bench.Http, bench.Token, NextCard, TimeSpan.FromSeconds(CounterSetup.WarmUpSeconds));
        var trailBefore = await IdentificationsInTrailAsync(bench.DataSource);
        var cpu = new CpuWindow(bench.Api.Id);
        var memory = new RssWindow(bench.Api.Id);
        var (done, failed, elapsed, latencies) = await RunClientsAsync(bench.Http, bench.Token, NextCard, TimeSpan.FromSeconds(seconds));
        var (machine, postgres, apiCpu) = cpu.Stop();
        var (rssMax, rssMean, _) = await memory.StopAsync();
        var trailAfter = await IdentificationsInTrailAsync(bench.DataSource);
        var perSecond = done / elapsed.TotalSeconds;

        // 3. pgbench on the same cluster, right after.
        var (tps, transactions, pgbenchCpu) = await ActivationBenchmark.PgbenchAsync(pgbenchConnection, seconds);
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
        double P(double q) => CounterSetup.Quantile(latencies, q);
        var ratio = perSecond / tps;

        var report = string.Create(CultureInfo.InvariantCulture, $"""
            | what | clients | seconds | per second |
            |---|---:|---:|---:|
            | Cms identifications over HTTP (POST /api/v1/cards/identify, manual: codice fiscale + last 5 digits + expiry; each with its trail entry) | {Clients} | {elapsed.TotalSeconds:0.0} | {perSecond:0.0} |
            | pgbench TPC-B-like transactions (scale 10) | {Clients} | {seconds} | {tps:0.0} |

            Identifications / pgbench rate: **{ratio:0.00}** (goal ≥ {Goal:0.00}); failed requests: {failed}; trail entries of identifications
            written in the window: {trailAfter - trailBefore} (identifications answered: {done})

            Latency of one identification, p50 / p95 / p99: {P(0.5):0.0} / {P(0.95):0.0} / {P(0.99):0.0} ms

            | CPU time per unit of work (ms) | whole machine | API process | PostgreSQL |
            |---|---:|---:|---:|
            | one identification (its trail entry written) | {CounterSetup.Ms(machine, done)} | {CounterSetup.Ms(apiCpu, done)} | {CounterSetup.Ms(postgres, done)} |
            | one pgbench transaction (pgbench's own client included) | {CounterSetup.Ms(pgbenchCpu.Machine, transactions)} | | {CounterSetup.Ms(pgbenchCpu.Postgres, transactions)} |

            pgbench's rate leaves {CounterSetup.Ms(pgbenchCpu.Machine, transactions)} ms of the whole machine per identification; API resident memory
            over the window max {rssMax:0} MB, mean {rssMean:0} MB; load average at the end: {string.Join(" ", load)}
            """);
        Console.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "identification-last.md"), report);
        return ratio >= Goal && failed == 0 ? 0 : 1;
    }

    internal static async Task<(long Done, long Failed, TimeSpan Elapsed, double[] SortedLatenciesMs)> RunClientsAsync(
        HttpClient http, string token, Func<BenchCard> nextCard, TimeSpan duration)
    {
        long done = 0, failed = 0;
        var latencies = new ConcurrentBag<double[]>();
        var errors = new ConcurrentQueue<string>();
        var watch = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (watch.Elapsed < duration)
            {
                var card = nextCard();
                using var identify = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cards/identify")
                {
                    Content = JsonContent.Create(new
                    {
                        codiceFiscale = card.CodiceFiscale, cardNumberLast5 = card.Number[^5..],
                        expiryDate = card.Expiry.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    }),
                };
                identify.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                var t0 = Stopwatch.GetTimestamp();
                using var identified = await http.SendAsync(identify);
                var body = await identified.Content.ReadAsStringAsync();
                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (identified.IsSuccessStatusCode) Interlocked.Increment(ref done);
                else
                {
                    Interlocked.Increment(ref failed);
                    if (errors.Count < 5) errors.Enqueue($"{(int)identified.StatusCode} {body[..Math.Min(body.Length, 200)]}");
                }
            }
            latencies.Add([.. mine]);
        })).ToList();
        await Task.WhenAll(clients);
        var elapsed = watch.Elapsed;
        foreach (var error in errors) Console.Error.WriteLine("identification failed: " + error);
        return (done, failed, elapsed, [.. latencies.SelectMany(l => l).Order()]);
    }

    /// <summary>The trail's identification entries so far (each identification answered must have written one).</summary>
    internal static async Task<long> IdentificationsInTrailAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM audit.operations WHERE type = 'IDENTIFICATION'");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
