using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cms.Infrastructure.DemoData;
using Cms.Integration.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Cms.Integration.Tests;

/// <summary>
/// Issue 10, item 2: bad input generated from the checked-in contract. For every operation, sent by a caller allowed to
/// reach it (so what answers is validation, not authorisation): each route and query parameter replaced by malformed,
/// boundary and hostile values; each member of the example request body — at every depth — replaced by values of the
/// wrong type, out-of-range dates, broken codici fiscali, card numbers, e-mails and mobiles, control and bidirectional
/// characters, lone surrogates, huge strings, injections, or removed; and whole bodies that are not JSON, nested too deep,
/// or larger than the limit. Not one answer may be a 5xx, and a rejected request may change no row: the database's
/// fingerprint is taken around each operation's requests (the records a refusal is meant to leave — the audit trail's
/// refused entries, a wrong CIP try, a failed sign-in count (per user name and address), a used peer signature — are checked apart).
/// </summary>
public class BadInputGeneratorTests(CmsFactory factory, ITestOutputHelper output) : ApiTest(factory)
{
    private const string CardNumber = "80380000900000000001", PeerRegion = "190";

    /// <summary>What a refused request is meant to leave behind, kept out of the fingerprint and checked on its own.</summary>
    private static readonly Dictionary<string, string[]> RecordsOfRefusal = new()
    {
        ["audit.operations"] = ["*"], ["audit.chain_head"] = ["*"], ["audit.chain_links"] = ["*"], ["audit.pending_entries"] = ["*"],
        ["audit.counter_day_counts"] = ["*"],
        ["audit.counter_month_counts"] = ["*"], ["audit.region_day_counts"] = ["*"],
        ["revocation.cip_attempts"] = ["*"],
        ["interop.seen_signatures"] = ["*"],
        ["administration.sign_in_throttles"] = ["*"],
        // Every authenticated request, refused or not, is activity of its session (the idle timeout counts from it).
        ["administration.operator_sessions"] = ["last_seen_at"],
    };

    private static readonly string[] HostileStrings =
    [
        "", " ", "\t\r\n", new string('A', 10_000), string.Concat(Enumerable.Repeat("é", 300)), "\u0000", "a\u0000b", "\u202Egnp.exe",
        "\u200B\u200B", "😀😀😀", "\uD800", "\uDFFF\uD800", "\uFEFF", "<script>alert(1)</script>", "' OR '1'='1' --", "'; DROP TABLE x; --",
        "../../../../etc/passwd", "${jndi:ldap://127.0.0.1/a}", "%s%s%n", "{{7*7}}", "null", "undefined", "NaN", "Infinity", "-0",
        // dates
        "2026-02-30", "2026-13-01", "2026-00-10", "0000-01-01", "0001-01-01", "9999-12-31", "31/12/2026", "2026-1-1", "2026-11-28T25:61:00Z",
        "1899-12-31", "2100-01-01",
        // codici fiscali
        "RSSMRA80A01H501V", "rssmra80a01h501u", "RSSMRA80A01H501", "RSSMRA80A01H501UU", "1234567890123456", "RSSMRA80Z99H501U", "ÀSSMRA80A01H501U",
        // card numbers
        "8038000090000000000", "803800009000000000011", "8038000090000000000X", "00000000000000000000", "-8038000090000000001",
        // e-mails and mobiles
        "a@", "@example.it", "a@b@example.it", new string('a', 300) + "@example.it", "a b@example.it", "\"q\"@example.it", "a@example..it",
        "+39", "+3933312345678901234", "3331234567", "+1 555 0100", "+39 333 123 4567",
        // codes
        "1", "123456789", "12 34", "١٢٣٤٥",
    ];

    private static readonly string[] HostileNumbers = ["0", "-1", "1.5", "-0.0", "1e308", "2147483648", "-2147483649", "9223372036854775808", "1e-400"];

    private static readonly string[] HostileShapes = ["null", "true", "false", "[]", "{}", "[1,2,3]", "{\"$ne\":null}", "[\"a\",null]"];

    private static readonly string[] HostileBodies =
    [
        "", " ", "null", "[]", "{}", "0", "\"text\"", "true", "{", "}", "{\"a\":}", "{'a':1}", "{\"a\":1,}", "{\"a\":1}{\"b\":2}", "/* c */ {}",
        "{\"a\":NaN}", "{\"a\":\"\\ud800\"}", "{\"a\":1,\"a\":2}", new string('[', 5000) + new string(']', 5000),
        "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 201),
        "[" + string.Join(',', Enumerable.Repeat("{}", 50_000)) + "]",
    ];

    private sealed record Attempt(string Description, HttpMethod Method, string Path, byte[]? Body, string? MediaType);

    private sealed record Outcome(Attempt Attempt, int Status, string Text)
    {
        public bool Rejected => Status >= 400;
    }

    [Fact]
    public async Task Ten_thousand_generated_bad_requests_get_no_server_error_and_a_rejected_one_changes_no_row()
    {
        // A card the examples name (so that bodies reach the deeper rules), and the caller each rule admits.
        await FeedAsync(Card(CardNumber, codiceFiscale: "RSSMRA80A01H501U"));
        var callers = await ContractCallersAsync(PeerRegion);
        var fingerprint = await FingerprintQueryAsync();

        var sent = 0;
        var serverErrors = new List<string>();
        var changedByRejected = new List<string>();
        var succeededAudit = new List<string>();
        var perOperation = new List<(string Id, int Count, int Accepted)>();
        // The sign-out ends the caller's session: last, so that every other operation is reached by a live caller.
        foreach (var operation in ContractDocument.Operations().OrderBy(o => o.Id == "signOut"))
        {
            var caller = CallerFor(operation, callers);
            var attempts = Generate(operation).ToList();
            var before = await FingerprintAsync(fingerprint);
            var auditMark = await Factory.ScalarAsync<long>("SELECT coalesce(max(sequence), 0) FROM audit.operations");
            var outcomes = new List<Outcome>();
            foreach (var attempt in attempts)
            {
                var outcome = await SendAsync(caller, attempt, operation);
                outcomes.Add(outcome);
                if (outcome.Status >= 500) serverErrors.Add($"{operation.Id} {attempt.Description} → {outcome.Status} {outcome.Text[..Math.Min(200, outcome.Text.Length)]}");
            }
            sent += outcomes.Count;
            var accepted = outcomes.Count(o => !o.Rejected);
            perOperation.Add((operation.Id, outcomes.Count, accepted));
            var after = await FingerprintAsync(fingerprint);

            var rejected = outcomes.Where(o => o.Rejected).ToList();
            if (accepted > 0 && !Same(before, after))
            {
                // Some variants were valid and did their work: the rejected ones again, alone.
                before = await FingerprintAsync(fingerprint);
                foreach (var outcome in rejected) await SendAsync(caller, outcome.Attempt, operation);
                sent += rejected.Count;
                after = await FingerprintAsync(fingerprint);
            }
            changedByRejected.AddRange(after.Where(t => before.GetValueOrDefault(t.Key) != t.Value).Select(t => $"{operation.Id}: {t.Key}"));
            if (accepted == 0)
            {
                var succeeded = await Factory.ScalarAsync<long>(
                    "SELECT count(*) FROM audit.operations WHERE sequence > @m AND outcome = 'Succeeded'", ("m", auditMark));
                if (succeeded > 0) succeededAudit.Add($"{operation.Id}: {succeeded} entries 'Succeeded' after refusals only");
            }
        }

        output.WriteLine($"{sent} requests over {perOperation.Count} operations; accepted variants: " +
            string.Join(", ", perOperation.Where(p => p.Accepted > 0).Select(p => $"{p.Id} {p.Accepted}/{p.Count}")));
        Assert.True(serverErrors.Count == 0, $"{serverErrors.Count} server errors:\n" + string.Join('\n', serverErrors.Take(30)));
        Assert.True(changedByRejected.Count == 0, "rows changed by rejected requests:\n" + string.Join('\n', changedByRejected));
        Assert.True(succeededAudit.Count == 0, string.Join('\n', succeededAudit));
        Assert.True(sent >= 10_000, $"only {sent} requests generated");
        // The trail is still whole after all of it.
        var (auditor, _, _) = await ActorAsync("Auditor");
        Assert.True((await OkAsync(await auditor.GetAsync("/api/v1/audit/integrity"))).GetProperty("intact").GetBoolean());
    }

    private static bool Same(Dictionary<string, string> a, Dictionary<string, string> b) => a.Count == b.Count && a.All(t => b.GetValueOrDefault(t.Key) == t.Value);

    private static ContractCaller CallerFor(ContractOperation operation, IReadOnlyList<ContractCaller> callers)
    {
        var rule = AuthorizationMatrixTests.Rules[operation.Id];
        if (rule.Contains(AuthorizationMatrixTests.Anyone)) return callers[0];
        return callers.First(c => c.Name != "Operator@PHARMACY" && rule.Any(c.Is.Contains));
    }

    private static async Task<Outcome> SendAsync(ContractCaller caller, Attempt attempt, ContractOperation operation)
    {
        using var response = await caller.SendAsync(attempt.Method, attempt.Path, attempt.Body, attempt.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        // The card feed answers 200 with its refused lines: a feed whose every line was refused is a rejected request.
        if (operation.Id == "loadCardFeed" && status == 200 && JsonDocument.Parse(text).RootElement.GetProperty("accepted").GetInt32() == 0) status = 422;
        return new Outcome(attempt, status, text);
    }

    private static IEnumerable<Attempt> Generate(ContractOperation operation)
    {
        var overrides = new Dictionary<string, string> { ["cardNumber"] = CardNumber, ["regionCode"] = "200" };
        var path = ContractDocument.Concrete(operation.Path, overrides);
        var (media, baseBody) = BaseBody(operation);
        var body = baseBody is null ? null : Encoding.UTF8.GetBytes(baseBody);

        // Route parameters.
        // Each place gets a share of the hostile strings, in turn (every string still reaches every kind of member), and all the
        // wrong types: about 15,000 requests in all, a minute in CI.
        var turn = 0;
        foreach (var parameter in operation.Parameters.Where(p => p.In == "path"))
            foreach (var value in Share(HostileStrings, 3, turn++).Concat(HostileNumbers).Append("%2e%2e%2f").Append(Guid.Empty.ToString())
                         .Where(v => v.Length < 2000 && !v.Contains('\0'))) // a NUL in the path: Kestrel's 400, before the application (HardeningTests)
            {
                var escaped = Uri.EscapeDataString(value);
                if (escaped.Length == 0) continue;
                var bad = System.Text.RegularExpressions.Regex.Replace(operation.Path, "{([^}]+)}", m => m.Groups[1].Value == parameter.Name
                    ? escaped
                    : ContractDocument.Concrete(m.Value, overrides));
                yield return new Attempt($"path {parameter.Name}={Show(value)}", operation.Method, bad, body, media);
            }

        // Query parameters: each one bad, the others absent.
        foreach (var parameter in operation.Parameters.Where(p => p.In == "query"))
            foreach (var value in Share(HostileStrings, 2, turn++).Concat(HostileNumbers).Where(v => v.Length < 5000))
                yield return new Attempt($"query {parameter.Name}={Show(value)}", operation.Method,
                    $"{path}?{parameter.Name}={Uri.EscapeDataString(value)}", body, media);

        if (baseBody is null)
        {
            if (operation.Method != HttpMethod.Get)
                foreach (var whole in HostileBodies)
                    yield return new Attempt($"body {Show(whole)}", operation.Method, path, Encoding.UTF8.GetBytes(whole), "application/json");
            yield break;
        }

        // Whole bodies, then every member of the example replaced or removed.
        foreach (var whole in HostileBodies)
            yield return new Attempt($"body {Show(whole)}", operation.Method, path, Encoding.UTF8.GetBytes(media == "application/x-ndjson" ? whole + "\n" : whole), media);
        yield return new Attempt("body over the size limit", operation.Method, path,
            Encoding.UTF8.GetBytes("{\"x\":\"" + new string('A', 1_100_000) + "\"}"), "application/json");
        yield return new Attempt("body as text/plain", operation.Method, path, body, "text/plain");
        yield return new Attempt("body invalid UTF-8", operation.Method, path, [.. body!.Take(10), 0xC3, 0x28, 0xFF, .. body!.Skip(10)], media);

        var example = JsonNode.Parse(baseBody)!;
        foreach (var (pointer, _) in Leaves(example, ""))
        {
            foreach (var replacement in Share(HostileStrings, 4, turn++).Select(s => (JsonNode?)JsonValue.Create(s))
                         .Concat(HostileNumbers.Concat(HostileShapes).Select(raw => JsonNode.Parse(raw))))
            {
                var mutated = example.DeepClone();
                Replace(mutated, pointer, replacement?.DeepClone(), remove: false);
                yield return new Attempt($"{pointer}={Show(replacement?.ToJsonString() ?? "null")}", operation.Method, path, Serialize(mutated, media), media);
            }
            var without = example.DeepClone();
            Replace(without, pointer, null, remove: true);
            yield return new Attempt($"{pointer} removed", operation.Method, path, Serialize(without, media), media);
        }
        var extra = example.DeepClone();
        if (extra is JsonObject o) o["unexpected" + "Member"] = new string('x', 500);
        yield return new Attempt("unknown member", operation.Method, path, Serialize(extra, media), media);
    }

    /// <summary>The example body of the contract; for the NDJSON card feed one line of a card like the issuer's.</summary>
    private static (string? Media, string? Body) BaseBody(ContractOperation operation)
    {
        if (operation.BodyMediaType == "application/x-ndjson")
            return (operation.BodyMediaType, DemoPopulation.ToNdjsonLine(Card("80380000900000099999", codiceFiscale: "VRDGPP80A01H501X")));
        return operation.BodyExample is null ? (null, null) : ("application/json", operation.BodyExample.ToJsonString());
    }

    private static byte[] Serialize(JsonNode node, string? media) =>
        Encoding.UTF8.GetBytes(node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) +
            (media == "application/x-ndjson" ? "\n" : ""));

    private static IEnumerable<(string Pointer, JsonNode? Node)> Leaves(JsonNode? node, string pointer)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    if (child is JsonObject or JsonArray) yield return (pointer + "/" + name, child); // the container itself, too
                    foreach (var leaf in Leaves(child, pointer + "/" + name)) yield return leaf;
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    foreach (var leaf in Leaves(array[i], pointer + "/" + i)) yield return leaf;
                break;
            default:
                yield return (pointer, node);
                break;
        }
    }

    private static void Replace(JsonNode root, string pointer, JsonNode? value, bool remove)
    {
        var parts = pointer.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var parent = root;
        foreach (var part in parts[..^1]) parent = parent is JsonArray a ? a[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)]! : parent[part]!;
        var last = parts[^1];
        if (parent is JsonArray array)
        {
            var index = int.Parse(last, System.Globalization.CultureInfo.InvariantCulture);
            if (remove) array.RemoveAt(index);
            else array[index] = value;
        }
        else if (parent is JsonObject obj)
        {
            if (remove) obj.Remove(last);
            else obj[last] = value;
        }
    }

    /// <summary>One in <paramref name="every"/> of the values, starting at <paramref name="turn"/>.</summary>
    private static IEnumerable<string> Share(string[] values, int every, int turn) => values.Where((_, i) => (i + turn) % every == 0);

    private static string Show(string value) => value.Length > 40 ? value[..20] + $"…({value.Length})" : value;

    /// <summary>One query giving an md5 of every table of the modules (without the records of refusal), in one round trip.</summary>
    private async Task<string> FingerprintQueryAsync()
    {
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT table_schema || '.' || table_name, string_agg(quote_ident(column_name), ',' ORDER BY ordinal_position)
            FROM information_schema.columns
            WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'public', 'hangfire')
            GROUP BY 1 ORDER BY 1
            """, connection);
        var parts = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var table = reader.GetString(0);
            var columns = reader.GetString(1).Split(',').ToList();
            if (RecordsOfRefusal.TryGetValue(table, out var skip))
            {
                if (skip.Contains("*")) continue;
                columns.RemoveAll(c => skip.Contains(c.Trim('"')));
            }
            var qualified = string.Join('.', table.Split('.').Select(p => "\"" + p + "\""));
            parts.Add($"SELECT '{table}' AS t, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM (SELECT {string.Join(',', columns)} FROM {qualified}) x");
        }
        return string.Join("\nUNION ALL\n", parts);
    }

    private async Task<Dictionary<string, string>> FingerprintAsync(string query)
    {
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(query, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new Dictionary<string, string>();
        while (await reader.ReadAsync()) result[reader.GetString(0)] = reader.GetString(1);
        return result;
    }
}
