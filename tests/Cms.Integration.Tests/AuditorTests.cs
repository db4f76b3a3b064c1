using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

public class AuditorTests(CmsFactory factory) : ApiTest(factory)
{
    private static string Number(int i) => $"803800009000000{22000 + i:00000}";

    private static async Task ActivateAsync(HttpClient client, string cardNumber, string email)
    {
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber, mode = "DIRECT", document = RevocationTests.Document(), privacyConsent = true,
            delivery = new { channel = "EMAIL", email, emailConfirmation = email },
        }), HttpStatusCode.Created);
        await OkAsync(await client.PostAsync($"/api/v1/activations/{created.GetProperty("id").GetString()}/confirm", await client.SignedAsync("activations", created.GetProperty("id").GetString())));
    }

    private async Task FeedAsync(int count) =>
        await base.FeedAsync(Enumerable.Range(1, count).Select(i => Card(Number(i), surname: "ROSSI", givenName: "NOME" + (char)('A' + i % 26),
            birth: new DateOnly(1970, 1, 1).AddDays(i * 37))).ToArray());

    [Fact]
    public async Task A_counters_listing_has_a_valid_index_by_counter_and_time()
    {
        // The listing's filter (ListAuditOperations: a counter and a period). Without an index by counter and time PostgreSQL read
        // every entry of the period: a month of a 100,000,000-entry trail is 2.8 million entries (decision 0063; measured by
        // bench/run.sh reports). The migration builds it CONCURRENTLY, which can leave an invalid index: it must be there and valid.
        // (Which index the planner takes depends on the trail's size and statistics, so the plan on this small database proves nothing.)
        await using var connection = new Npgsql.NpgsqlConnection(Factory.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT array_agg(a.attname ORDER BY k.ordinality)::text[], i.indisvalid, i.indisready
            FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey::smallint[]) WITH ORDINALITY AS k(attnum, ordinality)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indexrelid = to_regclass('audit.ix_operations_counter_code_occurred_at')
            GROUP BY i.indisvalid, i.indisready
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "audit.ix_operations_counter_code_occurred_at is missing");
        Assert.Equal(["counter_code", "occurred_at"], reader.GetFieldValue<string[]>(0));
        Assert.True(reader.GetBoolean(1) && reader.GetBoolean(2), "the index by counter and time is not valid");
    }

    [Fact]
    public async Task The_listing_pages_a_period_in_time_order_through_entries_of_one_instant_and_out_of_sequence_and_the_trail_in_its_order()
    {
        // Written in this order (sequence): 10:00:02, 10:00:01 (a transaction that took its time before its entry was written),
        // then three of one instant (one transaction), then the next day. The listing reads a period by time and pages it.
        await Factory.ExecuteAsync("""
            INSERT INTO audit.operations (id, occurred_at, type, outcome, counter_code, region, detail) VALUES
              (gen_random_uuid(), '2026-11-10 10:00:02+00', 'IDENTIFICATION', 'SUCCEEDED', '090-201-AS001', '090', 'second'),
              (gen_random_uuid(), '2026-11-10 10:00:01+00', 'IDENTIFICATION', 'SUCCEEDED', '090-201-AS001', '090', 'first');
            INSERT INTO audit.operations (id, occurred_at, type, outcome, counter_code, region, detail)
            SELECT gen_random_uuid(), '2026-11-10 10:00:03+00', 'IDENTIFICATION', 'SUCCEEDED', '090-201-AS001', '090', 'third ' || g
            FROM generate_series(1, 3) g;
            INSERT INTO audit.operations (id, occurred_at, type, outcome, counter_code, region, detail) VALUES
              (gen_random_uuid(), '2026-11-11 08:00:00+00', 'IDENTIFICATION', 'SUCCEEDED', '090-201-AS001', '090', 'next day');
            """);
        var (auditor, _, _) = await ActorAsync("Auditor");

        var seen = new List<(string Detail, long Sequence)>();
        long? after = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await OkAsync(await auditor.GetAsync(
                $"/api/v1/audit/operations?type=IDENTIFICATION&from=2026-11-10&to=2026-11-10&limit=2{(after is null ? "" : $"&after={after}")}"));
            seen.AddRange(page.GetProperty("operations").EnumerateArray()
                .Select(o => (o.GetProperty("detail").GetString()!, o.GetProperty("sequence").GetInt64())));
            if (page.GetProperty("nextAfter").ValueKind == JsonValueKind.Null) break;
            after = page.GetProperty("nextAfter").GetInt64();
        }
        Assert.Equal(["first", "second", "third 1", "third 2", "third 3"], seen.Select(e => e.Detail).ToArray());
        Assert.True(seen[0].Sequence > seen[1].Sequence); // time order, not the sequence's
        Assert.Equal(seen.Skip(2).Select(e => e.Sequence).Order(), seen.Skip(2).Select(e => e.Sequence)); // one instant: the trail's order

        // A cursor that names no entry (0: from the start; one a lagging replica has not received) goes on after that sequence.
        var fromZero = await OkAsync(await auditor.GetAsync("/api/v1/audit/operations?type=IDENTIFICATION&from=2026-11-10&to=2026-11-10&after=0"));
        Assert.Equal(["first", "second", "third 1", "third 2", "third 3"],
            fromZero.GetProperty("operations").EnumerateArray().Select(o => o.GetProperty("detail").GetString()!).ToArray());
        // Without a period, the trail's order: a client following the trail sees what was written after its cursor.
        var following = await OkAsync(await auditor.GetAsync($"/api/v1/audit/operations?type=IDENTIFICATION&after={seen[1].Sequence}"));
        Assert.Equal(["first", "third 1", "third 2", "third 3", "next day"],
            following.GetProperty("operations").EnumerateArray().Select(o => o.GetProperty("detail").GetString()!).ToArray());

        var csv = await auditor.GetAsync("/api/v1/audit/operations?type=IDENTIFICATION&from=2026-11-10&to=2026-11-11&format=csv");
        var lines = Encoding.UTF8.GetString((await csv.Content.ReadAsByteArrayAsync())[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["first", "second", "third 1", "third 2", "third 3", "next day"], lines.Skip(1).Select(l => l.Split(';')[^1]).ToArray());
    }

    [Fact]
    public async Task Auditors_filter_page_and_export_every_operation_and_count_per_counter_and_day()
    {
        await FeedAsync(5);
        var (first, _, _) = await ActorAsync("Operator", counterCode: "090-201-AS001");
        var (second, secondCf, _) = await ActorAsync("Operator", counterCode: "090-201-AS002");
        var (auditor, _, _) = await ActorAsync("Auditor");
        for (var i = 1; i <= 3; i++) await ActivateAsync(first, Number(i), $"p{i}@example.it");
        for (var i = 4; i <= 5; i++) await ActivateAsync(second, Number(i), $"p{i}@example.it");

        var page1 = await OkAsync(await auditor.GetAsync("/api/v1/audit/operations?counter=090-201-AS002&type=ACTIVATION&limit=3"));
        var after = page1.GetProperty("nextAfter").GetInt64();
        var page2 = await OkAsync(await auditor.GetAsync($"/api/v1/audit/operations?counter=090-201-AS002&type=ACTIVATION&limit=3&after={after}"));
        var all = page1.GetProperty("operations").EnumerateArray().Concat(page2.GetProperty("operations").EnumerateArray()).ToList();
        Assert.Equal(4, all.Count); // create + confirm, twice
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("nextAfter").ValueKind);
        Assert.All(all, o => Assert.Equal(secondCf, o.GetProperty("operatorCodiceFiscale").GetString()));
        Assert.Equal(all.Select(o => o.GetProperty("sequence").GetInt64()).Distinct().Count(), all.Count);
        var byCard = await OkAsync(await auditor.GetAsync($"/api/v1/audit/operations?card={Number(1)}&type=ACTIVATION"));
        Assert.Equal(2, byCard.GetProperty("operations").GetArrayLength());

        var csv = await auditor.GetAsync($"/api/v1/audit/operations?type=ACTIVATION&from={Iso(Today)}&to={Iso(Today)}&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = Encoding.UTF8.GetString((await csv.Content.ReadAsByteArrayAsync())[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Sequenza;Data e ora (UTC);Operazione", lines[0]);
        Assert.Equal(11, lines.Length); // header + 5 activations × (create + confirm)

        var stats = await OkAsync(await auditor.GetAsync($"/api/v1/audit/statistics?from={Iso(Today)}&to={Iso(Today)}"));
        Assert.Equal(5, stats.GetProperty("total").GetInt32());
        var perCounter = stats.GetProperty("perCounter").EnumerateArray().ToDictionary(c => c.GetProperty("counterCode").GetString()!, c => c.GetProperty("operations").GetInt32());
        Assert.Equal(3, perCounter["090-201-AS001"]);
        Assert.Equal(2, perCounter["090-201-AS002"]);
        Assert.Equal(5, stats.GetProperty("perDay")[0].GetProperty("operations").GetInt32());

        Assert.True(await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations WHERE type = 'AUDIT_CONSULTATION'") >= 5);
        await ProblemAsync(await first.GetAsync("/api/v1/audit/operations"), HttpStatusCode.Forbidden);
        await ProblemAsync(await auditor.GetAsync("/api/v1/audit/operations?limit=5000"), HttpStatusCode.BadRequest, "validation");
        await ProblemAsync(await auditor.GetAsync("/api/v1/audit/operations?card=123"), HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Statistics_from_the_roll_ups_match_the_trail_for_every_period_shape_and_filter()
    {
        // A trail written behind the API (the chain and count triggers still run): done and not-done entries over four
        // months, two regions, three counters, an entry without a counter, times near midnight UTC.
        var types = new[] { "ACTIVATION", "REPRINT", "REVOCATION", "FSE_CONSENTS", "READER_DELIVERY", "SUSPENSION", "REACTIVATION", "IDENTIFICATION", "CODE_DELIVERY", "SIGNATURE_CERTIFICATE" };
        var counters = new[] { "090-201-AS001", "090-201-AS002", "080-101-AS001", null };
        var start = new DateTimeOffset(2026, 2, 26, 23, 30, 0, TimeSpan.Zero);
        var sql = new StringBuilder("INSERT INTO audit.operations (id, occurred_at, type, outcome, counter_code, region, detail) VALUES ");
        for (var i = 0; i < 400; i++)
        {
            var counter = counters[i * 7 % counters.Length];
            var region = counter is null ? "NULL" : $"'{counter[..3]}'";
            var outcome = i % 11 == 0 ? "REJECTED" : "SUCCEEDED";
            var detail = (i % 3) switch { 0 => "'create'", 1 => "'confirm request'", _ => "NULL" };
            sql.Append(i == 0 ? "" : ",").Append($"(gen_random_uuid(), '{start.AddHours(i * 7.25):O}', '{types[i % types.Length]}', '{outcome}', ")
                .Append(counter is null ? "NULL" : $"'{counter}'").Append($", {region}, {detail})");
        }
        await Factory.ExecuteAsync(sql.ToString());
        var (auditor, _, _) = await ActorAsync("Auditor");

        const string Done = """
            outcome = 'SUCCEEDED' AND type IN ('ACTIVATION','REPRINT','REVOCATION','FSE_CONSENTS','READER_DELIVERY','SUSPENSION','REACTIVATION','SIGNATURE_CERTIFICATE')
            AND (detail LIKE 'confirm%' OR type IN ('SUSPENSION','REACTIVATION'))
            """;
        var queries = new (string Query, string Where)[]
        {
            ("from=2026-03-01&to=2026-04-30", "occurred_at >= '2026-03-01' AND occurred_at < '2026-05-01'"),                // whole months
            ("from=2026-02-27&to=2026-05-10", "occurred_at >= '2026-02-27' AND occurred_at < '2026-05-11'"),                // days at both ends
            ("from=2026-03-05&to=2026-03-20", "occurred_at >= '2026-03-05' AND occurred_at < '2026-03-21'"),                // inside one month
            ("from=2026-03-15&to=2026-04-10", "occurred_at >= '2026-03-15' AND occurred_at < '2026-04-11'"),                // two partial months
            ("from=2026-03-10", "occurred_at >= '2026-03-10'"),                                                             // open end
            ("to=2026-03-31", "occurred_at < '2026-04-01'"),                                                                // open start
            ("", "true"),                                                                                                   // all time
            ("counter=090-201-AS002&from=2026-02-28&to=2026-04-03", "counter_code = '090-201-AS002' AND occurred_at >= '2026-02-28' AND occurred_at < '2026-04-04'"),
            ("region=080&from=2026-03-02", "region = '080' AND occurred_at >= '2026-03-02'"),
            ("type=SUSPENSION&to=2026-04-15", "type = 'SUSPENSION' AND occurred_at < '2026-04-16'"),
        };
        foreach (var (query, where) in queries)
        {
            var stats = await OkAsync(await auditor.GetAsync($"/api/v1/audit/statistics?{query}"));
            var expectedCounters = new Dictionary<string, int>();
            var expectedDays = new Dictionary<string, int>();
            await using (var connection = new Npgsql.NpgsqlConnection(Factory.ConnectionString))
            {
                await connection.OpenAsync();
                await using var c = new Npgsql.NpgsqlCommand($"""
                    SELECT coalesce(counter_code, '-'), to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), count(*)::int
                    FROM audit.operations WHERE {Done} AND {where} GROUP BY 1, 2
                    """, connection);
                await using var r = await c.ExecuteReaderAsync();
                while (await r.ReadAsync())
                {
                    expectedCounters[r.GetString(0)] = expectedCounters.GetValueOrDefault(r.GetString(0)) + r.GetInt32(2);
                    expectedDays[r.GetString(1)] = expectedDays.GetValueOrDefault(r.GetString(1)) + r.GetInt32(2);
                }
            }
            Assert.True(expectedDays.Count > 0, query);
            var actualCounters = stats.GetProperty("perCounter").EnumerateArray()
                .ToDictionary(c => c.GetProperty("counterCode").GetString() ?? "-", c => c.GetProperty("operations").GetInt32());
            var actualDays = stats.GetProperty("perDay").EnumerateArray()
                .ToDictionary(d => d.GetProperty("day").GetString()!, d => d.GetProperty("operations").GetInt32());
            Assert.Equal(expectedCounters.OrderBy(p => p.Key), actualCounters.OrderBy(p => p.Key));
            Assert.Equal(expectedDays.OrderBy(p => p.Key), actualDays.OrderBy(p => p.Key));
            Assert.Equal(expectedDays.Values.Sum(), stats.GetProperty("total").GetInt32());
        }

        // Recounting from the trail (after a bulk load) gives the very same roll-ups the chainer kept.
        await Factory.ChainAuditTrailAsync();
        var before = await Factory.ScalarAsync<string>("SELECT string_agg(concat_ws(':', day, region, counter_code, type, operations), ',' ORDER BY day, region, counter_code, type) FROM audit.counter_day_counts");
        var months = await Factory.ScalarAsync<string>("SELECT string_agg(concat_ws(':', month, region, counter_code, type, operations), ',' ORDER BY month, region, counter_code, type) FROM audit.counter_month_counts");
        await Factory.ExecuteAsync("SELECT audit.rebuild_operation_counts()");
        Assert.Equal(before, await Factory.ScalarAsync<string>("SELECT string_agg(concat_ws(':', day, region, counter_code, type, operations), ',' ORDER BY day, region, counter_code, type) FROM audit.counter_day_counts"));
        Assert.Equal(months, await Factory.ScalarAsync<string>("SELECT string_agg(concat_ws(':', month, region, counter_code, type, operations), ',' ORDER BY month, region, counter_code, type) FROM audit.counter_month_counts"));
    }

    [Fact]
    public async Task A_persons_access_request_lists_every_read_and_change_of_their_data()
    {
        await FeedAsync(1);
        var holder = Card(Number(1), surname: "ROSSI", givenName: "NOMEB", birth: new DateOnly(1970, 1, 1).AddDays(37)).Holder!.CodiceFiscale!;
        var (counter, operatorCf, _) = await ActorAsync("Operator");
        var (auditor, _, _) = await ActorAsync("Auditor");
        await OkAsync(await counter.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number(1) }));
        await OkAsync(await counter.GetAsync($"/api/v1/cards/{Number(1)}/history"));
        await ActivateAsync(counter, Number(1), "titolare@example.it");

        var report = await OkAsync(await auditor.GetAsync($"/api/v1/audit/subject-access/{holder}"));
        Assert.Equal(holder, report.GetProperty("codiceFiscale").GetString());
        var entries = report.GetProperty("entries").EnumerateArray().ToList();
        Assert.Contains(entries, e => e.GetProperty("type").GetString() == "IDENTIFICATION" && e.GetProperty("read").GetBoolean()
            && e.GetProperty("operatorCodiceFiscale").GetString() == operatorCf && e.GetProperty("counterCode").GetString() == "090-201-AS001");
        Assert.Contains(entries, e => e.GetProperty("type").GetString() == "HISTORY_CONSULTATION");
        Assert.Contains(entries, e => e.GetProperty("type").GetString() == "ACTIVATION" && !e.GetProperty("read").GetBoolean()
            && e.GetProperty("why").GetString()!.StartsWith("confirm", StringComparison.Ordinal));
        Assert.True(report.GetProperty("reads").GetInt32() >= 2);
        Assert.True(report.GetProperty("changes").GetInt32() >= 2);
        // The request itself is in the trail, for the next one.
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'AUDIT_CONSULTATION' AND detail = 'subject-access' AND holder_codice_fiscale = @h", ("h", holder)));
        await ProblemAsync(await auditor.GetAsync("/api/v1/audit/subject-access/RSSMRA80A01H501X"), HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Abuse_patterns_surface_as_alerts_with_the_operations_behind_them()
    {
        await FeedAsync(16);
        var (busy, busyCf, _) = await ActorAsync("Operator", counterCode: "090-201-AS001");
        var (quiet, _, _) = await ActorAsync("Operator", counterCode: "090-201-AS002");
        var (other, _, _) = await ActorAsync("Operator", counterCode: "090-201-AS003");
        var (auditor, _, _) = await ActorAsync("Auditor");
        // One mailbox receives the second halves of four different holders (written four ways; a security administrator approved
        // it, so the confirm lets it through, and the auditor still sees it); the same operator activates far more than the others.
        var (admin, _, _) = await ActorAsync("SecurityAdministrator");
        await OkAsync(await admin.PostAsJsonAsync("/api/v1/admin/recipient-approvals",
            new { channel = "EMAIL", address = "raccoltacodici@gmail.com", reason = "Comunità alloggio: la direzione riceve i codici degli ospiti" }),
            HttpStatusCode.Created);
        string[] spellings = ["raccolta.codici@gmail.com", "raccoltacodici+2@gmail.com", "Raccolta.Codici+3@googlemail.com", "r.a.c.c.o.l.t.a.codici@gmail.com"];
        for (var i = 1; i <= 12; i++) await ActivateAsync(busy, Number(i), i <= 4 ? spellings[i - 1] : $"p{i}@example.it");
        await ActivateAsync(quiet, Number(13), "q@example.it");
        await ActivateAsync(other, Number(14), "o@example.it");
        // CIP lockouts on two cards at one counter.
        foreach (var n in new[] { Number(15), Number(16) })
        {
            await SetStateAsync(n, "ACTIVE");
            var id = (await OkAsync(await quiet.PostAsJsonAsync("/api/v1/revocations", new
            {
                cardNumber = n, mode = "DIRECT", reason = "DETERIORAMENTO", document = RevocationTests.Document(), privacyConsent = true,
            }), HttpStatusCode.Created)).GetProperty("id").GetString();
            for (var t = 0; t < 6; t++) await quiet.PostAsJsonAsync($"/api/v1/revocations/{id}/verify-cip", new { cip = $"1111000{t}" });
        }

        var alerts = (await OkAsync(await auditor.GetAsync("/api/v1/audit/alerts"))).GetProperty("alerts").EnumerateArray().ToList();
        var shared = Assert.Single(alerts, a => a.GetProperty("kind").GetString() == "SHARED_RECIPIENT");
        Assert.Equal("r***@gmail.com", shared.GetProperty("subject").GetString());
        Assert.Equal(4, shared.GetProperty("operations").GetArrayLength());
        var volume = Assert.Single(alerts, a => a.GetProperty("kind").GetString() == "OPERATOR_VOLUME");
        Assert.Equal(busyCf, volume.GetProperty("subject").GetString());
        Assert.Equal(12, volume.GetProperty("operations").GetArrayLength());
        var lockouts = Assert.Single(alerts, a => a.GetProperty("kind").GetString() == "REPEATED_CIP_LOCKOUTS");
        Assert.Equal("090-201-AS002", lockouts.GetProperty("subject").GetString());
        Assert.True(lockouts.GetProperty("operations").GetArrayLength() >= 2);
        Assert.DoesNotContain("raccolta", alerts.Select(a => a.GetRawText()).Aggregate((a, b) => a + b));
    }
}
