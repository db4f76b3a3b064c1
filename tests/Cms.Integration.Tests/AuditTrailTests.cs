using System.Net;
using System.Text.Json;
using Cms.Integration.Tests.Infrastructure;
using Npgsql;

namespace Cms.Integration.Tests;

/// <summary>The operations trail is append-only for the application and hash-chained: tampering behind its back is found.</summary>
public class AuditTrailTests(CmsFactory factory) : ApiTest(factory)
{
    private async Task<HttpClient> TrailAsync()
    {
        // A few operations: sign-ins, counters, operators (each one an entry of the trail).
        var (auditor, _, _) = await ActorAsync("Auditor");
        await ActorAsync("Operator");
        await ActorAsync("Issuer");
        // Chained now rather than at the chainer's next pass: the tests below pick entries by their place in the chain.
        await ChainAsync();
        return auditor;
    }

    private Task ChainAsync() => Factory.ChainAuditTrailAsync();

    private async Task<JsonElement> IntegrityAsync(HttpClient auditor, string query = "") =>
        await OkAsync(await auditor.GetAsync("/api/v1/audit/integrity" + query));

    /// <summary>As the database's owner would, behind the application's back: the append-only triggers lifted for one statement.</summary>
    private Task TamperAsync(string sql) => Factory.ExecuteAsync($"""
        ALTER TABLE audit.operations DISABLE TRIGGER USER; ALTER TABLE audit.chain_links DISABLE TRIGGER USER;
        {sql};
        ALTER TABLE audit.operations ENABLE TRIGGER USER; ALTER TABLE audit.chain_links ENABLE TRIGGER USER;
        """);

    private Task<long> MiddleAsync() => Factory.ScalarAsync<long>("SELECT chain_index FROM audit.chain_links ORDER BY chain_index OFFSET 3 LIMIT 1");

    private static string EntryAt(long index) => $"sequence = (SELECT sequence FROM audit.chain_links WHERE chain_index = {index})";

    [Fact]
    public async Task The_application_cannot_update_delete_or_truncate_the_trail()
    {
        await TrailAsync();
        foreach (var sql in new[]
                 {
                     "UPDATE audit.operations SET detail = 'x'", "DELETE FROM audit.operations", "TRUNCATE audit.operations",
                     "UPDATE audit.chain_links SET hash = '\\x00'", "DELETE FROM audit.chain_links", "TRUNCATE audit.chain_links",
                 })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => Factory.ExecuteAsync(sql));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        Assert.True(await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations") > 5);
        Assert.True(await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.chain_links") > 5);
    }

    [Fact]
    public async Task Entries_are_written_plain_and_the_chainer_chains_and_counts_them_in_the_order_of_writing()
    {
        // Entries that nobody asks about: the background chainer alone chains them, within moments.
        await ActorAsync("Operator");
        await ActorAsync("Issuer");
        var until = DateTime.UtcNow.AddSeconds(20);
        while (await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.pending_entries") > 0 && DateTime.UtcNow < until)
            await Task.Delay(100);
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.pending_entries"));
        // Every entry has its link, in the order of writing, with the hash of its content and of its predecessor's hash.
        Assert.True(await Factory.ScalarAsync<bool>("""
            SELECT count(l.sequence) = count(*)
                   AND bool_and(l.chain_index = e.position)
                   AND bool_and(l.hash = sha256(l.previous_hash || convert_to(audit.canonical(o, l.chain_index), 'UTF8')))
                   AND bool_and(l.previous_hash = coalesce(p.hash, audit.genesis()))
            FROM audit.operations o
            JOIN (SELECT sequence, row_number() OVER (ORDER BY sequence) AS position FROM audit.operations) e ON e.sequence = o.sequence
            LEFT JOIN audit.chain_links l ON l.sequence = o.sequence
            LEFT JOIN audit.chain_links p ON p.chain_index = l.chain_index - 1
            """));
        Assert.Equal(await Factory.ScalarAsync<long>("SELECT max(chain_index) FROM audit.chain_links"),
            await Factory.ScalarAsync<long>("SELECT chain_index FROM audit.chain_head"));

        // Whoever writes an entry — the application's role directly, here — queues it in the same statement; the chaining
        // adds a link and changes nothing in the entry (an entry cannot be changed at all, see above).
        var sequence = await Factory.ScalarAsync<long>("""
            INSERT INTO audit.operations (id, occurred_at, type, outcome, detail)
            VALUES (gen_random_uuid(), now(), 'REVOCATION', 'SUCCEEDED', 'plain') RETURNING sequence
            """);
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.pending_entries WHERE sequence = @s", ("s", sequence)));
        await ChainAsync();
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.pending_entries"));
        Assert.Equal(await Factory.ScalarAsync<long>("SELECT chain_index FROM audit.chain_head"),
            await Factory.ScalarAsync<long>("SELECT chain_index FROM audit.chain_links WHERE sequence = @s", ("s", sequence)));
        var (auditor, _, _) = await ActorAsync("Auditor");
        Assert.True((await IntegrityAsync(auditor)).GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task An_untouched_trail_is_intact_and_its_head_can_be_anchored()
    {
        var auditor = await TrailAsync();
        var report = await IntegrityAsync(auditor);
        Assert.True(report.GetProperty("intact").GetBoolean(), report.GetRawText());
        Assert.True(report.GetProperty("entriesChecked").GetInt64() > 5);
        var head = report.GetProperty("head");
        var index = head.GetProperty("chainIndex").GetInt64();
        var hash = head.GetProperty("hash").GetString();
        Assert.Equal(64, hash!.Length);

        await ActorAsync("Operator"); // the trail grows; the anchor stays valid
        var later = await IntegrityAsync(auditor, $"?anchorIndex={index}&anchorHash={hash}");
        Assert.True(later.GetProperty("anchorMatches").GetBoolean());
        Assert.True(later.GetProperty("head").GetProperty("chainIndex").GetInt64() > index);
        var wrong = await IntegrityAsync(auditor, $"?anchorIndex={index}&anchorHash={new string('0', 64)}");
        Assert.False(wrong.GetProperty("anchorMatches").GetBoolean());
        Assert.False(wrong.GetProperty("intact").GetBoolean());
        await ProblemAsync(await auditor.GetAsync("/api/v1/audit/integrity?anchorIndex=1&anchorHash=xyz"), HttpStatusCode.BadRequest, "validation");
        var (operatorClient, _, _) = await ActorAsync("Operator");
        await ProblemAsync(await operatorClient.GetAsync("/api/v1/audit/integrity"), HttpStatusCode.Forbidden);
        Assert.True(await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations WHERE type = 'AUDIT_CONSULTATION'") >= 3);
    }

    [Fact]
    public async Task An_edited_entry_is_found()
    {
        var auditor = await TrailAsync();
        var index = await MiddleAsync();
        await TamperAsync($"UPDATE audit.operations SET counter_code = '999-999-XX999' WHERE {EntryAt(index)}");
        var report = await IntegrityAsync(auditor);
        Assert.False(report.GetProperty("intact").GetBoolean());
        Assert.Equal("CHANGED", report.GetProperty("firstBreak").GetProperty("finding").GetString());
        Assert.Equal(index, report.GetProperty("firstBreak").GetProperty("chainIndex").GetInt64());
    }

    [Fact]
    public async Task An_edited_entry_whose_hash_was_recomputed_is_found_by_its_successor()
    {
        var auditor = await TrailAsync();
        var index = await MiddleAsync();
        await TamperAsync($"""
            UPDATE audit.operations SET operator_codice_fiscale = 'RSSMRA80A01H501U' WHERE {EntryAt(index)};
            UPDATE audit.chain_links l SET hash = sha256(l.previous_hash || convert_to(audit.canonical(o, l.chain_index), 'UTF8'))
            FROM audit.operations o WHERE o.sequence = l.sequence AND l.chain_index = {index}
            """);
        var report = await IntegrityAsync(auditor);
        Assert.Equal("CHANGED", report.GetProperty("firstBreak").GetProperty("finding").GetString());
        Assert.Equal(index, report.GetProperty("firstBreak").GetProperty("chainIndex").GetInt64());
    }

    [Fact]
    public async Task A_removed_entry_is_found_in_the_middle_and_at_the_end()
    {
        // The entry and its link removed: a gap in the chain.
        var auditor = await TrailAsync();
        var index = await MiddleAsync();
        await TamperAsync($"DELETE FROM audit.operations WHERE {EntryAt(index)}; DELETE FROM audit.chain_links WHERE chain_index = {index}");
        var report = await IntegrityAsync(auditor);
        Assert.Equal("REMOVED", report.GetProperty("firstBreak").GetProperty("finding").GetString());
        Assert.Equal(index, report.GetProperty("firstBreak").GetProperty("chainIndex").GetInt64());

        // The last entry removed, its link left: the link points at nothing.
        await Factory.ResetAsync();
        auditor = await TrailAsync();
        var last = await Factory.ScalarAsync<long>("SELECT max(chain_index) FROM audit.chain_links");
        await TamperAsync($"DELETE FROM audit.operations WHERE {EntryAt(last)}");
        report = await IntegrityAsync(auditor);
        Assert.Equal("REMOVED", report.GetProperty("firstBreak").GetProperty("finding").GetString());
        Assert.Equal(last, report.GetProperty("firstBreak").GetProperty("chainIndex").GetInt64());

        // The last entry and its link removed: fewer links than the head counts.
        await Factory.ResetAsync();
        auditor = await TrailAsync();
        last = await Factory.ScalarAsync<long>("SELECT max(chain_index) FROM audit.chain_links");
        await TamperAsync($"DELETE FROM audit.operations WHERE {EntryAt(last)}; DELETE FROM audit.chain_links WHERE chain_index = {last}");
        report = await IntegrityAsync(auditor);
        // The check itself was appended after the deletion: the gap is where the entry was.
        Assert.Equal("REMOVED", report.GetProperty("firstBreak").GetProperty("finding").GetString());
        Assert.Equal(last, report.GetProperty("firstBreak").GetProperty("chainIndex").GetInt64());
    }

    [Fact]
    public async Task An_inserted_entry_is_found()
    {
        // With a forged link beyond the chain's head.
        var auditor = await TrailAsync();
        var head = await Factory.ScalarAsync<long>("SELECT chain_index FROM audit.chain_head");
        await TamperAsync($"""
            WITH forged AS (
                INSERT INTO audit.operations (id, occurred_at, type, outcome, operator_codice_fiscale, card_number)
                VALUES (gen_random_uuid(), now(), 'REVOCATION', 'SUCCEEDED', 'RSSMRA80A01H501U', '80380000900000000001') RETURNING sequence)
            INSERT INTO audit.chain_links SELECT {head} + 1, forged.sequence, h.hash, sha256(h.hash) FROM forged, audit.chain_head h
            """);
        var report = await IntegrityAsync(auditor);
        Assert.False(report.GetProperty("intact").GetBoolean());
        var found = report.GetProperty("firstBreak");
        Assert.Contains(found.GetProperty("finding").GetString(), new[] { "INSERTED", "CHANGED" });
        Assert.Equal(head + 1, found.GetProperty("chainIndex").GetInt64());

        // Without a link: the entry has no place in the chain and is not waiting for one.
        await Factory.ResetAsync();
        auditor = await TrailAsync();
        var sequence = await Factory.ScalarAsync<long>("""
            ALTER TABLE audit.operations DISABLE TRIGGER USER;
            INSERT INTO audit.operations (id, occurred_at, type, outcome, operator_codice_fiscale)
            VALUES (gen_random_uuid(), now(), 'REVOCATION', 'SUCCEEDED', 'RSSMRA80A01H501U') RETURNING sequence;
            ALTER TABLE audit.operations ENABLE TRIGGER USER;
            """);
        report = await IntegrityAsync(auditor);
        Assert.False(report.GetProperty("intact").GetBoolean());
        found = report.GetProperty("firstBreak");
        Assert.Equal("INSERTED", found.GetProperty("finding").GetString());
        Assert.Equal(0L, found.GetProperty("chainIndex").GetInt64());
        Assert.Equal(sequence, found.GetProperty("sequence").GetInt64());
    }
}
