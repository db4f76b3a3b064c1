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
/// PostgreSQL failover under load (issue 27, decision 0055). scripts/ha.sh runs a primary and a synchronous standby under
/// Patroni; one Cms.Api process uses the multi-host connection string, sends its code messages to a real SMTP server on
/// loopback, and is driven by several clients that create, print and confirm activations, retrying every request with the
/// same Idempotency-Key until it gets an answer other than 503. Mid-run the primary's postmaster is killed (SIGKILL); the run
/// goes on until Patroni has promoted the standby and Cms answers again, then checks on the new primary: every confirm that
/// got 200 is there, complete (its trail entry, its message), and its message was delivered; nothing is half-written; the
/// trail is intact, checkpoints included. Exits non-zero on any 500, any lost or half-written work, or a broken trail.
/// </summary>
public static class FailoverBenchmark
{
    private const int Clients = 8;

    public static async Task<int> RunAsync(string[] args)
    {
        var beforeKill = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var ownerConnection = Environment.GetEnvironmentVariable("CMS_BENCH_CONNECTION")!;
        var runtimeConnection = Environment.GetEnvironmentVariable("CMS_BENCH_RUNTIME_CONNECTION")!;
        var apiDll = Environment.GetEnvironmentVariable("CMS_API_DLL")!;
        var haScript = Environment.GetEnvironmentVariable("CMS_HA_SCRIPT")!;
        var work = Path.Combine(BenchWork.Folder(), "failover");
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        work = BenchWork.Folder("failover");

        var dataSource = new NpgsqlDataSourceBuilder(ownerConnection).Build();
        await BenchDatabase.DropEverythingAsync(dataSource);

        using var smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
        var delivered = new ConcurrentDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        smtp.MessageReceived += (_, e) =>
        {
            foreach (var to in e.Message.ToAddresses) delivered.AddOrUpdate(to.Address, 1, (_, n) => n + 1);
        };

        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        const string adminCf = "SCRMNS80A01D612M", adminPassword = "Bench-Admin-Pwd-1", operatorPassword = "Bench-Operator-Pwd-1";
        var url = "http://127.0.0.1:56590";
        var start = BenchApi.StartInfo(apiDll, url, new Dictionary<string, string>
        {
            // The runtime role on the multi-host string; the owner migrates (decision 0029).
            ["ConnectionStrings__Cms"] = runtimeConnection,
            ["ConnectionStrings__CmsMigrations"] = ownerConnection,
            ["Database__RuntimeRole"] = "cms",
            ["CodeEncryption__ActiveKeyId"] = "bench",
            ["CodeEncryption__Keys__bench"] = key,
            ["Jwt__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Bootstrap__AdminCodiceFiscale"] = adminCf,
            ["Bootstrap__AdminPassword"] = adminPassword,
            // A real SMTP server on loopback, in clear: allowed only outside Production (decision 0032), hence "Testing".
            ["ASPNETCORE_ENVIRONMENT"] = "Testing",
            ["Smtp__Host"] = "127.0.0.1",
            ["Smtp__Port"] = smtp.Configuration.Port.ToString(CultureInfo.InvariantCulture),
            ["Smtp__Security"] = "None",
            ["Security__PasswordHashing__Iterations"] = "100000",
            // The recipient proof (a code the holder reads out before the confirm) is another matter: off, as in the activations run.
            ["Cms__RecipientProof__Required"] = "false",
            // Signed checkpoints, often, so that some are written before the failover and some after.
            ["Audit__CheckpointSigningKeyFile"] = Path.Combine(work, "checkpoint-key.pem"),
            ["Audit__CheckpointGenerateIfMissing"] = "true",
            ["Audit__CheckpointFolder"] = Path.Combine(work, "checkpoints"),
            ["Audit__CheckpointEveryEntries"] = "200",
            ["Audit__CheckpointEveryMinutes"] = "1",
            ["MALLOC_ARENA_MAX"] = "2",
        });
        using var api = Process.Start(start)!;
        var apiErrors = new ConcurrentQueue<string>();
        api.OutputDataReceived += (_, _) => { };
        api.ErrorDataReceived += (_, e) => { if (e.Data is not null) apiErrors.Enqueue(e.Data); };
        api.BeginOutputReadLine();
        api.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
            await BenchApi.WaitReadyAsync(http);

            // Cards, a counter, an operator and an auditor.
            var cipher = new AesGcmCodeCipher(Options.Create(new CodeEncryptionOptions { ActiveKeyId = "bench", Keys = new() { ["bench"] = key } }));
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            using (var feed = new MemoryStream())
            {
                var lines = new DemoPopulation(seed: 11).Cards(30_000, today)
                    .Where(l => !Age.IsMinorOn(DateOnly.Parse(l.Holder!.BirthDate!, CultureInfo.InvariantCulture), today)
                        && DateOnly.Parse(l.ExpiryDate!, CultureInfo.InvariantCulture) > today);
                await DemoPopulation.WriteNdjsonAsync(lines, feed, CancellationToken.None);
                feed.Position = 0;
                await new CardFeedImporter(dataSource, cipher, Options.Create(new CmsOptions())).ImportNdjsonAsync(feed, 0, CancellationToken.None);
            }
            var numbers = new List<string>();
            await using (var c = await dataSource.OpenConnectionAsync())
            await using (var q = new NpgsqlCommand("SELECT card_number FROM identification.cards ORDER BY card_number", c))
            await using (var r = await q.ExecuteReaderAsync())
                while (await r.ReadAsync()) numbers.Add(r.GetString(0));

            var admin = await BenchApi.TokenAsync(http, adminCf, adminPassword);
            await BenchApi.PostAsync(http, admin, "/api/v1/admin/counters", new { code = "090-201-FO001", name = "Failover", type = "ASL", region = "090" });
            var operatorCf = CodiceFiscale.Compute("Bench", "Operatore", new DateOnly(1980, 1, 1), 'M', "D612");
            var auditorCf = CodiceFiscale.Compute("Bench", "Revisore", new DateOnly(1981, 2, 2), 'F', "D612");
            await BenchApi.PostAsync(http, admin, "/api/v1/admin/operators", new
            {
                codiceFiscale = operatorCf, givenName = "Bench", surname = "Operatore", counterCode = "090-201-FO001",
                roles = new[] { "Operator" }, password = operatorPassword, enabledForCms = true,
            });
            await BenchApi.PostAsync(http, admin, "/api/v1/admin/operators", new
            {
                codiceFiscale = auditorCf, givenName = "Bench", surname = "Revisore", counterCode = "090-201-FO001",
                roles = new[] { Cms.Domain.Administration.Role.Auditor }, password = operatorPassword, enabledForCms = true,
            });
            var token = await BenchApi.TokenAsync(http, operatorCf, operatorPassword);
            var auditorToken = await BenchApi.TokenAsync(http, auditorCf, operatorPassword);

            // The load, the kill, the recovery.
            var next = -1;
            var stats = new Stats();
            var confirmed = new ConcurrentBag<(Guid Id, string Card, string Address)>();
            var watch = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= numbers.Count) return;
                    var number = numbers[i];
                    var address = $"f{number}@example.it";
                    var created = await SendRetriedAsync(http, token, stats, watch, HttpMethod.Post, "/api/v1/activations", new
                    {
                        cardNumber = number, mode = "DIRECT",
                        document = new { type = "CARTA_IDENTITA", number = "CA00000AA", issuedBy = "Comune", issueDate = "2022-01-01", expiryDate = "2032-01-01" },
                        delivery = new { channel = "EMAIL", email = address, emailConfirmation = address }, privacyConsent = true,
                    });
                    if (created is null) continue;
                    var id = created.Value.GetProperty("id").GetGuid();
                    if (await SendRetriedAsync(http, token, stats, watch, HttpMethod.Get, $"/api/v1/activations/{id}/documents/modulo-richiesta-codici", null) is null)
                        continue;
                    if (await SendRetriedAsync(http, token, stats, watch, HttpMethod.Post, $"/api/v1/activations/{id}/confirm", new { formPrintedAndSigned = true }) is not null)
                    {
                        confirmed.Add((id, number, address));
                        stats.Confirmed(watch.Elapsed);
                    }
                }
            })).ToList();

            await Task.Delay(TimeSpan.FromSeconds(beforeKill));
            var confirmedBeforeKill = confirmed.Count;
            var killedMember = (await RunAsync("bash", haScript, "kill-primary")).Trim();
            stats.KilledAt = watch.Elapsed;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"killed the primary's postmaster ({killedMember}) at {stats.KilledAt.TotalSeconds:0.0} s, {confirmedBeforeKill} confirmed before"));
            // When Patroni has promoted the standby: its REST API answers 200 on /primary.
            var restBase = int.TryParse(Environment.GetEnvironmentVariable("CMS_HA_PORT_BASE"), out var b) ? b : 56500;
            var promotedMember = killedMember == "pg1" ? 1 : 0;
            TimeSpan? promotedAt = null;
            using var patroni = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while ((stats.FirstSuccessAfterKill is null || stats.FirstConfirmAfterKill is null) && DateTime.UtcNow < deadline)
            {
                if (promotedAt is null)
                    try
                    {
                        using var r = await patroni.GetAsync($"http://127.0.0.1:{restBase + 10 + promotedMember}/primary");
                        if (r.IsSuccessStatusCode) promotedAt = watch.Elapsed;
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
                await Task.Delay(100);
            }
            // Some more load on the new primary, then stop.
            await Task.Delay(TimeSpan.FromSeconds(10));
            stop.Cancel();
            await Task.WhenAll(clients);
            var recovered = stats.FirstSuccessAfterKill is { } first ? (first - stats.KilledAt).TotalSeconds : double.NaN;
            var confirmedAgain = stats.FirstConfirmAfterKill is { } firstConfirm ? (firstConfirm - stats.KilledAt).TotalSeconds : double.NaN;
            var promoted = promotedAt is { } p ? (p - stats.KilledAt).TotalSeconds : double.NaN;
            var strict = Environment.GetEnvironmentVariable("CMS_HA_STRICT") ?? "true";
            Console.WriteLine(await RunAsync("bash", haScript, "status"));

            // Delivery: every confirmed activation's message arrives (the sweep resends what was in flight).
            var confirmedList = confirmed.ToList();
            var deliveryDeadline = DateTime.UtcNow.AddSeconds(180);
            while (confirmedList.Any(c => !delivered.ContainsKey(c.Address)) && DateTime.UtcNow < deliveryDeadline) await Task.Delay(500);
            var undelivered = confirmedList.Count(c => !delivered.ContainsKey(c.Address));
            var repeats = delivered.Values.Count(n => n > 1);

            // On the new primary: every 200'd confirm is there and complete; nothing completed is half-written.
            var runtime = new NpgsqlDataSourceBuilder(ownerConnection).Build();
            var completed = new Dictionary<Guid, string>();
            await using (var c = await runtime.OpenConnectionAsync())
            await using (var q = new NpgsqlCommand("SELECT id, card_number FROM activation.requests WHERE upper(status) = 'COMPLETED'", c))
            await using (var r = await q.ExecuteReaderAsync())
                while (await r.ReadAsync()) completed[r.GetGuid(0)] = r.GetString(1);
            var lost = confirmedList.Count(c => !completed.ContainsKey(c.Id));
            var withMessage = await CardsAsync(runtime, "SELECT DISTINCT card_number FROM delivery.messages");
            var withTrail = await CardsAsync(runtime, "SELECT DISTINCT card_number FROM audit.operations WHERE type = 'ACTIVATION' AND outcome = 'SUCCEEDED'");
            var halfWritten = completed.Count(kv => !withMessage.Contains(kv.Value.Trim()) || !withTrail.Contains(kv.Value.Trim()));

            // The trail: chained and intact, its checkpoints (before and after the failover) matching.
            await Task.Delay(3000);
            using var integrityRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v1/audit/integrity");
            integrityRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auditorToken);
            using var integrityResponse = await http.SendAsync(integrityRequest);
            var integrity = await integrityResponse.Content.ReadFromJsonAsync<JsonElement>();
            var intact = integrityResponse.IsSuccessStatusCode && integrity.GetProperty("intact").GetBoolean();
            var checkpoints = integrity.TryGetProperty("checkpoints", out var cp) && cp.ValueKind == JsonValueKind.Object ? cp : default;
            var checkpointsChecked = checkpoints.ValueKind == JsonValueKind.Object ? checkpoints.GetProperty("checked").GetInt32() : 0;
            var checkpointsMatching = checkpoints.ValueKind == JsonValueKind.Object ? checkpoints.GetProperty("matching").GetInt32() : 0;

            var report = string.Create(CultureInfo.InvariantCulture, $"""
                | what | figure |
                |---|---:|
                | clients (each request retried with its Idempotency-Key until answered) | {Clients} |
                | activations confirmed (200) before the kill / in all | {confirmedBeforeKill} / {confirmedList.Count} |
                | synchronous_mode_strict | {strict} |
                | seconds from the kill to Patroni's promotion of the standby | {promoted:0.0} |
                | seconds from the kill to the first success (any request started after the kill) | {recovered:0.0} |
                | seconds from the kill to the first confirm answered 200 after it | {confirmedAgain:0.0} |
                | requests answered 503 service-unavailable meanwhile (retried) | {stats.Unavailable} |
                | retries answered 409 idempotency-request-in-progress (a reservation left by a request cut by the failover) | {stats.InProgress} |
                | requests answered 500 | {stats.ServerErrors} |
                | other failures (neither 2xx nor 503, or no answer) | {stats.Other} |
                | confirmed activations missing on the new primary (work lost) | {lost} |
                | completed activations without their trail entry or message (half-written) | {halfWritten} of {completed.Count} |
                | confirmed activations whose message was not delivered | {undelivered} |
                | addresses that received their message more than once (same Message-ID, SMTP acceptance window) | {repeats} |
                | trail intact / checkpoints matching | {(intact ? "yes" : "NO")} / {checkpointsMatching} of {checkpointsChecked} |
                """);
            Console.WriteLine(report);
            if (!intact) Console.WriteLine(integrity.ToString());
            foreach (var line in apiErrors.Where(l => l.Contains("fail", StringComparison.Ordinal) || l.Contains("crit", StringComparison.Ordinal)).Take(20))
                Console.Error.WriteLine("api: " + line);
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "failover-last.md"), report);
            var ok = stats.FirstSuccessAfterKill is not null && stats.ServerErrors == 0 && stats.Other == 0 && lost == 0 && halfWritten == 0
                     && undelivered == 0 && intact && checkpointsChecked > 0 && checkpointsMatching == checkpointsChecked;
            Console.WriteLine(ok ? "failover: PASSED" : "failover: FAILED");
            return ok ? 0 : 1;
        }
        finally
        {
            api.Kill(entireProcessTree: true);
        }
    }

    private sealed class Stats
    {
        public long Unavailable;
        public long ServerErrors;
        public long Other;
        public long InProgress;
        public TimeSpan KilledAt = TimeSpan.MaxValue;
        private long firstSuccessTicks = -1;

        private long firstConfirmTicks = -1;
        public TimeSpan? FirstConfirmAfterKill => Interlocked.Read(ref firstConfirmTicks) is var t and >= 0 ? TimeSpan.FromTicks(t) : null;

        /// <summary>A confirm answered 200 after the kill: written on the new primary (or replayed from its stored answer).</summary>
        public void Confirmed(TimeSpan at)
        {
            if (at > KilledAt) Interlocked.CompareExchange(ref firstConfirmTicks, at.Ticks, -1);
        }

        public TimeSpan? FirstSuccessAfterKill => Interlocked.Read(ref firstSuccessTicks) is var t and >= 0 ? TimeSpan.FromTicks(t) : null;

        public void Success(TimeSpan startedAt, TimeSpan at)
        {
            if (startedAt > KilledAt) Interlocked.CompareExchange(ref firstSuccessTicks, at.Ticks, -1);
        }
    }

    /// <summary>
    /// One request, retried with the same Idempotency-Key while the answer is 503 (after its Retry-After, capped at 1 s) or no
    /// answer came; the JSON of the 2xx answer, or null when the request failed otherwise (counted).
    /// </summary>
    private static async Task<JsonElement?> SendRetriedAsync(HttpClient http, string token, Stats stats, Stopwatch watch, HttpMethod method,
        string path, object? body)
    {
        var idempotencyKey = Guid.NewGuid().ToString();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = JsonContent.Create(body);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (method == HttpMethod.Post) request.Headers.Add("Idempotency-Key", idempotencyKey);
            var startedAt = watch.Elapsed;
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref stats.Other);
                await Task.Delay(200);
                continue;
            }
            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    stats.Success(startedAt, watch.Elapsed);
                    return response.Content.Headers.ContentType?.MediaType == "application/json"
                        ? await response.Content.ReadFromJsonAsync<JsonElement>() : default(JsonElement);
                }
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref stats.Unavailable);
                    var problem = await response.Content.ReadAsStringAsync();
                    if (!problem.Contains("service-unavailable", StringComparison.Ordinal) || response.Headers.RetryAfter is null)
                        Interlocked.Increment(ref stats.Other);
                    await Task.Delay(200);
                    continue;
                }
                // A reservation of the key left by a run that lost its database mid-request: the retry takes it over once the
                // reservation's lease (Idempotency:InProgressLeaseSeconds) has passed.
                if (response.StatusCode == HttpStatusCode.Conflict
                    && (await response.Content.ReadAsStringAsync()).Contains("idempotency-request-in-progress", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref stats.InProgress);
                    await Task.Delay(500);
                    continue;
                }
                if ((int)response.StatusCode >= 500) Interlocked.Increment(ref stats.ServerErrors);
                else Interlocked.Increment(ref stats.Other);
                Console.Error.WriteLine($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return null;
            }
        }
        Interlocked.Increment(ref stats.Other);
        return null;
    }

    private static async Task<HashSet<string>> CardsAsync(NpgsqlDataSource dataSource, string sql)
    {
        var cards = new HashSet<string>();
        await using var c = await dataSource.OpenConnectionAsync();
        await using var q = new NpgsqlCommand(sql, c);
        await using var r = await q.ExecuteReaderAsync();
        while (await r.ReadAsync()) if (!r.IsDBNull(0)) cards.Add(r.GetString(0).Trim());
        return cards;
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(start)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {error}");
        return output;
    }
}
