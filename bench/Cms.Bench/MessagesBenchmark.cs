using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Cms.Bench;

/// <summary>
/// Issue 29: code messages e-mailed through the outbox to a real SMTP server on loopback (<see cref="SmtpSink"/>). A real Cms.Api
/// process configured for SMTP; 32 clients create, print and confirm activations (as the activations benchmark, recipient proof
/// off), each confirm queueing a message to an address of its own. Measured: the messages the SMTP server accepted per second over
/// the window (goal ≥ 300/s) and, per activation, the time from its confirm's answer to the server's acceptance of its message
/// (goal p99 ≤ 1 s); every message of the window must arrive after it. Then the outbox's own sending rate: with the SMTP server
/// holding every new session before its greeting, the clients queue a backlog for <see cref="BacklogSeconds"/>; once they stop,
/// the server lets it through and the drain is timed.
///   bench/run.sh messages [seconds]
/// CMS_BENCH_SMTP_PORT chooses the SMTP server's loopback port (default: one the system gives).
/// </summary>
public static class MessagesBenchmark
{
    private const double RateGoal = 300, P99GoalMs = 1000;
    /// <summary>Under the SMTP timeout (30 s): the sender's sessions held meanwhile must not time out.</summary>
    private const int BacklogSeconds = 15;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        using var smtp = new SmtpSink(int.TryParse(Environment.GetEnvironmentVariable("CMS_BENCH_SMTP_PORT"), out var port) ? port : 0);
        // Every activation takes a card of its own: the warm-up, the window and the backlog at up to ~500/s.
        var holders = 200_000 + (seconds + BacklogSeconds) * 600;
        await using var bench = await CounterBench.StartAsync(holders, settings =>
        {
            // A real SMTP server on loopback, in clear: allowed only outside Production (decision 0032), hence "Testing".
            settings["ASPNETCORE_ENVIRONMENT"] = "Testing";
            settings["Smtp__Host"] = "127.0.0.1";
            settings["Smtp__Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture);
            settings["Smtp__Security"] = "None";
        });
        var numbers = bench.Cards.Select(c => c.Number).ToList();
        var next = -1;
        string NextCard() => Interlocked.Increment(ref next) is var i && i < numbers.Count ? numbers[i]
            : throw new InvalidOperationException($"The benchmark used all {numbers.Count} cards it loaded.");

        // 1. Warm-up (CMS_BENCH_WARMUP, 90 s), then the measured window: each confirm's answer timestamped by recipient.
        await ActivationBenchmark.RunClientsAsync(bench.Http, bench.Token, NextCard, TimeSpan.FromSeconds(CounterSetup.WarmUpSeconds));
        var confirms = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var cpu = new CpuWindow(bench.Api.Id);
        var windowStart = Stopwatch.GetTimestamp();
        var (done, failed, elapsed) = await ActivationBenchmark.RunClientsAsync(bench.Http, bench.Token, NextCard, TimeSpan.FromSeconds(seconds),
            (number, at) => confirms[ActivationBenchmark.RecipientOf(number).ToLowerInvariant()] = at);
        var windowEnd = Stopwatch.GetTimestamp();
        var (machine, postgres, apiCpu) = cpu.Stop();
        var acceptedInWindow = smtp.Accepted.Values.Count(t => t >= windowStart && t <= windowEnd);
        var rate = acceptedInWindow / Stopwatch.GetElapsedTime(windowStart, windowEnd).TotalSeconds;
        var confirmRate = done / elapsed.TotalSeconds;
        var (missing, drainedIn) = await DrainAsync(smtp, confirms.Keys);
        var latencies = confirms.Where(c => smtp.Accepted.ContainsKey(c.Key))
            .Select(c => Stopwatch.GetElapsedTime(c.Value, smtp.Accepted[c.Key]).TotalMilliseconds).Order().ToArray();
        double P(double q) => CounterSetup.Quantile(latencies, q);
        var outbox = await OutboxTimesAsync(bench.DataSource, [.. confirms.Keys]);

        // 2. The outbox's own rate: a backlog queued while the SMTP server holds every session, then let through with no client.
        smtp.Hold();
        var backlog = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var (queued, backlogFailed, _) = await ActivationBenchmark.RunClientsAsync(bench.Http, bench.Token, NextCard, TimeSpan.FromSeconds(BacklogSeconds),
            (number, at) => backlog[ActivationBenchmark.RecipientOf(number).ToLowerInvariant()] = at);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the last commits' wake-ups
        var drainCpu = new CpuWindow(bench.Api.Id);
        var released = Stopwatch.GetTimestamp();
        smtp.Release();
        var (backlogMissing, _) = await DrainAsync(smtp, backlog.Keys);
        var (drainMachine, drainPostgres, drainApi) = drainCpu.Stop();
        var backlogAccepted = backlog.Keys.Where(smtp.Accepted.ContainsKey).Select(k => smtp.Accepted[k]).ToList();
        var lastAccepted = backlogAccepted.Count == 0 ? released : backlogAccepted.Max();
        var drainRate = backlogAccepted.Count / Stopwatch.GetElapsedTime(released, lastAccepted).TotalSeconds;
        var repeats = smtp.Messages - smtp.Accepted.Count;
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];

        // The rate goal is the outbox's: met in the window when the activations came fast enough to feed it, else by the drain.
        var rateMet = rate >= RateGoal || (confirmRate < RateGoal && drainRate >= RateGoal);
        var p99Met = P(0.99) <= P99GoalMs;
        var report = string.Create(CultureInfo.InvariantCulture, $"""
            | what | figure |
            |---|---:|
            | activations confirmed in the window (32 clients, create + print + confirm, {elapsed.TotalSeconds:0.0} s) | {done} ({confirmRate:0.0}/s; {failed} failed) |
            | messages the SMTP server accepted in the window | {acceptedInWindow} (**{rate:0.0}/s**, goal ≥ {RateGoal:0}) |
            | confirm's answer → SMTP acceptance of its message, p50 / p95 / p99 (max) | {P(0.5):0} / {P(0.95):0} / **{P(0.99):0}** ({P(1):0}) ms (goal p99 ≤ {P99GoalMs:0}) |
            | the window's messages not arrived {DrainTimeout.TotalSeconds:0} s after it (drained in) | **{missing}** ({drainedIn.TotalSeconds:0.0} s) |
            | backlog queued while the SMTP server held its sessions ({BacklogSeconds} s of clients) | {queued} ({backlogFailed} failed) |
            | outbox drained to SMTP with no client (its own rate) | {backlogAccepted.Count} in {Stopwatch.GetElapsedTime(released, lastAccepted).TotalSeconds:0.0} s: **{drainRate:0.0}/s**; not arrived: {backlogMissing} |
            | messages accepted more than once | {repeats} |
            | the window's messages in the outbox: created → SENT mark, p50 / p95 / p99 (more than one attempt) | {outbox.P50:0} / {outbox.P95:0} / {outbox.P99:0} ms ({outbox.Retried}) |

            | CPU time per message (ms) | whole machine | API process | PostgreSQL |
            |---|---:|---:|---:|
            | in the window (one activation and its message) | {CounterSetup.Ms(machine, done)} | {CounterSetup.Ms(apiCpu, done)} | {CounterSetup.Ms(postgres, done)} |
            | the backlog's drain (claim, open, SMTP session, SENT mark) | {CounterSetup.Ms(drainMachine, backlogAccepted.Count)} | {CounterSetup.Ms(drainApi, backlogAccepted.Count)} | {CounterSetup.Ms(drainPostgres, backlogAccepted.Count)} |

            Rate goal (≥ {RateGoal:0}/s): **{(rateMet ? "met" : "missed")}** — {(rate >= RateGoal ? "in the window" : confirmRate < RateGoal ? $"the window is fed by only {confirmRate:0}/s activations; the drain's {drainRate:0}/s is the outbox's own rate" : "in the window, with activations faster than that")};
            p99 goal (≤ {P99GoalMs:0} ms): **{(p99Met ? "met" : "missed")}**; every message arrived: **{(missing == 0 && backlogMissing == 0 ? "yes" : "no")}**. Load average at the end: {string.Join(" ", load)}
            """);
        Console.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "messages-last.md"), report);
        return rateMet && p99Met && missing == 0 && backlogMissing == 0 && failed == 0 && backlogFailed == 0 ? 0 : 1;
    }

    /// <summary>How long the messages to <paramref name="recipients"/> stayed in the outbox (created_at → sent_at), as the database saw it.</summary>
    private static async Task<(double P50, double P95, double P99, long Retried)> OutboxTimesAsync(Npgsql.NpgsqlDataSource dataSource, string[] recipients)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at) * 1000),
                   count(*) FILTER (WHERE attempts > 1)
            FROM delivery.messages WHERE recipient = ANY(@recipients) AND sent_at IS NOT NULL
            """);
        command.Parameters.AddWithValue("recipients", recipients);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var p = reader.IsDBNull(0) ? [0, 0, 0] : reader.GetFieldValue<double[]>(0);
        return (p[0], p[1], p[2], reader.GetInt64(1));
    }

    /// <summary>Waits until the SMTP server accepted a message for each of <paramref name="recipients"/> (at most <see cref="DrainTimeout"/>).</summary>
    private static async Task<(int Missing, TimeSpan Took)> DrainAsync(SmtpSink smtp, ICollection<string> recipients)
    {
        var watch = Stopwatch.StartNew();
        int missing;
        while ((missing = recipients.Count(r => !smtp.Accepted.ContainsKey(r))) > 0 && watch.Elapsed < DrainTimeout)
            await Task.Delay(50);
        return (missing, watch.Elapsed);
    }
}
