using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Cms.Application.Common.Options;
using Cms.Domain.Common;
using Cms.Infrastructure.DemoData;
using Cms.Infrastructure.Identification;
using Cms.Infrastructure.Security;
using Microsoft.Extensions.Options;
using netDumbster.smtp;
using Npgsql;

namespace Cms.Bench;

/// <summary>
/// The region's topology under a crash (decision 0054): scripts/topology.sh starts two API instances behind HAProxy, sending
/// their messages to a real SMTP server on loopback; 1,000 activations go through HAProxy from several clients, each create and
/// confirm retried with its own Idempotency-Key until it has its answer, while the instance holding the singletons' lease is
/// killed (SIGKILL) and restarted twice. Then: every confirm answered and exactly one activation per card; every message
/// delivered, repeats only with the same Message-ID; the trail intact with no gap (cms audit verify and the chain's indexes).
/// </summary>
public static class TopologyBenchmark
{
    private const int Clients = 16;
    private const int Port = 56460;
    private const string Database = "cms_bench_topology";
    private const string AdminCf = "SCRMNS80A01D612M", AdminPassword = "Bench-Admin-Pwd-1", OperatorPassword = "Bench-Operator-Pwd-1";

    public static async Task<int> RunAsync(string[] args)
    {
        var activations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        var root = Environment.GetEnvironmentVariable("CMS_BENCH_ROOT") ?? Directory.GetCurrentDirectory();
        var owner = Environment.GetEnvironmentVariable("CMS_BENCH_TOPOLOGY_CONNECTION")!;
        var folder = Path.Combine(root, ".data", "topology-bench");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);

        // A fresh database (the script's keys are new each run).
        var superuser = new NpgsqlConnectionStringBuilder(owner) { Username = "postgres", Password = "cms-local-dev", Database = "postgres", Pooling = false };
        await using (var c = new NpgsqlConnection(superuser.ConnectionString))
        {
            await c.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", c);
            await drop.ExecuteNonQueryAsync();
        }

        using var smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithPort(Port + 9).Build();
        var settings = new Dictionary<string, string>
        {
            ["CMS_INSTANCES"] = "2", ["CMS_TOPOLOGY_PORT"] = Port.ToString(CultureInfo.InvariantCulture), ["CMS_TOPOLOGY_DB"] = Database,
            ["CMS_TOPOLOGY_DIR"] = folder, ["CMS_TOPOLOGY_WEB"] = "false", ["CMS_TOPOLOGY_BUILD"] = "false",
            ["DemoData__Enabled"] = "false", ["Bootstrap__AdminCodiceFiscale"] = AdminCf, ["Bootstrap__AdminPassword"] = AdminPassword,
            ["Smtp__Host"] = "127.0.0.1", ["Smtp__Port"] = (Port + 9).ToString(CultureInfo.InvariantCulture), ["Smtp__Security"] = "None",
            ["Cms__RecipientProof__Required"] = "false", ["Hangfire__SchedulePollingSeconds"] = "1", ["Delivery__RetryBaseSeconds"] = "1",
            ["Delivery__LeaseSeconds"] = "10", ["Logging__LogLevel__Default"] = "Warning",
            // A dead instance's Hangfire locks expire after 10 s (default 30): its restart waits for them (DatabaseInitializer).
            ["Hangfire__LockTimeoutSeconds"] = "10",
            ["Logging__LogLevel__Cms"] = "Information",
        };
        var watch = Stopwatch.StartNew();
        try
        {
            await Topology(root, settings, "start");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"topology started in {watch.Elapsed.TotalSeconds:0.0} s"));
            var balancer = $"http://127.0.0.1:{Port}";
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromSeconds(5) })
            {
                BaseAddress = new Uri(balancer), Timeout = TimeSpan.FromSeconds(60),
            };

            // Cards of the bench's own (adults, valid), sealed with the topology's key ring.
            var dataSource = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(owner) { Database = Database }.ConnectionString).Build();
            var cipher = new AesGcmCodeCipher(Options.Create(new CodeEncryptionOptions { KeyRingFile = Path.Combine(folder, "keys", "codes-keyring.json") }));
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            using (var feed = new MemoryStream())
            {
                var lines = new DemoPopulation(seed: 11).Cards(activations * 2 + 200, today)
                    .Where(l => !Age.IsMinorOn(DateOnly.Parse(l.Holder!.BirthDate!, CultureInfo.InvariantCulture), today)
                        && DateOnly.Parse(l.ExpiryDate!, CultureInfo.InvariantCulture) > today.AddDays(30));
                await DemoPopulation.WriteNdjsonAsync(lines, feed, CancellationToken.None);
                feed.Position = 0;
                await new CardFeedImporter(dataSource, cipher, Options.Create(new CmsOptions())).ImportNdjsonAsync(feed, 0, CancellationToken.None);
            }
            var numbers = new List<string>();
            await using (var c = await dataSource.OpenConnectionAsync())
            await using (var q = new NpgsqlCommand("SELECT card_number FROM identification.cards WHERE state = 'NOT_ACTIVE' ORDER BY card_number LIMIT @n", c))
            {
                q.Parameters.AddWithValue("n", activations);
                await using var r = await q.ExecuteReaderAsync();
                while (await r.ReadAsync()) numbers.Add(r.GetString(0));
            }
            if (numbers.Count < activations) throw new InvalidOperationException($"only {numbers.Count} cards to activate");

            var admin = await BenchApi.TokenAsync(http, AdminCf, AdminPassword);
            await BenchApi.PostAsync(http, admin, "/api/v1/admin/counters", new { code = "090-201-BE001", name = "Bench", type = "ASL", region = "090" });
            var operatorCf = CodiceFiscale.Compute("Bench", "Operatore", new DateOnly(1980, 1, 1), 'M', "D612");
            await BenchApi.PostAsync(http, admin, "/api/v1/admin/operators", new
            {
                codiceFiscale = operatorCf, givenName = "Bench", surname = "Operatore", counterCode = "090-201-BE001",
                roles = new[] { "Operator" }, password = OperatorPassword, enabledForCms = true,
            });
            var token = await BenchApi.TokenAsync(http, operatorCf, OperatorPassword);

            // The clients, and meanwhile two crashes of the lease's holder, each restarted.
            var next = -1;
            long done = 0, retries = 0;
            var answers = new ConcurrentDictionary<string, string>(); // card → delivery id of its confirm's answer
            var failures = new ConcurrentQueue<string>();
            var crashes = new List<string>();
            var work = Stopwatch.StartNew();
            var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) is var i && i < numbers.Count)
                {
                    var number = numbers[i];
                    var address = $"t{number}@example.it";
                    try
                    {
                        var created = await RetryAsync(http, token, HttpMethod.Post, "/api/v1/activations", Guid.NewGuid().ToString(), new
                        {
                            cardNumber = number, mode = "DIRECT",
                            document = new { type = "CARTA_IDENTITA", number = "CA00000AA", issuedBy = "Comune", issueDate = "2022-01-01", expiryDate = "2032-01-01" },
                            delivery = new { channel = "EMAIL", email = address, emailConfirmation = address }, privacyConsent = true,
                        }, () => Interlocked.Increment(ref retries));
                        var id = created.GetProperty("id").GetString();
                        await RetryAsync(http, token, HttpMethod.Get, $"/api/v1/activations/{id}/documents/modulo-richiesta-codici", null, null,
                            () => Interlocked.Increment(ref retries));
                        var confirmed = await RetryAsync(http, token, HttpMethod.Post, $"/api/v1/activations/{id}/confirm", Guid.NewGuid().ToString(),
                            new { formPrintedAndSigned = true }, () => Interlocked.Increment(ref retries));
                        answers[number] = confirmed.GetProperty("deliveryId").GetString()!;
                        Interlocked.Increment(ref done);
                    }
                    catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
                    {
                        failures.Enqueue($"{number}: {e.Message}");
                    }
                }
            })).ToList();
            var chaos = Task.Run(async () =>
            {
                foreach (var at in new[] { activations / 4, activations * 3 / 5 })
                {
                    while (Interlocked.Read(ref done) < at && clients.Any(c => !c.IsCompleted)) await Task.Delay(50);
                    var holder = await Topology(root, settings, "holder");
                    if (holder.Length == 0) { crashes.Add("no holder found"); continue; }
                    var killedAt = Stopwatch.StartNew();
                    await Topology(root, settings, "kill", holder[^1..]);
                    string taken = "";
                    while (killedAt.Elapsed < TimeSpan.FromSeconds(30))
                    {
                        taken = await Topology(root, settings, "holder");
                        if (taken.Length > 0 && taken != holder) break;
                        await Task.Delay(100);
                    }
                    var moved = killedAt.Elapsed;
                    await Topology(root, settings, "restart", holder[^1..]);
                    crashes.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{holder} killed after {at} confirms; lease taken by {taken} after {moved.TotalSeconds:0.0} s; {holder} ready again after {killedAt.Elapsed.TotalSeconds:0.0} s"));
                }
            });
            await Task.WhenAll(clients);
            var elapsed = work.Elapsed;
            await chaos;

            // Every message delivered: the outbox drained, and each confirm's message received by the SMTP server.
            var drained = Stopwatch.StartNew();
            long waiting = -1;
            while (drained.Elapsed < TimeSpan.FromSeconds(180))
            {
                waiting = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM delivery.messages WHERE status <> 'SENT'");
                if (waiting == 0) break;
                await Task.Delay(500);
            }
            var expected = new Dictionary<string, string>(); // Message-ID → card
            await using (var c = await dataSource.OpenConnectionAsync())
            await using (var q = new NpgsqlCommand("SELECT message_id, card_number FROM delivery.messages WHERE id = ANY(@ids)", c))
            {
                q.Parameters.AddWithValue("ids", answers.Values.Select(Guid.Parse).ToArray());
                await using var r = await q.ExecuteReaderAsync();
                while (await r.ReadAsync()) expected[r.GetString(0).Trim('<', '>')] = r.GetString(1);
            }
            var received = smtp.ReceivedEmail.Select(m => MimeKit.MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data)))).ToList();
            var byRecipient = received.GroupBy(m => m.To.Mailboxes.First().Address.ToLowerInvariant()).ToList();
            var receivedIds = received.Select(m => m.MessageId).ToHashSet();
            var missing = expected.Keys.Count(id => !receivedIds.Contains(id));
            var repeats = received.Count - receivedIds.Count;
            var recipientsWithTwoIds = byRecipient.Count(g => g.Select(m => m.MessageId).Distinct().Count() > 1);

            // Exactly one activation per card confirmed.
            var completedPerCard = await ScalarAsync<long>(dataSource, """
                SELECT count(*) FROM (SELECT card_number FROM activation.requests WHERE card_number = ANY(@cards) AND status = 'COMPLETED'
                                      GROUP BY card_number HAVING count(*) <> 1) x
                """, ("cards", answers.Keys.ToArray()));
            var completed = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM activation.requests WHERE status = 'COMPLETED'");
            var activeCards = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM identification.cards WHERE card_number = ANY(@cards) AND state = 'ACTIVE'",
                ("cards", answers.Keys.ToArray()));

            // The trail: chained with no gap, and cms audit verify finds it intact with its checkpoints.
            var chainDeadline = Stopwatch.StartNew();
            long pending = -1;
            while (chainDeadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                pending = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM audit.operations o WHERE NOT EXISTS (SELECT 1 FROM audit.chain_links l WHERE l.sequence = o.sequence)");
                if (pending == 0) break;
                await Task.Delay(250);
            }
            var gapless = await ScalarAsync<bool>(dataSource, "SELECT count(*) = coalesce(max(chain_index), 0) AND count(DISTINCT chain_index) = count(*) FROM audit.chain_links");
            var checkpoints = Directory.GetFiles(Path.Combine(folder, "audit-checkpoints"), "checkpoint-*.json").Length;
            var (verifyExit, verifyOutput) = await VerifyAsync(root, folder);

            var ok = failures.IsEmpty && done == activations && missing == 0 && recipientsWithTwoIds == 0 && completedPerCard == 0
                && activeCards == activations && waiting == 0 && pending == 0 && gapless && verifyExit == 0 && crashes.Count == 2;
            var report = string.Create(CultureInfo.InvariantCulture, $"""
                | what | figure |
                |---|---:|
                | activations through HAProxy (create + print + confirm), {Clients} clients, 2 instances | {done} of {activations} in {elapsed.TotalSeconds:0.0} s ({done / elapsed.TotalSeconds:0.0}/s) |
                | requests retried with the same Idempotency-Key (refused or cut by a crash) | {retries} |
                | confirms without an answer | {activations - done} |
                | cards with other than exactly one completed activation | {completedPerCard} (completed activations in all: {completed}; cards active: {activeCards}) |
                | messages confirmed / received by the SMTP server / missing | {expected.Count} / {received.Count} / {missing} |
                | repeats (same Message-ID) / recipients with two different Message-IDs | {repeats} / {recipientsWithTwoIds} |
                | messages not sent at the end | {waiting} |
                | trail entries not chained / chain without gaps / checkpoints signed | {pending} / {(gapless ? "yes" : "NO")} / {checkpoints} |
                | cms audit verify | exit {verifyExit} |

                Crashes: {string.Join("; ", crashes)}.

                {verifyOutput.Trim()}
                {(failures.IsEmpty ? "" : "Failures: " + string.Join("\n", failures.Take(10)))}
                Result: **{(ok ? "PASS" : "FAIL")}**
                """);
            Console.WriteLine(report);
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "topology-last.md"), report);
            return ok ? 0 : 1;
        }
        finally
        {
            await Topology(root, settings, "stop");
        }
    }

    private static async Task<string> Topology(string root, IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "topology.sh"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root,
        };
        foreach (var (k, v) in settings) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"topology.sh {string.Join(' ', args)}: {await error}");
        return (await output).Trim();
    }

    private static async Task<(int Exit, string Output)> VerifyAsync(string root, string folder)
    {
        var cli = Path.Combine(root, "src", "Cms.Cli", "bin", "Release", "net10.0", "cms.dll");
        var start = new ProcessStartInfo("bash", ["-c", $". '{folder}/env' && exec dotnet '{cli}' audit verify --checkpoints '{folder}/audit-checkpoints'"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Sends until an answer comes: a refused connection, a cut one (502/503/504) or a time-out is sent again with the same key.</summary>
    private static async Task<JsonElement> RetryAsync(HttpClient http, string token, HttpMethod method, string path, string? key, object? body, Action retried)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 0) { retried(); await Task.Delay(Math.Min(100 * attempt, 1000)); }
            if (attempt > 200) throw new InvalidOperationException($"{method} {path}: no answer after {attempt} attempts");
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (key is not null) request.Headers.Add("Idempotency-Key", key);
            if (body is not null) request.Content = JsonContent.Create(body);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                continue;
            }
            using (response)
            {
                if (response.IsSuccessStatusCode)
                    return response.Content.Headers.ContentType?.MediaType == "application/json"
                        ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
                if ((int)response.StatusCode is >= 500 or 408 or 409 or 429) continue;
                throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, params (string Name, object Value)[] parameters)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await using var q = new NpgsqlCommand(sql, c);
        foreach (var (name, value) in parameters) q.Parameters.AddWithValue(name, value);
        return (T)(await q.ExecuteScalarAsync())!;
    }
}
