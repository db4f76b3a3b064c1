using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cms.Integration.Tests.Infrastructure;
using Npgsql;

namespace Cms.Integration.Tests;

/// <summary>
/// Issue 10, item 5: the codes, passwords and keys stay where they belong. One run through every path that handles them —
/// activation by e-mail and by SMS, an idempotent retry of the confirm, a reprint, a revocation with a wrong and a right CIP,
/// a password change, a linked region's registration — with codes no other test uses; then every answer, every log line,
/// every column of every table (Hangfire's too) and the messages sent are searched.
/// </summary>
public class SecretsTests(CmsFactory factory) : ApiTest(factory)
{
    // Codes of this test only. Halves (printed digits: PIN 2, PUK 4, CIP 4): PIN 04|091, PUK 0628|0517, CIP 0931|0284. Every code
    // and every half starts with 0, so that no number in a row or a log line (an id, a count, a duration) can look like one.
    private const string Number = "80380000900000055001", SmsNumber = "80380000900000055002";
    private const string Pin = "04091", Puk = "06280517", Cip = "09310284";
    private const string SmsPin = "07062", SmsPuk = "03590462", SmsCip = "05820319";
    private const string Address = "segreti@example.it", Mobile = "+393471234567";

    /// <summary>Every answer Cms gave in this test, with the request that asked for it; every request body sent.</summary>
    private sealed class Recorder(List<(string Request, string Answer)> answers, List<byte[]>? bodies = null) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (bodies is not null && request.Content is not null)
            {
                await request.Content.LoadIntoBufferAsync(cancellationToken);
                var sent = await request.Content.ReadAsByteArrayAsync(cancellationToken);
                lock (bodies) bodies.Add(sent);
            }
            var response = await base.SendAsync(request, cancellationToken);
            var media = response.Content.Headers.ContentType?.MediaType;
            var body = media == "application/pdf" ? "(pdf)" : await response.Content.ReadAsStringAsync(cancellationToken);
            lock (answers) answers.Add(($"{request.Method} {request.RequestUri?.PathAndQuery}", response.Headers + "\n" + body));
            return response;
        }
    }

    private async Task<HttpClient> RecordedAsync(List<(string, string)> answers, string codiceFiscale, string password, List<byte[]>? bodies = null)
    {
        var client = Factory.CreateDefaultClient(new Recorder(answers, bodies));
        var token = await OkAsync(await client.PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale, password }));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return client;
    }

    private static object Activation(string number, object delivery) => new
    {
        cardNumber = number, mode = "DIRECT",
        document = new { type = "CARTA_IDENTITA", number = "CA7654321", issuedBy = "Comune di Firenze", issueDate = Iso(Today.AddYears(-2)), expiryDate = Iso(Today.AddYears(8)) },
        delivery, privacyConsent = true,
    };

    [Fact]
    public async Task No_code_password_or_key_is_in_an_answer_it_does_not_belong_to_a_log_line_a_column_or_a_message()
    {
        await FeedAsync(Card(Number, pin: Pin, puk: Puk, cip: Cip), Card(SmsNumber, codiceFiscale: NewCf(), pin: SmsPin, puk: SmsPuk, cip: SmsCip));
        var answers = new List<(string Request, string Answer)>();
        var bodies = new List<byte[]>();
        var (_, operatorCf, _) = await ActorAsync("Operator");
        var client = await RecordedAsync(answers, operatorCf, OperatorPassword, bodies);

        // Activation by e-mail, its confirm retried with the same Idempotency-Key (the stored answer is sealed).
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations",
            Activation(Number, new { channel = "EMAIL", email = Address, emailConfirmation = Address })), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString();
        var confirmedAnswers = new List<string>();
        await client.PrintFormsAsync("activations", id!);
        for (var i = 0; i < 2; i++)
        {
            using var confirm = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/activations/{id}/confirm")
            {
                Content = System.Net.Http.Json.JsonContent.Create(SignBeforeConfirm.SignedBody()),
            };
            confirm.Headers.Add("Idempotency-Key", "segreti-" + id);
            confirmedAnswers.Add((await OkAsync(await client.SendAsync(confirm))).GetRawText());
        }
        Assert.Equal(confirmedAnswers[0], confirmedAnswers[1]);
        using (var first = JsonDocument.Parse(confirmedAnswers[0]))
            Assert.Equal(["04", "0628", "0931"], new[] { "pin", "puk", "cip" }.Select(c => first.RootElement.GetProperty("firstHalves").GetProperty(c).GetString()));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/activations/{id}/documents/codici-personali")).StatusCode);
        var mail = await Mailbox.WaitForAsync(Factory, Address);

        // Activation by SMS.
        var sms = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Activation(SmsNumber, new { channel = "SMS", mobile = Mobile })),
            HttpStatusCode.Created);
        await OkAsync(await client.PostAsync($"/api/v1/activations/{sms.GetProperty("id").GetString()}/confirm", await client.SignedAsync("activations", sms.GetProperty("id").GetString())));
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!Factory.SmsGateway.Received.Any(m => m.To == Mobile) && DateTime.UtcNow < until) await Task.Delay(100);
        var smsText = Assert.Single(Factory.SmsGateway.Received, m => m.To == Mobile).Text;

        // A reprint of the e-mail card, then its revocation with a wrong and the right CIP.
        var reprint = await OkAsync(await client.PostAsJsonAsync("/api/v1/reprints", new
        {
            cardNumber = Number, mode = "DIRECT", reason = "DIMENTICANZA",
            document = new { type = "PATENTE_GUIDA", number = "FI7654321", issuedBy = "MCTC", issueDate = Iso(Today.AddYears(-3)), expiryDate = Iso(Today.AddYears(5)) },
            delivery = new { channel = "EMAIL", email = Address, emailConfirmation = Address }, privacyConsent = true,
        }), HttpStatusCode.Created);
        await OkAsync(await client.PostAsync($"/api/v1/reprints/{reprint.GetProperty("id").GetString()}/confirm", await client.SignedAsync("reprints", reprint.GetProperty("id").GetString())));
        var revocation = await OkAsync(await client.PostAsJsonAsync("/api/v1/revocations", new
        {
            cardNumber = Number, mode = "DIRECT", reason = "FURTO", privacyConsent = true,
            evidence = new { kind = "POLICE_REPORT", reference = "Denuncia n. 55/2026" }, document = RevocationTests.Document(),
        }), HttpStatusCode.Created);
        var revocationId = revocation.GetProperty("id").GetString();
        // Both CIPs with an Idempotency-Key, as the web UI sends them: the key store knows the request by a fingerprint of its body.
        const string WrongCip = "09310285";
        await ProblemAsync(await SendWithKeyAsync(client, HttpMethod.Post, $"/api/v1/revocations/{revocationId}/verify-cip", new { cip = WrongCip },
            "segreti-cip-1"), HttpStatusCode.UnprocessableEntity, "cip-mismatch");
        await OkAsync(await SendWithKeyAsync(client, HttpMethod.Post, $"/api/v1/revocations/{revocationId}/verify-cip", new { cip = Cip }, "segreti-cip-2"));

        // A password change, and a linked region's registration with its shared secret.
        const string NewPassword = "Segreti-Nuova-Password-9";
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/auth/password",
            new { codiceFiscale = operatorCf, currentPassword = OperatorPassword, newPassword = NewPassword })).StatusCode);
        var peerSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        SecretLedger.Register("peer secret", peerSecret);
        var admin = await RecordedAsync(answers, CmsFactory.AdminCf, CmsFactory.AdminPassword, bodies);
        await OkAsync(await admin.PutAsJsonAsync("/api/v1/admin/peers/200", new { name = "Sardegna", baseUrl = "http://127.0.0.1:9", secret = peerSecret, enabled = true }));
        // A new operator's starting password, sent with an Idempotency-Key.
        const string StartingPassword = "Segreti-Avvio-Password-7";
        await EnsureCounterAsync(admin, "090-201-AS001", "ASL");
        await OkAsync(await SendWithKeyAsync(admin, HttpMethod.Post, "/api/v1/admin/operators", new
        {
            codiceFiscale = NewCf('F'), givenName = "Giulia", surname = "Segreti", counterCode = "090-201-AS001",
            roles = new[] { "Operator" }, password = StartingPassword, enabledForCms = true,
        }, "segreti-operatore"), HttpStatusCode.Created);
        await OkAsync(await admin.GetAsync("/api/v1/admin/peers"));
        await Mailbox.WaitForCountAsync(Factory, Address, 2); // the reprint's message too

        // What must never be seen outside its place, and where it may be.
        var whole = new[] { Pin, Puk, Cip, SmsPin, SmsPuk, SmsCip };
        var secondHalves = new[] { "091", "0517", "0284", "062", "0462", "0319" };
        var others = new[] { OperatorPassword, NewPassword, StartingPassword, CmsFactory.AdminPassword, Factory.CodeKey, Factory.JwtKey, peerSecret, FakeSmsGateway.ApiKey };

        // 1. Answers: no whole code, no second half, no password or key; first halves only in the confirm answers.
        Assert.True(answers.Count >= 15, $"only {answers.Count} answers recorded");
        foreach (var (request, answer) in answers)
        {
            foreach (var secret in whole.Concat(secondHalves).Concat(others))
                Assert.False(Contains(answer, secret), $"{request} answered with a secret ({Mask(secret)})");
            foreach (var half in new[] { "\"0628\"", "\"0931\"" })
                if (answer.Contains(half, StringComparison.Ordinal))
                    Assert.Matches("^POST /api/v1/(activations|reprints)/[^/]+/confirm$", request);
        }

        // 2. Log lines of this test (the whole run's are searched after the suite).
        var logs = Factory.Logs.Lines;
        Assert.NotEmpty(logs);
        foreach (var line in logs)
            foreach (var secret in whole.Concat(secondHalves).Concat(others))
                Assert.False(Contains(line, secret), $"a log line holds a secret ({Mask(secret)}): {Regex.Replace(line, "[0-9]", "#")}");

        // 3. Every column of every table, Hangfire's job arguments included: codes, passwords and keys only sealed or hashed.
        var rows = await DatabaseTextAsync();
        Assert.Contains(rows, r => r.Contains(Number, StringComparison.Ordinal)); // the dump reads the tables
        foreach (var row in rows)
            foreach (var secret in whole.Concat(secondHalves).Concat(others))
                Assert.False(Contains(row, secret), $"a row holds a secret in clear ({Mask(secret)}): {row[..Math.Min(row.Length, 60)]}");

        // 3b. Nor any unkeyed digest of them (MD5, SHA-1/256/512 in hex or base64; of the secret alone, quoted, or of a request body
        // that carried it as sent): for a short code a plain hash is the code.
        Assert.Contains(rows, r => r.StartsWith("platform.idempotency_keys", StringComparison.Ordinal)); // fingerprints were stored
        var text = string.Join('\n', rows);
        var lower = text.ToLowerInvariant();
        foreach (var secret in whole.Append(WrongCip).Concat(others))
        {
            var carriers = bodies.Where(b => Encoding.UTF8.GetString(b).Contains(secret, StringComparison.Ordinal)).ToList();
            if (secret is Cip or WrongCip or StartingPassword) Assert.NotEmpty(carriers);
            foreach (var (form, digest) in UnkeyedDigests(secret, carriers))
            {
                var hex = Convert.ToHexStringLower(digest)[..24];
                var base64 = Convert.ToBase64String(digest)[..20];
                var base64Url = base64.Replace('+', '-').Replace('/', '_');
                Assert.False(lower.Contains(hex, StringComparison.Ordinal), $"a row holds an unkeyed digest ({form}, hex) of {Mask(secret)}");
                Assert.False(text.Contains(base64, StringComparison.Ordinal) || text.Contains(base64Url, StringComparison.Ordinal),
                    $"a row holds an unkeyed digest ({form}, base64) of {Mask(secret)}");
            }
        }

        // 4. The messages: the second halves, never a whole code nor a first half.
        var body = mail.TextBody + mail.HtmlBody;
        foreach (var half in new[] { "091", "0517", "0284" }) Assert.True(Contains(body, half), $"the e-mail lacks a second half ({half.Length} digits)");
        foreach (var secret in whole.Append("0628").Append("0931")) Assert.False(Contains(body, secret), $"the e-mail holds {Mask(secret)}");
        foreach (var half in new[] { "062", "0462", "0319" }) Assert.True(Contains(smsText, half), $"the SMS lacks a second half ({half.Length} digits)");
        foreach (var secret in new[] { SmsPin, SmsPuk, SmsCip, "0359", "0582" }) Assert.False(Contains(smsText, secret), $"the SMS holds {Mask(secret)}");
    }

    [Fact]
    public async Task A_cip_verified_with_an_idempotency_key_is_not_found_by_trying_every_cip_against_the_key_store()
    {
        const string number = "80380000900000055003", cip = "09470316";
        await FeedAsync(Card(number, codiceFiscale: NewCf(), cip: cip));
        await SetStateAsync(number, "ACTIVE");
        var (client, _, _) = await ActorAsync("Operator");
        var revocation = await OkAsync(await client.PostAsJsonAsync("/api/v1/revocations", new
        {
            cardNumber = number, mode = "DIRECT", reason = "FURTO", privacyConsent = true,
            evidence = new { kind = "POLICE_REPORT", reference = "Denuncia n. 56/2026" }, document = RevocationTests.Document(),
        }), HttpStatusCode.Created);
        var path = $"/api/v1/revocations/{revocation.GetProperty("id").GetString()}/verify-cip";
        await OkAsync(await SendWithKeyAsync(client, HttpMethod.Post, path, new { cip }, "forza-bruta"));

        var stored = await StoredKeysAsync(Factory, path);
        Assert.NotEmpty(stored);
        Assert.Null(CipBruteForce.Search(cip, path, stored));
        // The control: the same search over what was stored before finds the CIP.
        Assert.Equal(cip, CipBruteForce.Search(cip, path, CipBruteForce.OldDigests(cip, path)));
    }

    /// <summary>The keys and request fingerprints the key store holds for a path.</summary>
    public static async Task<List<string>> StoredKeysAsync(CmsFactory factory, string path)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT key, request_hash FROM platform.idempotency_keys WHERE path = @p", connection);
        command.Parameters.AddWithValue("p", path);
        var stored = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) stored.AddRange([reader.GetString(0), reader.GetString(1)]);
        return stored;
    }

    /// <summary>MD5, SHA-1, SHA-256 and SHA-512 of the secret alone, of it quoted as a JSON string, and of each body that carried it.</summary>
    private static IEnumerable<(string Form, byte[] Digest)> UnkeyedDigests(string secret, IEnumerable<byte[]> carriers)
    {
        var forms = new List<(string, byte[])> { ("alone", Encoding.UTF8.GetBytes(secret)), ("quoted", Encoding.UTF8.GetBytes($"\"{secret}\"")) };
        forms.AddRange(carriers.Select(b => ("request body", b)));
        foreach (var (form, bytes) in forms)
        {
            yield return ($"MD5 of {form}", System.Security.Cryptography.MD5.HashData(bytes));
            yield return ($"SHA-1 of {form}", System.Security.Cryptography.SHA1.HashData(bytes));
            yield return ($"SHA-256 of {form}", System.Security.Cryptography.SHA256.HashData(bytes));
            yield return ($"SHA-512 of {form}", System.Security.Cryptography.SHA512.HashData(bytes));
        }
    }

    [Fact]
    public async Task A_password_typed_into_the_codice_fiscale_field_at_sign_in_is_in_no_column()
    {
        // Issue 23: the trail keeps what was typed as the codice fiscale only when it is one; a password typed there (a slip of
        // the tab key) leaves a marker instead, on a failed sign-in and on a failed password change alike.
        const string Typed = "Pw-Nel-Campo-CF7", Long = "Pw-Nel-Campo-CF-Lunga-9";
        SecretLedger.Register("password typed as a codice fiscale", Typed);
        SecretLedger.Register("password typed as a codice fiscale", Long);
        var before = await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations WHERE operator_codice_fiscale = @m", ("m", Domain.Common.CodiceFiscale.NotValidMarker));
        foreach (var typed in new[] { Typed, Typed.ToLowerInvariant() })
            await ProblemAsync(await Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = typed, password = "Una-Password-Qualsiasi-1" }),
                HttpStatusCode.Unauthorized, "invalid-credentials");
        Assert.Equal(HttpStatusCode.BadRequest, (await Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = Long, password = "x" })).StatusCode);
        Assert.False((await Anonymous().PostAsJsonAsync("/api/v1/auth/password",
            new { codiceFiscale = Typed, currentPassword = "Una-Password-Qualsiasi-1", newPassword = "Nuova-Password-Lunga-7" })).IsSuccessStatusCode);

        Assert.True(await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations WHERE operator_codice_fiscale = @m",
            ("m", Domain.Common.CodiceFiscale.NotValidMarker)) >= before + 3);
        foreach (var row in await DatabaseTextAsync())
            foreach (var secret in new[] { Typed, Long })
                Assert.False(row.Contains(secret, StringComparison.OrdinalIgnoreCase), $"a row holds the typed password ({Mask(secret)}): {row[..Math.Min(row.Length, 60)]}");
        foreach (var line in Factory.Logs.Lines)
            Assert.False(line.Contains(Typed, StringComparison.OrdinalIgnoreCase), $"a log line holds the typed password: {line[..Math.Min(line.Length, 60)]}");
    }

    /// <summary>
    /// The value as a whole token: digits not inside a longer number, a decimal fraction (a timestamp's microseconds) or a hex
    /// id (a GUID group); text anywhere.
    /// </summary>
    private static bool Contains(string haystack, string secret) => secret.All(char.IsAsciiDigit)
        ? Regex.IsMatch(haystack, $"(?<![0-9A-Za-z.-]){secret}(?![0-9A-Za-z-])")
        : haystack.Contains(secret, StringComparison.Ordinal);

    private static string Mask(string secret) => secret.Length <= 4 ? new string('*', secret.Length) : secret[..2] + new string('*', secret.Length - 2);

    /// <summary>Every row of every table of the database, as text.</summary>
    private async Task<List<string>> DatabaseTextAsync()
    {
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("""
            SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables
            WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        var rows = new List<string>();
        foreach (var table in tables)
        {
            await using var dump = new NpgsqlCommand($"SELECT t::text FROM {table} t", connection);
            await using var reader = await dump.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add(table + " " + reader.GetString(0));
        }
        return rows;
    }
}

/// <summary>
/// After every other test (<see cref="LastCollectionOrderer"/>): no secret the suite gave Cms — passwords, keys, peer
/// secrets, the PUKs and CIPs of every card feed — appears in any line Cms logged during the whole run, in-process or in
/// its separate processes (API, web UI, reader bridge).
/// </summary>
[Collection(LastCollectionOrderer.Name)]
public class SecretsAfterTheSuiteTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task No_secret_of_the_whole_run_is_in_any_log_line()
    {
        var (secrets, lines) = SecretLedger.Snapshot();
        Assert.True(secrets.Count >= 5, $"only {secrets.Count} secrets registered");
        Assert.True(lines > 0, "no log line was written (run with the rest of the suite)");
        var digits = secrets.Keys.Where(s => s.All(char.IsAsciiDigit)).ToList();
        var numbers = digits.Count == 0 ? null : new Regex($"(?<![0-9.])({string.Join('|', digits)})(?![0-9])", RegexOptions.Compiled);
        var texts = secrets.Keys.Except(digits).ToList();
        var found = new List<string>();
        long read = 0;
        using (var file = new StreamReader(new FileStream(SecretLedger.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
        {
            while (await file.ReadLineAsync() is { } line)
            {
                read++;
                if (numbers?.Match(line) is { Success: true } m) found.Add($"{secrets[m.Value]} in line {read}");
                foreach (var text in texts)
                    if (line.Contains(text, StringComparison.Ordinal)) found.Add($"{secrets[text]} in line {read}");
            }
        }
        Assert.True(found.Count == 0, $"{found.Count} secrets in {read} log lines:\n" + string.Join('\n', found.Take(20)));
        output.WriteLine($"{secrets.Count} secrets searched in {read} log lines: none found");
    }
}
