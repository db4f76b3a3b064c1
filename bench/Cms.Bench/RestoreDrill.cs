using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Cms.Application.Common.Options;
using Cms.Domain.Common;
using Cms.Infrastructure.DemoData;
using Cms.Infrastructure.Identification;
using Cms.Infrastructure.Security;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Bench;

/// <summary>
/// The restore drill (issue 27, decision 0056): a full pgBackRest backup; 500 activations, the last 100 of them with SMTP down
/// (their messages held); time T; 100 more; restore to T into a new cluster (scripts/backup.sh restore) and start Cms on it with
/// the same key ring, checkpoint signing on and Audit:RestoredTo/RestoredAt. Checks: the 500 are there and the 100 are not; the
/// sealed codes still open with the key ring; the held messages are sent; a checkpoint of the restore generation is signed; the
/// checkpoints of the lost entries are the declared restore gap, the trail intact. Archiving is turned off again at the end.
/// Measures RPO (work lost before T, and the time between T and the last entry kept) and RTO (restore started → Cms ready).
/// </summary>
public static class RestoreDrill
{
    private const int Before = 500, Held = 100, After = 100, Clients = 8;
    private const string AdminCf = "SCRMNS80A01D612M", AdminPassword = "Drill-Admin-Pwd-1", OperatorPassword = "Drill-Operator-Pwd-1";

    public static async Task<int> RunAsync(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable("CMS_BENCH_CONNECTION")!;
        var apiDll = Environment.GetEnvironmentVariable("CMS_API_DLL")!;
        var root = Environment.GetEnvironmentVariable("CMS_ROOT") ?? Directory.GetCurrentDirectory();
        var apiPort = int.Parse(Environment.GetEnvironmentVariable("CMS_DRILL_API_PORT") ?? "5098", CultureInfo.InvariantCulture);
        var restorePort = int.Parse(Environment.GetEnvironmentVariable("CMS_DRILL_RESTORE_PORT") ?? "55532", CultureInfo.InvariantCulture);
        var work = Directory.CreateTempSubdirectory("cms-drill-").FullName;
        var url = $"http://127.0.0.1:{apiPort}";
        var checkpoints = Path.Combine(work, "checkpoints");
        var signingKey = Path.Combine(work, "checkpoint-signing.pem");
        var publicKey = Path.Combine(work, "checkpoint-public.pem");
        using (var ecdsa = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(signingKey, ecdsa.ExportPkcs8PrivateKeyPem());
            await File.WriteAllTextAsync(publicKey, ecdsa.ExportSubjectPublicKeyInfoPem());
        }
        Directory.CreateDirectory(checkpoints);
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        Dictionary<string, string> Settings(string cms, string pickup, bool smtpDown, bool signs, params (string, string)[] more)
        {
            var s = new Dictionary<string, string>
            {
                ["ConnectionStrings__Cms"] = cms,
                ["CodeEncryption__ActiveKeyId"] = "drill",
                ["CodeEncryption__Keys__drill"] = key, // the key ring: the same for the cluster and its restore
                ["Jwt__SigningKey"] = "ZHJpbGwtc2lnbmluZy1rZXktZHJpbGwtc2lnbmluZy1rZXktMTIzNDU2Nzg5MA==",
                ["Bootstrap__AdminCodiceFiscale"] = AdminCf,
                ["Bootstrap__AdminPassword"] = AdminPassword,
                ["Security__PasswordHashing__Iterations"] = "1000",
                ["Delivery__RetryBaseSeconds"] = "1",
                ["Delivery__RetryMaxSeconds"] = "2",
                ["Hangfire__SchedulePollingSeconds"] = "1",
                // The drill confirms without the holder at a counter to read back the recipient code (a region policy).
                ["Cms__RecipientProof__Required"] = "false",
                ["Audit__CheckpointPublicKeyFile"] = publicKey,
                ["Audit__CheckpointFolder"] = checkpoints,
                ["Audit__CheckpointEveryEntries"] = "100",
                ["Audit__CheckpointEveryMinutes"] = "1",
            };
            if (signs) s["Audit__CheckpointSigningKeyFile"] = signingKey;
            if (smtpDown)
            {
                // Nothing listens there: every message stays in the database, to be retried.
                s["Smtp__Host"] = "127.0.0.1";
                s["Smtp__Port"] = "9";
            }
            else s["Delivery__PickupFolder"] = pickup;
            foreach (var (k, v) in more) s[k] = v;
            return s;
        }

        // 1. A clean database with the cards, an operator, an auditor; then the backup.
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        await BenchDatabase.DropEverythingAsync(dataSource);
        var figures = new List<string>();
        Process? api = null;
        string? restoredUrl = null;
        try
        {
            api = Start(apiDll, url, Settings(connectionString, Path.Combine(work, "pickup-1"), smtpDown: false, signs: true));
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
            await WaitReadyAsync(http, api);
            var cipher = new AesGcmCodeCipher(Options.Create(new CodeEncryptionOptions { ActiveKeyId = "drill", Keys = new() { ["drill"] = key } }));
            using (var feed = new MemoryStream())
            {
                var today = DateOnly.FromDateTime(DateTime.UtcNow);
                var lines = new DemoPopulation(seed: 11).Cards(2000, today)
                    .Where(l => !Age.IsMinorOn(DateOnly.Parse(l.Holder!.BirthDate!, CultureInfo.InvariantCulture), today)
                                && DateOnly.Parse(l.ExpiryDate!, CultureInfo.InvariantCulture) > today);
                await DemoPopulation.WriteNdjsonAsync(lines, feed, CancellationToken.None);
                feed.Position = 0;
                await new CardFeedImporter(dataSource, cipher, Options.Create(new CmsOptions())).ImportNdjsonAsync(feed, 0, CancellationToken.None);
            }
            var numbers = new List<string>();
            await using (var c = await dataSource.OpenConnectionAsync())
            await using (var q = new NpgsqlCommand("SELECT card_number FROM identification.cards WHERE state = 'NOT_ACTIVE' ORDER BY card_number", c))
            await using (var r = await q.ExecuteReaderAsync())
                while (await r.ReadAsync()) numbers.Add(r.GetString(0));
            if (numbers.Count < Before + After) throw new InvalidOperationException($"only {numbers.Count} cards to activate");
            var admin = await TokenAsync(http, AdminCf, AdminPassword);
            await PostAsync(http, admin, "/api/v1/admin/counters", new { code = "090-201-DR001", name = "Drill", type = "ASL", region = "090" });
            var operatorCf = CodiceFiscale.Compute("Drill", "Operatore", new DateOnly(1980, 1, 1), 'M', "D612");
            var auditorCf = CodiceFiscale.Compute("Drill", "Revisore", new DateOnly(1981, 1, 1), 'F', "D612");
            await PostAsync(http, admin, "/api/v1/admin/operators", new
            {
                codiceFiscale = operatorCf, givenName = "Drill", surname = "Operatore", counterCode = "090-201-DR001",
                roles = new[] { "Operator" }, password = OperatorPassword, enabledForCms = true,
            });
            await PostAsync(http, admin, "/api/v1/admin/operators", new
            {
                codiceFiscale = auditorCf, givenName = "Drill", surname = "Revisore", roles = new[] { "Auditor" }, password = OperatorPassword, enabledForCms = true,
            });
            Script(root, "backup.sh", "full");
            dataSource.Clear(); // the first backup turns archiving on with a restart, which ended the pool's idle connections

            // 2. 400 activations with SMTP up, 100 with it down (held), then T.
            var token = await TokenAsync(http, operatorCf, OperatorPassword);
            var sent = numbers.Take(Before - Held).ToList();
            var held = numbers.Skip(Before - Held).Take(Held).ToList();
            var lost = numbers.Skip(Before).Take(After).ToList();
            await ActivateAllAsync(http, token, sent);
            await WaitForAsync(() => Task.FromResult(PickedUp(Path.Combine(work, "pickup-1"), sent) == sent.Count), TimeSpan.FromSeconds(120), "the first messages sent");
            api.Kill(entireProcessTree: true);
            await api.WaitForExitAsync();
            api = Start(apiDll, url, Settings(connectionString, "", smtpDown: true, signs: true));
            await WaitReadyAsync(http, api);
            token = await TokenAsync(http, operatorCf, OperatorPassword);
            await ActivateAllAsync(http, token, held);
            await Task.Delay(TimeSpan.FromSeconds(65)); // a checkpoint by time too (Audit:CheckpointEveryMinutes=1)
            var t = await ScalarAsync<DateTime>(dataSource, "SELECT now()");
            var tText = new DateTimeOffset(t, TimeSpan.Zero).ToString("yyyy-MM-dd HH:mm:ss.ffffff'+00'", CultureInfo.InvariantCulture);
            Console.WriteLine($"T = {tText}");
            await Task.Delay(1000);

            // 3. 100 more, and their checkpoints, then the restore to T.
            await ActivateAllAsync(http, token, lost);
            await WaitForAsync(async () => await ScalarAsync<long>(dataSource, "SELECT count(*) FROM audit.pending_entries") == 0, TimeSpan.FromSeconds(60), "the trail chained");
            await Task.Delay(TimeSpan.FromSeconds(65)); // the checkpoint of the lost entries is signed and exported
            var signedAfterT = Directory.GetFiles(checkpoints).Count(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement.GetProperty("signedAt").GetDateTimeOffset() > t);
            api.Kill(entireProcessTree: true);
            await api.WaitForExitAsync();
            var beforeTOnPrimary = await ScalarAsync<long>(dataSource, $"SELECT count(*) FROM audit.operations WHERE occurred_at <= '{tText}'");
            var rto = Stopwatch.StartNew();
            var restored = Environment.GetEnvironmentVariable("CMS_DRILL_SKIP_RESTORE") is null
                ? Script(root, "backup.sh", "restore", tText, restorePort.ToString(CultureInfo.InvariantCulture), ("CMS_BACKUP_DB", new NpgsqlConnectionStringBuilder(connectionString).Database!))
                : throw new InvalidOperationException("restore skipped");
            var owner = new NpgsqlConnectionStringBuilder(connectionString) { Port = restorePort }.ConnectionString;
            restoredUrl = owner;
            // What the restore kept, before Cms writes anything on it.
            var restoredSource = new NpgsqlDataSourceBuilder(owner).Build();
            var lastKept = await ScalarAsync<DateTime>(restoredSource, "SELECT max(occurred_at) FROM audit.operations");
            var afterT = await ScalarAsync<long>(restoredSource, $"SELECT count(*) FROM audit.operations WHERE occurred_at > '{tText}'");
            var beforeTRestored = await ScalarAsync<long>(restoredSource, $"SELECT count(*) FROM audit.operations WHERE occurred_at <= '{tText}'");
            var restoredAt = DateTimeOffset.UtcNow;
            // Signing on: after the restore the chainer declares it in the trail and goes on signing (decision 0056).
            api = Start(apiDll, url, Settings(owner, Path.Combine(work, "pickup-3"), smtpDown: false, signs: true,
                ("Audit__RestoredTo", new DateTimeOffset(t, TimeSpan.Zero).ToString("O", CultureInfo.InvariantCulture)),
                ("Audit__RestoredAt", restoredAt.ToString("O", CultureInfo.InvariantCulture))));
            await WaitReadyAsync(http, api);
            rto.Stop();

            // 4. The checks.
            var states = new Dictionary<string, string>();
            await using (var c = await restoredSource.OpenConnectionAsync())
            await using (var q = new NpgsqlCommand("SELECT card_number, state, codes_key_id, codes_ciphertext FROM identification.cards WHERE card_number = ANY(@n)", c))
            {
                q.Parameters.AddWithValue("n", numbers.Take(Before + After).ToArray());
                await using var r = await q.ExecuteReaderAsync();
                var opened = 0;
                var failures = 0;
                while (await r.ReadAsync())
                {
                    states[r.GetString(0)] = r.GetString(1);
                    if (r.IsDBNull(3)) continue;
                    try
                    {
                        var codes = cipher.Open(r.GetString(0), new EncryptedCodes(r.GetString(2), r.GetFieldValue<byte[]>(3)));
                        if (codes.Pin.Length > 0) opened++;
                    }
                    catch (System.Security.Cryptography.CryptographicException)
                    {
                        failures++;
                    }
                }
                figures.Add($"| sealed codes of the drill's {Before + After} cards opened with the key ring on the restored cluster | {opened} (failures: {failures}) |");
                if (failures > 0 || opened == 0) throw new InvalidOperationException($"{failures} sealed codes do not open");
            }
            var kept = sent.Concat(held).Count(n => states.GetValueOrDefault(n) == "ACTIVE");
            var gone = lost.Count(n => states.GetValueOrDefault(n) == "NOT_ACTIVE");
            figures.Add($"| activations before T found active | {kept} of {Before} |");
            figures.Add($"| activations after T absent (card not active) | {gone} of {After} |");
            await WaitForAsync(() => Task.FromResult(PickedUp(Path.Combine(work, "pickup-3"), held) == held.Count), TimeSpan.FromSeconds(120), "the held messages sent after the restore");
            var heldSent = PickedUp(Path.Combine(work, "pickup-3"), held);
            var lostSent = PickedUp(Path.Combine(work, "pickup-3"), lost);
            figures.Add($"| messages confirmed before T but held, sent after the restore | {heldSent} of {Held} |");
            figures.Add($"| messages of the lost activations sent | {lostSent} |");
            var auditor = await TokenAsync(http, auditorCf, OperatorPassword);
            // A checkpoint of this restore generation (checkpoint-<position>-r<RestoredAt>.json), signed after it went into service.
            var generation = $"-r{restoredAt.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}.json";
            await WaitForAsync(() => Task.FromResult(Directory.GetFiles(checkpoints, "checkpoint-*.json").Any(f => f.EndsWith(generation, StringComparison.Ordinal))),
                TimeSpan.FromSeconds(120), "a checkpoint signed after the restore");
            var signedAfterRestore = Directory.GetFiles(checkpoints, "checkpoint-*.json").Count(f => f.EndsWith(generation, StringComparison.Ordinal));
            figures.Add($"| checkpoints signed after the restore (this restore generation) | {signedAfterRestore} |");
            using var integrityRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v1/audit/integrity");
            integrityRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auditor);
            var integrity = await (await http.SendAsync(integrityRequest)).Content.ReadFromJsonAsync<JsonElement>();
            var intact = integrity.GetProperty("intact").GetBoolean();
            var explanation = integrity.GetProperty("checkpoints").GetProperty("explanation").GetString() ?? "";
            figures.Add($"| trail intact after the restore | {intact} |");
            figures.Add($"| checkpoints exported after T | {signedAfterT} |");
            figures.Add($"| checkpoint comparison | {explanation.Replace("|", "/", StringComparison.Ordinal)} |");
            var rpo = t - lastKept;
            figures.Add(string.Create(CultureInfo.InvariantCulture, $"| RPO: work confirmed before T and lost | {Before - kept} activations |"));
            figures.Add(string.Create(CultureInfo.InvariantCulture, $"| RPO: trail entries up to T on the primary / on the restored cluster | {beforeTOnPrimary} / {beforeTRestored} (lost: {beforeTOnPrimary - beforeTRestored}); entries after T kept: {afterT} |"));
            figures.Add(string.Create(CultureInfo.InvariantCulture, $"| T − last entry kept (the drill idled ~65 s before T, for a checkpoint by time) | {rpo.TotalSeconds:0.0} s |"));
            figures.Add(string.Create(CultureInfo.InvariantCulture, $"| RTO: restore started → Cms ready on the restored cluster | {rto.Elapsed.TotalSeconds:0.0} s |"));
            var report = "| restore drill | result |\n|---|---|\n" + string.Join("\n", figures);
            Console.WriteLine(report);
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "restore-drill-last.md"), report);
            var ok = afterT == 0 && beforeTRestored == beforeTOnPrimary && kept == Before && gone == After && heldSent == Held && lostSent == 0 && intact
                     && signedAfterRestore > 0
                     && (signedAfterT == 0 || explanation.Contains("Vuoto dichiarato del ripristino", StringComparison.Ordinal));
            Console.WriteLine(ok ? "restore drill: PASSED" : "restore drill: FAILED");
            return ok ? 0 : 1;
        }
        finally
        {
            if (api is { HasExited: false }) api.Kill(entireProcessTree: true);
            if (restoredUrl is not null) Script(root, "backup.sh", "drop-restored", restorePort.ToString(CultureInfo.InvariantCulture));
            // The dev cluster stops archiving into the drill's repository (archive_mode reset, restarted).
            Script(root, "backup.sh", "off");
            Directory.Delete(work, recursive: true); // the checkpoint signing key and the messages (codes' halves) with it
        }
    }

    private static int PickedUp(string folder, IReadOnlyCollection<string> numbers)
    {
        if (!Directory.Exists(folder)) return 0;
        var text = string.Join("\n", Directory.GetFiles(folder, "*.eml").Select(File.ReadAllText));
        return numbers.Count(n => text.Contains($"d{n}@example.it", StringComparison.Ordinal));
    }

    private static async Task ActivateAllAsync(HttpClient http, string token, IReadOnlyList<string> numbers)
    {
        var next = -1;
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var i && i < numbers.Count)
            {
                var number = numbers[i];
                var address = $"d{number}@example.it";
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
                using var created = await http.SendAsync(create);
                if (!created.IsSuccessStatusCode)
                {
                    if (Interlocked.Increment(ref failures) == 1) Console.Error.WriteLine($"create: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
                    continue;
                }
                var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
                using var print = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/activations/{id}/documents/modulo-richiesta-codici");
                print.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var printed = await http.SendAsync(print);
                using var confirm = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/activations/{id}/confirm")
                {
                    Content = JsonContent.Create(new { formPrintedAndSigned = true }),
                };
                confirm.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var confirmed = await http.SendAsync(confirm);
                if (!confirmed.IsSuccessStatusCode && Interlocked.Increment(ref failures) == 1)
                    Console.Error.WriteLine($"confirm: {(int)confirmed.StatusCode} {await confirmed.Content.ReadAsStringAsync()}");
            }
        })));
        if (failures > 0) throw new InvalidOperationException($"{failures} activations failed");
    }

    private static Process Start(string apiDll, string url, Dictionary<string, string> settings)
    {
        var api = Process.Start(BenchApi.StartInfo(apiDll, url, settings))!;
        api.OutputDataReceived += (_, _) => { };
        api.ErrorDataReceived += (_, e) => { if (e.Data is not null && e.Data.Contains("fail", StringComparison.Ordinal)) Console.Error.WriteLine(e.Data); };
        api.BeginOutputReadLine();
        api.BeginErrorReadLine();
        return api;
    }

    private static string Script(string root, string script, params object[] args)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", script), .. args.OfType<string>()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root,
        };
        foreach (var (k, v) in args.OfType<(string, string)>()) start.Environment[k] = v;
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Console.Error.Write(stderr.Result);
        if (p.ExitCode != 0) throw new InvalidOperationException($"scripts/{script} {string.Join(' ', args)} failed ({p.ExitCode})");
        return stdout.Trim();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource source, string sql)
    {
        await using var c = await source.OpenConnectionAsync();
        await using var q = new NpgsqlCommand(sql, c);
        return (T)(await q.ExecuteScalarAsync())!;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(500);
        }
    }

    private static async Task WaitReadyAsync(HttpClient http, Process api)
    {
        var until = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < until)
        {
            if (api.HasExited) throw new InvalidOperationException($"Cms.Api exited ({api.ExitCode})");
            try { if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return; } catch (HttpRequestException) { } catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException("Cms.Api did not start.");
    }

    private static async Task<string> TokenAsync(HttpClient http, string cf, string password)
    {
        var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = cf, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static async Task PostAsync(HttpClient http, string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
