using Cms.Infrastructure.Auditing;
using Cms.Infrastructure.Persistence;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Integration.Tests;

/// <summary>Migrations that move data keep it: an installation upgraded (or rolled back) keeps a trail that proves itself.</summary>
public class MigrationTests
{
    private const string Chainer = "20261128163614_AuditChainer";

    [Fact]
    public async Task The_chain_moves_into_its_links_and_back_with_every_hash_kept()
    {
        var url = await TestDatabase.FreshAsync("cms_migration");
        await using var dataSource = NpgsqlDataSource.Create(url);
        await using var db = new CmsDbContext(new DbContextOptionsBuilder<CmsDbContext>()
            .UseNpgsql(dataSource, o => o.MigrationsHistoryTable("__EFMigrationsHistory", "public")).Options);
        var migrator = db.GetService<IMigrator>();

        // An installation before the links: 50 entries, 40 of them chained by the chainer of that time.
        await migrator.MigrateAsync(Chainer);
        await TestDatabase.ExecuteAsync(url, """
            INSERT INTO audit.operations (id, occurred_at, type, outcome, operator_codice_fiscale, counter_code, region, card_number, detail)
            SELECT gen_random_uuid(), now() - make_interval(mins => 60 - g), CASE WHEN g % 3 = 0 THEN 'ACTIVATION' ELSE 'IDENTIFICATION' END,
                   'SUCCEEDED', 'RSSMRA80A01H501U', CASE WHEN g % 2 = 0 THEN '090-001' END, '090', '8038000090000000' || lpad(g::text, 4, '0'),
                   CASE WHEN g % 3 = 0 THEN 'confirm' END
            FROM generate_series(1, 50) g;
            SELECT audit.chain_pending(40);
            """);
        var before = await LinksAsync(dataSource, "SELECT sequence, chain_index, previous_hash, hash FROM audit.operations WHERE chain_index IS NOT NULL");
        Assert.Equal(40, before.Count);
        var head = await TestDatabase.ScalarAsync<byte[]>(url, "SELECT hash FROM audit.chain_head");

        // Upgraded: the same links, the ten pending entries queued, and the walk finds the chain intact once they are chained.
        await migrator.MigrateAsync();
        Assert.Equal(before, await LinksAsync(dataSource, "SELECT sequence, chain_index, previous_hash, hash FROM audit.chain_links"));
        Assert.Equal(10L, await TestDatabase.ScalarAsync<long>(url, "SELECT count(*) FROM audit.pending_entries"));
        var trail = new PostgresAuditTrail(dataSource, TimeProvider.System, new AuditCheckpointKeys(Options.Create(new AuditCheckpointOptions())),
            Options.Create(new AuditCheckpointOptions()));
        var report = await trail.VerifyAsync(40, Convert.ToHexStringLower(head), CancellationToken.None);
        Assert.True(report.Intact, report.FirstBreak?.Explanation);
        Assert.True(report.AnchorMatches);
        Assert.Equal(50, report.EntriesChecked);
        // The application's walk agrees with the database's chainer on both forms: the old links keep format 1, the ten
        // chained since the upgrade are format 2 (migration AuditChainFormat, decision 0028).
        Assert.Equal(40L, await TestDatabase.ScalarAsync<long>(url, "SELECT count(*) FROM audit.chain_links WHERE format = 1 AND chain_index <= 40"));
        Assert.Equal(10L, await TestDatabase.ScalarAsync<long>(url, "SELECT count(*) FROM audit.chain_links WHERE format = 2 AND chain_index > 40"));
        Assert.Equal(await TestDatabase.ScalarAsync<long>(url, "SELECT sum(operations) FROM audit.counter_day_counts"),
            await TestDatabase.ScalarAsync<long>(url, "SELECT count(*) FROM audit.operations WHERE detail = 'confirm'"));
        var after = await LinksAsync(dataSource, "SELECT sequence, chain_index, previous_hash, hash FROM audit.chain_links");

        // Rolled back: every link is in its entry again, the old ones with their hashes, the ten of format 2 hashed again in the
        // old form, and the chainer of that time carries on from the same head.
        await migrator.MigrateAsync(Chainer);
        var rolledBack = await LinksAsync(dataSource, "SELECT sequence, chain_index, previous_hash, hash FROM audit.operations");
        Assert.Equal(after.Take(40), rolledBack.Take(40));
        Assert.Equal(after.Select(l => (l.Sequence, l.Index)), rolledBack.Select(l => (l.Sequence, l.Index)));
        Assert.True(await TestDatabase.ScalarAsync<bool>(url, """
            SELECT bool_and(o.hash = sha256(o.previous_hash || convert_to(audit.canonical(o), 'UTF8'))
                            AND o.previous_hash = coalesce(p.hash, audit.genesis()))
            FROM audit.operations o LEFT JOIN audit.operations p ON p.chain_index = o.chain_index - 1
            """));
        await TestDatabase.ExecuteAsync(url, """
            INSERT INTO audit.operations (id, occurred_at, type, outcome, detail) VALUES (gen_random_uuid(), now(), 'REVOCATION', 'SUCCEEDED', 'late');
            SELECT audit.chain_pending(10);
            """);
        Assert.True(await TestDatabase.ScalarAsync<bool>(url, """
            SELECT o.chain_index = 51 AND o.previous_hash = (SELECT hash FROM audit.operations WHERE chain_index = 50)
                   AND o.hash = sha256(o.previous_hash || convert_to(audit.canonical(o), 'UTF8'))
            FROM audit.operations o WHERE detail = 'late'
            """));
    }

    [Fact]
    public async Task Erasable_sealed_content_rolls_back_without_the_rows_whose_content_was_erased()
    {
        const string Before = "20261129080000_AuditChainLinks";
        var url = await TestDatabase.FreshAsync("cms_migration_purge");
        await using var dataSource = NpgsqlDataSource.Create(url);
        await using var db = new CmsDbContext(new DbContextOptionsBuilder<CmsDbContext>()
            .UseNpgsql(dataSource, o => o.MigrationsHistoryTable("__EFMigrationsHistory", "public")).Options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync();
        await TestDatabase.ExecuteAsync(url, """
            INSERT INTO delivery.messages (id, channel, recipient, card_number, purpose, message_id, key_id, content_ciphertext, status, attempts, created_at, next_attempt_at, sent_at)
            VALUES (gen_random_uuid(), 'EMAIL', 'a@example.it', '80380000900000000001', 'ACTIVATION', '<a@x>', 'k1', '\x01', 'SENT', 1, now(), now(), now()),
                   (gen_random_uuid(), 'EMAIL', 'b@example.it', '80380000900000000002', 'ACTIVATION', '<b@x>', NULL, NULL, 'SENT', 1, now(), now(), now());
            INSERT INTO interop.inbound_requests (peer_region, request_id, kind, card_number, local_request_id, answer_key_id, answer_ciphertext, received_at)
            VALUES ('200', gen_random_uuid(), 'ACTIVATION', '80380000900000000001', gen_random_uuid(), 'k1', '\x01', now()),
                   ('200', gen_random_uuid(), 'ACTIVATION', '80380000900000000002', gen_random_uuid(), NULL, NULL, now());
            """);

        await migrator.MigrateAsync(Before);
        Assert.Equal("a@example.it", await TestDatabase.ScalarAsync<string>(url, "SELECT string_agg(recipient, ',') FROM delivery.messages"));
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(url, "SELECT count(*) FROM interop.inbound_requests"));
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(url, """
            SELECT count(*) FROM information_schema.columns
            WHERE (table_schema, table_name) IN (('delivery', 'messages'), ('interop', 'inbound_requests'))
              AND column_name IN ('key_id', 'content_ciphertext', 'answer_key_id', 'answer_ciphertext') AND (is_nullable = 'YES' OR column_default IS NOT NULL)
            """));
        await migrator.MigrateAsync();
    }

    private static async Task<List<(long Sequence, long Index, string Previous, string Hash)>> LinksAsync(NpgsqlDataSource dataSource, string sql)
    {
        var links = new List<(long, long, string, string)>();
        await using var command = dataSource.CreateCommand(sql + " ORDER BY 2");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            links.Add((reader.GetInt64(0), reader.GetInt64(1), Convert.ToHexString(reader.GetFieldValue<byte[]>(2)),
                Convert.ToHexString(reader.GetFieldValue<byte[]>(3))));
        return links;
    }
}
