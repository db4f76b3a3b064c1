using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cms.Bench;

/// <summary>
/// Issue 10, item 6: 30 minutes (or the minutes given) at half the measured maximum rate of activations (create + confirm over
/// HTTP, messages to the pickup folder meanwhile), with an identification and a history read beside each — no error allowed,
/// and the API process's memory (resident set) must stay flat within 10% between the first and the last five minutes.
///   bench/run.sh soak [minutes]
/// </summary>
public static class SoakBenchmark
{
    public static double Minutes(string[] args) => args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 30;

    public static async Task<int> RunAsync(HttpClient http, string token, Func<string> nextCard, Process api, string[] args, string work)
    {
        var minutes = Minutes(args);

        // 1. The maximum rate, measured here with 32 clients for 30 s (after a warm-up).
        await ActivationBenchmark.RunClientsAsync(http, token, nextCard, TimeSpan.FromSeconds(5));
        var (maxDone, _, maxElapsed) = await ActivationBenchmark.RunClientsAsync(http, token, nextCard, TimeSpan.FromSeconds(30));
        var maxRate = maxDone / maxElapsed.TotalSeconds;
        // CMS_BENCH_SOAK_RATE fixes the soak's rate (activations/s) so that two runs of an experiment carry the same load.
        var rate = double.TryParse(Environment.GetEnvironmentVariable("CMS_BENCH_SOAK_RATE"), NumberStyles.Float, CultureInfo.InvariantCulture, out var fixedRate)
            && fixedRate > 0 ? fixedRate : maxRate / 2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"maximum {maxRate:0.0} activations/s; soak at {rate:0.0}/s for {minutes} min"));

        // 2. The soak: one activation started every 1/rate seconds (at most 64 in flight), memory sampled every 10 s.
        var duration = TimeSpan.FromMinutes(minutes);
        var interval = TimeSpan.FromSeconds(1 / rate);
        long done = 0, failed = 0, reads = 0;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var samples = new List<(double Minute, long RssKiB, int Threads, long Connections)>();
        var latencies = new System.Collections.Concurrent.ConcurrentQueue<(double At, double Ms)>();
        await using var pg = Npgsql.NpgsqlDataSource.Create(Environment.GetEnvironmentVariable("CMS_BENCH_CONNECTION")!);
        using var inFlight = new SemaphoreSlim(64);
        var watch = Stopwatch.StartNew();
        var sampling = Task.Run(async () =>
        {
            while (watch.Elapsed < duration)
            {
                var connections = await ConnectionsAsync(pg);
                lock (samples) samples.Add((watch.Elapsed.TotalMinutes, ProcFs.Status(api.Id, "VmRSS"), (int)ProcFs.Status(api.Id, "Threads"), connections));
                await Task.Delay(TimeSpan.FromSeconds(10));
            }
        });
        var started = 0L;
        var tasks = new List<Task>();
        while (watch.Elapsed < duration)
        {
            var due = TimeSpan.FromTicks(interval.Ticks * started);
            if (due > watch.Elapsed) await Task.Delay(due - watch.Elapsed);
            started++;
            await inFlight.WaitAsync();
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var error = await OneAsync(http, token, nextCard());
                    latencies.Enqueue((watch.Elapsed.TotalMinutes, Stopwatch.GetElapsedTime(t0).TotalMilliseconds));
                    if (error is null) { Interlocked.Increment(ref done); Interlocked.Add(ref reads, 2); }
                    else { Interlocked.Increment(ref failed); errors.Enqueue(error); }
                }
                finally
                {
                    inFlight.Release();
                }
            }));
            if (tasks.Count > 1000) tasks.RemoveAll(t => t.IsCompleted);
        }
        await Task.WhenAll(tasks);
        await sampling;
        var elapsed = watch.Elapsed;

        // 3. Memory: mean of the first five minutes (after the first) against the mean of the last five.
        var span = Math.Min(5, minutes / 3);
        var early = samples.Where(s => s.Minute >= Math.Min(1, span) && s.Minute < Math.Min(1, span) + span).Select(s => (double)s.RssKiB).DefaultIfEmpty(0).Average();
        var late = samples.Where(s => s.Minute >= minutes - span).Select(s => (double)s.RssKiB).DefaultIfEmpty(0).Average();
        var growth = early == 0 ? 0 : (late - early) / early;
        var sorted = latencies.Select(l => l.Ms).Order().ToArray();
        double P(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        var perMinute = samples.GroupBy(s => (int)s.Minute).Select(g => $"{g.Key}′ {g.Average(s => s.RssKiB) / 1024:0} MiB");

        var report = string.Create(CultureInfo.InvariantCulture, $"""
            | what | figure |
            |---|---:|
            | maximum rate (32 clients, 30 s) | {maxRate:0.0} activations/s |
            | soak rate (half) | {rate:0.0} activations/s |
            | duration | {elapsed.TotalMinutes:0.0} min |
            | activations done (create + confirm) | {done} |
            | reads beside them (identification, request) | {reads} |
            | errors | {failed} |
            | latency of one activation, p50 / p95 / p99 | {P(0.5):0} / {P(0.95):0} / {P(0.99):0} ms |
            | API resident memory, first {span:0} min (after the first) / last {span:0} min | {early / 1024:0} / {late / 1024:0} MiB |
            | memory growth | {growth * 100:0.0}% (goal within 10%) |

            Resident memory per minute: {string.Join(", ", perMinute)}

            Every 30 s: activations done, their p95 latency, the API's resident memory, threads and database connections
            {string.Join("\n", Timeline(samples, latencies))}
            {(errors.IsEmpty ? "" : "First errors: " + string.Join("; ", errors.Take(5)))}
            """);
        Console.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "soak-last.md"), report);
        return failed == 0 && Math.Abs(growth) <= 0.10 ? 0 : 1;
    }

    /// <summary>Identify the card, create and confirm its activation, read the request back. Null when all went right.</summary>
    private static async Task<string?> OneAsync(HttpClient http, string token, string number)
    {
        async Task<(bool Ok, JsonElement Body, string Text)> SendAsync(HttpMethod method, string path, object? body)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (body is not null) request.Content = JsonContent.Create(body);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.IsSuccessStatusCode, response.IsSuccessStatusCode && text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default,
                $"{method} {path} → {(int)response.StatusCode} {text[..Math.Min(text.Length, 200)]}");
        }
        try
        {
            var identified = await SendAsync(HttpMethod.Post, "/api/v1/cards/identify", new { cardNumber = number });
            if (!identified.Ok) return identified.Text;
            var address = $"s{number}@example.it";
            var created = await SendAsync(HttpMethod.Post, "/api/v1/activations", new
            {
                cardNumber = number, mode = "DIRECT",
                document = new { type = "CARTA_IDENTITA", number = "CA00000AA", issuedBy = "Comune", issueDate = "2022-01-01", expiryDate = "2032-01-01" },
                delivery = new { channel = "EMAIL", email = address, emailConfirmation = address }, privacyConsent = true,
            });
            if (!created.Ok) return created.Text;
            var id = created.Body.GetProperty("id").GetString();
            // Sign before confirm: the request form is printed first (a PDF, not JSON: only its status counts).
            using (var print = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/activations/{id}/documents/modulo-richiesta-codici"))
            {
                print.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var printed = await http.SendAsync(print);
                if (!printed.IsSuccessStatusCode) return $"GET form → {(int)printed.StatusCode}";
            }
            var confirmed = await SendAsync(HttpMethod.Post, $"/api/v1/activations/{id}/confirm", new { formPrintedAndSigned = true });
            if (!confirmed.Ok) return confirmed.Text;
            var read = await SendAsync(HttpMethod.Get, $"/api/v1/activations/{id}", null);
            return read.Ok ? null : read.Text;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }

    private static IEnumerable<string> Timeline(List<(double Minute, long RssKiB, int Threads, long Connections)> samples,
        IEnumerable<(double At, double Ms)> latencies)
    {
        var byWindow = latencies.GroupBy(l => (int)(l.At * 2)).ToDictionary(g => g.Key, g => g.Select(l => l.Ms).Order().ToArray());
        foreach (var window in samples.GroupBy(s => (int)(s.Minute * 2)).OrderBy(g => g.Key))
        {
            var done = byWindow.GetValueOrDefault(window.Key, []);
            var p95 = done.Length == 0 ? 0 : done[Math.Min(done.Length - 1, (int)(0.95 * done.Length))];
            yield return string.Create(CultureInfo.InvariantCulture,
                $"    {window.Key / 2.0,5:0.0}′ {done.Length,5} done  p95 {p95,6:0} ms  {window.Max(s => s.RssKiB) / 1024,4} MiB  {window.Max(s => s.Threads),3} threads  {window.Max(s => s.Connections),3} connections");
        }
    }

    private static async Task<long> ConnectionsAsync(Npgsql.NpgsqlDataSource pg)
    {
        try
        {
            await using var command = pg.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
            return (long)(await command.ExecuteScalarAsync())!;
        }
        catch (Npgsql.NpgsqlException)
        {
            return -1;
        }
    }
}
