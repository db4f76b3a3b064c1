using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cms.Domain.Common;
using Cms.Infrastructure.DemoData;
using Npgsql;

namespace Cms.Bench;

/// <summary>
/// A rolling upgrade from the previous build (release N) to this one (N+1) on one database, as production.md's procedure runs it
/// (decision 0058): N migrates and serves; N+1's migration step runs while N keeps serving; N+1 starts beside N (the balancer
/// sends to both, and a request created on one is confirmed on the other); N stops; N+1 serves alone. In every phase the main
/// counter flows run through the HTTP API — identify, activation (create, print, confirm), FSE consents, reprint, revocation, the
/// operator's report — and each must answer as it should. At the end the trail is intact and every code message was delivered.
/// Environment (bench/run.sh upgrade sets it): CMS_OLD_API_DLL, CMS_OLD_CLI_DLL, CMS_API_DLL, CMS_CLI_DLL, CMS_BENCH_CONNECTION
/// (owner), CMS_BENCH_RUNTIME_CONNECTION (runtime role), CMS_OLD_REV and CMS_NEW_REV (for the report).
/// </summary>
public static partial class UpgradeBenchmark
{
    private const string AdminCf = "SCRMNS80A01D612M", AdminPassword = "Bench-Admin-Pwd-1", UserPassword = "Bench-Operator-Pwd-1";
    private const string OldUrl = "http://127.0.0.1:5101", NewUrl = "http://127.0.0.1:5102";
    private static readonly JsonSerializerOptions Web = JsonSerializerOptions.Web;

    public static async Task<int> RunAsync()
    {
        string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v
            : throw new InvalidOperationException($"{name} is not set (bench/run.sh upgrade sets it).");
        var owner = Env("CMS_BENCH_CONNECTION");
        var runtime = Env("CMS_BENCH_RUNTIME_CONNECTION");
        var (oldApi, oldCli, newApi, newCli) = (Env("CMS_OLD_API_DLL"), Env("CMS_OLD_CLI_DLL"), Env("CMS_API_DLL"), Env("CMS_CLI_DLL"));
        var work = Path.Combine(BenchWork.Folder(), "upgrade");
        if (Directory.Exists(work)) Directory.Delete(work, true);
        var pickup = Directory.CreateDirectory(Path.Combine(work, "pickup")).FullName;

        await using var dataSource = NpgsqlDataSource.Create(owner);
        await BenchDatabase.DropEverythingAsync(dataSource);
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Cms"] = runtime,
            ["Database__MigrateOnStartup"] = "false",
            ["CodeEncryption__ActiveKeyId"] = "upgrade",
            ["CodeEncryption__Keys__upgrade"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Jwt__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Bootstrap__AdminCodiceFiscale"] = AdminCf,
            ["Bootstrap__AdminPassword"] = AdminPassword,
            ["Delivery__PickupFolder"] = pickup,
        };
        var phases = new List<Phase>();
        var timings = new List<(string What, TimeSpan Took)>();
        Process? oldProcess = null, newProcess = null;
        try
        {
            // 1. Release N makes its schema and serves.
            timings.Add(("N's migration step (empty database)", await MigrateAsync(oldCli, owner)));
            oldProcess = Start(oldApi, OldUrl, settings);
            using var oldHttp = new HttpClient { BaseAddress = new Uri(OldUrl), Timeout = TimeSpan.FromSeconds(60) };
            using var newHttp = new HttpClient { BaseAddress = new Uri(NewUrl), Timeout = TimeSpan.FromSeconds(60) };
            await BenchApi.WaitReadyAsync(oldHttp, oldProcess);
            var actors = await ArrangeAsync(oldHttp);
            var cards = new Queue<string>(actors.Cards);
            var n = new Counter(oldHttp, actors.OperatorToken, "N");

            phases.Add(await RunPhaseAsync("N alone, on N's schema", [n], cards, pickup));
            var before = await MigrationsAsync(dataSource);

            // 2. N+1's migration step while N serves — the counter's flows run on N during the step itself (its locks, its
            //    grants) and after it: expand only, so N goes on as before.
            var migrating = MigrateAsync(newCli, owner);
            phases.Add(await RunPhaseAsync("N during N+1's migration step", [n], cards, pickup));
            timings.Add(("N+1's migration step, N serving", await migrating));
            var applied = (await MigrationsAsync(dataSource)).Except(before).ToList();
            phases.Add(await RunPhaseAsync("N alone, on N+1's schema", [n], cards, pickup));

            // 3. N+1 beside N: the balancer sends a counter's requests to either.
            newProcess = Start(newApi, NewUrl, settings);
            await BenchApi.WaitReadyAsync(newHttp, newProcess);
            var next = new Counter(newHttp, actors.OperatorToken, "N+1");
            phases.Add(await RunPhaseAsync("N and N+1 side by side", [n, next], cards, pickup));

            // 4. N stops (its in-flight work is done: the phases await every answer); N+1 alone.
            oldProcess.Kill(entireProcessTree: true);
            await oldProcess.WaitForExitAsync();
            oldProcess = null;
            phases.Add(await RunPhaseAsync("N+1 alone", [next], cards, pickup));

            // 5. The trail, read by an auditor on N+1, and every code message delivered once.
            var integrity = await GetJsonAsync(newHttp, actors.AuditorToken, "/api/v1/audit/integrity");
            var intact = integrity.GetProperty("intact").GetBoolean();
            var expectedMessages = phases.Sum(p => p.CodeMessages);
            var messages = await WaitForMessagesAsync(pickup, expectedMessages);

            var failures = phases.SelectMany(p => p.Failures).ToList();
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture,
                $"Rolling upgrade from {Environment.GetEnvironmentVariable("CMS_OLD_REV")} (N) to {Environment.GetEnvironmentVariable("CMS_NEW_REV")} (N+1); migrations N+1 applied while N served: {(applied.Count == 0 ? "none" : string.Join(", ", applied))}");
            report.AppendLine();
            report.AppendLine("| phase | flows | requests | as expected | failures |");
            report.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var p in phases)
                report.AppendLine(CultureInfo.InvariantCulture, $"| {p.Name} | {p.Flows} | {p.Requests} | {p.Requests - p.Failures.Count} | {p.Failures.Count} |");
            report.AppendLine();
            foreach (var (what, took) in timings) report.AppendLine(CultureInfo.InvariantCulture, $"- {what}: {took.TotalSeconds:0.0} s");
            report.AppendLine(CultureInfo.InvariantCulture, $"- trail intact (auditor on N+1): {intact}, {integrity.GetProperty("entriesChecked").GetInt64()} entries checked");
            report.AppendLine(CultureInfo.InvariantCulture, $"- messages delivered (recipient proofs and codes): {messages} of {expectedMessages}");
            foreach (var f in failures.Take(20)) report.AppendLine("  - " + f);
            Console.WriteLine(report);
            await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "upgrade-last.md"), report.ToString());
            return failures.Count == 0 && intact && messages == expectedMessages ? 0 : 1;
        }
        finally
        {
            foreach (var p in new[] { oldProcess, newProcess })
                if (p is { HasExited: false }) { p.Kill(entireProcessTree: true); await p.WaitForExitAsync(); }
        }
    }

    private sealed record Actors(string OperatorToken, string AuditorToken, IReadOnlyList<string> Cards);

    private sealed record Counter(HttpClient Http, string Token, string Name);

    private sealed class Phase(string name)
    {
        public string Name { get; } = name;
        public int Flows { get; set; }
        public int Requests { get; set; }
        public int CodeMessages { get; set; }
        public List<string> Failures { get; } = [];
    }

    /// <summary>The region's set-up, through N: a counter, its operator, the issuer with a feed of adults' cards, an auditor.</summary>
    private static async Task<Actors> ArrangeAsync(HttpClient http)
    {
        var admin = await BenchApi.TokenAsync(http, AdminCf, AdminPassword);
        await SendAsync(http, admin, HttpMethod.Post, "/api/v1/admin/counters", new { code = "090-201-UP001", name = "Upgrade", type = "ASL", region = "090" }, HttpStatusCode.Created);
        string Person(string surname) => CodiceFiscale.Compute(surname, "Bench", new DateOnly(1981, 2, 3), 'F', "D612");
        foreach (var (surname, role, counter) in new[] { ("Operatrice", "Operator", "090-201-UP001"), ("Emettitore", "Issuer", null), ("Revisore", "Auditor", null) })
            await SendAsync(http, admin, HttpMethod.Post, "/api/v1/admin/operators", new
            {
                codiceFiscale = Person(surname), givenName = "Bench", surname, counterCode = counter, roles = new[] { role },
                password = UserPassword, enabledForCms = true,
            }, HttpStatusCode.Created);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var lines = new DemoPopulation(seed: 27).Cards(400, today)
            .Where(l => !Age.IsMinorOn(DateOnly.Parse(l.Holder!.BirthDate!, CultureInfo.InvariantCulture), today)
                && DateOnly.Parse(l.ExpiryDate!, CultureInfo.InvariantCulture) > today.AddMonths(1))
            .GroupBy(l => l.Holder!.CodiceFiscale).Select(g => g.First())
            .Take(140).ToList();
        var issuer = await BenchApi.TokenAsync(http, Person("Emettitore"), UserPassword);
        using (var feed = new HttpRequestMessage(HttpMethod.Post, "/api/v1/issuer/card-feed"))
        {
            feed.Content = new StringContent(string.Join("\n", lines.Select(DemoPopulation.ToNdjsonLine)) + "\n", Encoding.UTF8, "application/x-ndjson");
            feed.Headers.Authorization = new AuthenticationHeaderValue("Bearer", issuer);
            using var fed = await http.SendAsync(feed);
            if (fed.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"card feed: {(int)fed.StatusCode} {await fed.Content.ReadAsStringAsync()}");
        }
        return new Actors(await BenchApi.TokenAsync(http, Person("Operatrice"), UserPassword), await BenchApi.TokenAsync(http, Person("Revisore"), UserPassword),
            lines.Select(l => l.CardNumber!).ToList());
    }

    /// <summary>
    /// Five rounds of the counter's flows, each on its own cards. With two instances, each step goes to the instance in turn, so that
    /// a request created on one is printed and confirmed on the other.
    /// </summary>
    private static async Task<Phase> RunPhaseAsync(string name, IReadOnlyList<Counter> instances, Queue<string> cards, string pickup)
    {
        var phase = new Phase(name);
        var turn = 0;
        Counter Next() => instances[turn++ % instances.Count];
        for (var round = 0; round < 5; round++)
        {
            var card = cards.Dequeue();
            var other = cards.Dequeue();
            var address = $"upgrade.{card}@example.it";
            var document = new
            {
                type = "CARTA_IDENTITA", number = "CA1234567", issuedBy = "COMUNE DI FIRENZE",
                issueDate = DateTime.UtcNow.AddYears(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                expiryDate = DateTime.UtcNow.AddYears(8).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            };
            async Task<(bool Ok, JsonElement? Body)> Step(string what, HttpMethod method, string path, object? body, HttpStatusCode expected, bool idempotent = false)
            {
                var at = Next();
                phase.Requests++;
                try
                {
                    return (true, await SendAsync(at.Http, at.Token, method, path, body, expected, idempotent));
                }
                catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException)
                {
                    phase.Failures.Add($"{name}, {what} on {at.Name}: {e.Message}");
                    return (false, null);
                }
            }
            // The region's recipient proof (decision 0036): a code sent to the address, read back by the holder, typed at the confirm.
            async Task<object?> Proof(string kind, string id)
            {
                if (!(await Step($"{kind} recipient proof", HttpMethod.Post, $"/api/v1/{kind}/{id}/recipient-proof", null, HttpStatusCode.Accepted)).Ok) return null;
                phase.CodeMessages++;
                if (await ProofCodeAsync(pickup, address) is { } code) return new { formPrintedAndSigned = true, recipientProof = code };
                phase.Failures.Add($"{name}, {kind} recipient proof: no code reached {address}");
                return null;
            }
            async Task<bool> PrintAndConfirm(string kind, string id, object? confirmation)
            {
                if (confirmation is null) return false;
                if ((await Step($"{kind} read", HttpMethod.Get, $"/api/v1/{kind}/{id}", null, HttpStatusCode.OK)).Body is not { } view) return false;
                if (view.TryGetProperty("summary", out var summary) && summary.TryGetProperty("documents", out var documents))
                    foreach (var form in documents.EnumerateArray().Select(d => d.GetString()!).Where(d => d != "codici-personali"))
                        if (!(await Step($"{kind} form {form}", HttpMethod.Get, $"/api/v1/{kind}/{id}/documents/{form}", null, HttpStatusCode.OK)).Ok) return false;
                return (await Step($"{kind} confirm", HttpMethod.Post, $"/api/v1/{kind}/{id}/confirm", confirmation, HttpStatusCode.OK, idempotent: true)).Ok;
            }
            static string? Id((bool Ok, JsonElement? Body) created) => created.Body?.GetProperty("id").GetString();

            phase.Flows++;
            await Step("identify", HttpMethod.Post, "/api/v1/cards/identify", new { cardNumber = card }, HttpStatusCode.OK);
            var signed = new { formPrintedAndSigned = true };
            if (Id(await Step("activation create", HttpMethod.Post, "/api/v1/activations", new
                {
                    cardNumber = card, mode = "DIRECT", privacyConsent = true, document,
                    delivery = new { channel = "EMAIL", email = address, emailConfirmation = address },
                }, HttpStatusCode.Created)) is { } activation && await PrintAndConfirm("activations", activation, await Proof("activations", activation)))
                phase.CodeMessages++;

            phase.Flows++;
            if (Id(await Step("consents create", HttpMethod.Post, "/api/v1/consent-requests", new
                {
                    cardNumber = card, mode = "DIRECT", document, privacyConsent = true, declarationConfirmed = true,
                    consents = new
                    {
                        informationNoticeSeen = true, consultationConsent = true, notificationEmail = (string?)null, notificationEmailConfirmation = (string?)null,
                        pastData = "RECOVER_WITH_OBSCURING",
                    },
                }, HttpStatusCode.Created)) is { } consent)
                await Step("consents confirm", HttpMethod.Post, $"/api/v1/consent-requests/{consent}/confirm", null, HttpStatusCode.OK, idempotent: true);

            phase.Flows++;
            if (Id(await Step("reprint create", HttpMethod.Post, "/api/v1/reprints", new
                {
                    cardNumber = card, mode = "DIRECT", reason = "DIMENTICANZA", document, privacyConsent = true,
                    outsideHealthAuthorityReason = "Titolare in servizio fuori azienda sanitaria",
                    delivery = new { channel = "EMAIL", email = address, emailConfirmation = address },
                }, HttpStatusCode.Created)) is { } reprint && await PrintAndConfirm("reprints", reprint, await Proof("reprints", reprint)))
                phase.CodeMessages++;

            phase.Flows++;
            if (Id(await Step("revocation create", HttpMethod.Post, "/api/v1/revocations", new
                {
                    cardNumber = other, mode = "DIRECT", reason = "SMARRIMENTO", evidence = new { kind = "SELF_DECLARATION" }, document, privacyConsent = true,
                }, HttpStatusCode.Created)) is { } revocation)
                await PrintAndConfirm("revocations", revocation, signed);

            phase.Flows++;
            var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await Step("operator's report", HttpMethod.Get, $"/api/v1/reports/my-operations?from={today}&to={today}", null, HttpStatusCode.OK);
        }
        return phase;
    }

    private static async Task<JsonElement?> SendAsync(HttpClient http, string token, HttpMethod method, string path, object? body, HttpStatusCode expected,
        bool idempotent = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, options: Web) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (idempotent) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await http.SendAsync(request);
        if (response.StatusCode != expected)
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode}, expected {(int)expected}: {Truncate(await response.Content.ReadAsStringAsync())}");
        return response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true
            ? await response.Content.ReadFromJsonAsync<JsonElement>()
            : null;
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string token, string path) =>
        await SendAsync(http, token, HttpMethod.Get, path, null, HttpStatusCode.OK)
        ?? throw new InvalidOperationException($"{path} answered no JSON");

    private static Process Start(string apiDll, string url, Dictionary<string, string> settings)
    {
        var process = Process.Start(BenchApi.StartInfo(apiDll, url, settings))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null && e.Data.Contains("fail", StringComparison.Ordinal)) Console.Error.WriteLine($"[{url}] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The migration step as production.md gives it: the owner migrates and grants the runtime role its rights.</summary>
    private static async Task<TimeSpan> MigrateAsync(string cliDll, string ownerConnection)
    {
        var start = new ProcessStartInfo("dotnet", [cliDll, "migrate"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ConnectionStrings__CmsMigrations"] = ownerConnection;
        start.Environment["ConnectionStrings__Cms"] = ownerConnection;
        start.Environment["Database__RuntimeRole"] = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("CMS_BENCH_RUNTIME_CONNECTION")).Username;
        start.Environment["Database__WebRole"] = "cms_web"; // as scripts/run.sh migrates (decision 0057); a release before it ignores it
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{cliDll} migrate exited with {process.ExitCode}: {await output}{await errors}");
        return watch.Elapsed;
    }

    private static async Task<IReadOnlyList<string>> MigrationsAsync(NpgsqlDataSource dataSource)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await using var q = new NpgsqlCommand("""SELECT "MigrationId" FROM public."__EFMigrationsHistory" ORDER BY 1""", c);
        await using var r = await q.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await r.ReadAsync()) ids.Add(r.GetString(0));
        return ids;
    }

    /// <summary>The newest verification code sent to <paramref name="address"/> (the pickup folder's .eml files), waiting up to 30 s.</summary>
    private static async Task<string?> ProofCodeAsync(string pickup, string address)
    {
        for (var i = 0; i < 300; i++)
        {
            foreach (var file in Directory.EnumerateFiles(pickup, "*.eml", SearchOption.AllDirectories).Where(f => !ReadProofs.Contains(f)))
            {
                var message = MimeKit.MimeMessage.Load(file);
                if (message.To.Mailboxes.Any(m => m.Address == address) && ProofCode().Match(message.TextBody ?? "") is { Success: true } m)
                {
                    ReadProofs.Add(file); // each code is read once: a reprint's proof goes to the address its activation's went to
                    return m.Groups[1].Value;
                }
            }
            await Task.Delay(100);
        }
        return null;
    }

    private static readonly HashSet<string> ReadProofs = [];

    [System.Text.RegularExpressions.GeneratedRegex(@"Codice di verifica: (\d{6})")]
    private static partial System.Text.RegularExpressions.Regex ProofCode();

    /// <summary>Code messages land in the pickup folder as .eml files; waits up to a minute for all of them.</summary>
    private static async Task<int> WaitForMessagesAsync(string pickup, int expected)
    {
        var count = 0;
        for (var i = 0; i < 600 && count < expected; i++)
        {
            count = Directory.EnumerateFiles(pickup, "*.eml", SearchOption.AllDirectories).Count();
            if (count < expected) await Task.Delay(100);
        }
        return count;
    }
}
