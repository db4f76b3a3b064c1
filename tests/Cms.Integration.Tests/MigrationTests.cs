using Cms.Infrastructure.Auditing;
using Cms.Infrastructure.Persistence;
using Cms.Infrastructure.Startup;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Integration.Tests;

/// <summary>
/// The migrations before the first production install are one baseline (decision 0053): it makes the database the squashed
/// chain made — the model's tables and the hand-written trail (chain, queue, chainer, roll-ups, append-only triggers) — and
/// takes it all away again.
/// </summary>
public class MigrationTests
{
    private const string Baseline = "20261210100000_Baseline";

    [Fact]
    public async Task The_baseline_alone_makes_a_trail_that_chains_counts_refuses_changes_and_proves_itself()
    {
        var url = await TestDatabase.FreshAsync("cms_migration");
        await using var dataSource = NpgsqlDataSource.Create(url);
        await using var db = Context(dataSource);
        Assert.Equal(Baseline, db.Database.GetMigrations().First()); // the expand steps after it (decision 0058) follow
        await db.GetService<IMigrator>().MigrateAsync();
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());

        await InsertOperationsAsync(url, 50);
        Assert.Equal(50L, await TestDatabase.ScalarAsync<long>(url, "SELECT count(*) FROM audit.pending_entries"));
        Assert.Equal(40, await TestDatabase.ScalarAsync<int>(url, "SELECT audit.chain_pending(40)"));
        Assert.Equal(10, await TestDatabase.ScalarAsync<int>(url, "SELECT audit.chain_pending()"));
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(url, "SELECT count(*) FROM audit.pending_entries"));
        // Every link in format 2 (decision 0028), and the application's walk agrees with the database's chainer.
        Assert.Equal(50L, await TestDatabase.ScalarAsync<long>(url, "SELECT count(*) FROM audit.chain_links WHERE format = 2"));
        var head = await TestDatabase.ScalarAsync<byte[]>(url, "SELECT hash FROM audit.chain_head");
        var trail = new PostgresAuditTrail(dataSource, TimeProvider.System, new AuditCheckpointKeys(Options.Create(new AuditCheckpointOptions())),
            Options.Create(new AuditCheckpointOptions()));
        var report = await trail.VerifyAsync(50, Convert.ToHexStringLower(head), CancellationToken.None);
        Assert.True(report.Intact, report.FirstBreak?.Explanation);
        Assert.True(report.AnchorMatches);
        Assert.Equal(50, report.EntriesChecked);
        // The roll-ups count the confirmed counter operations, and only them.
        Assert.Equal(await TestDatabase.ScalarAsync<long>(url, "SELECT count(*) FROM audit.operations WHERE detail = 'confirm'"),
            await TestDatabase.ScalarAsync<long>(url, "SELECT sum(operations) FROM audit.counter_day_counts"));
        Assert.Equal(await TestDatabase.ScalarAsync<long>(url, "SELECT sum(operations) FROM audit.counter_day_counts"),
            await TestDatabase.ScalarAsync<long>(url, "SELECT sum(operations) FROM audit.counter_month_counts"));

        // Append-only: the trail and its chain refuse every change, even their owner's.
        foreach (var change in new[]
                 {
                     "UPDATE audit.operations SET detail = 'x'", "DELETE FROM audit.operations", "TRUNCATE audit.operations CASCADE",
                     "UPDATE audit.chain_links SET format = 1", "DELETE FROM audit.chain_links", "TRUNCATE audit.chain_links",
                 })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(url, change));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        // The rest of what the model cannot say: a migrated card's codes whole or absent (decision 0039), the peers' seen signatures.
        Assert.True(await TestDatabase.ScalarAsync<bool>(url, """
            SELECT EXISTS (SELECT FROM pg_constraint WHERE conname = 'ck_cards_codes_whole' AND conrelid = 'identification.cards'::regclass)
                   AND to_regclass('interop.ix_seen_signatures_seen_at') IS NOT NULL
            """));
    }

    [Fact]
    public async Task The_baseline_rolls_back_to_an_empty_database_and_comes_up_again()
    {
        var url = await TestDatabase.FreshAsync("cms_migration_down");
        await using var dataSource = NpgsqlDataSource.Create(url);
        await using var db = Context(dataSource);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync();
        await InsertOperationsAsync(url, 5);
        await TestDatabase.ExecuteAsync(url, "SELECT audit.chain_pending()");

        await migrator.MigrateAsync(Migration.InitialDatabase);
        Assert.Empty(await db.Database.GetAppliedMigrationsAsync());
        // Nothing of Cms's is left but the (empty) migration history: no table, view, sequence, function or type. (An
        // extension's objects, which a machine's template1 may hold, are not Cms's.)
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(url, """
            SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relname NOT LIKE '%EFMigrationsHistory%'
                      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'))
                 + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'))
            """));

        await migrator.MigrateAsync();
        await InsertOperationsAsync(url, 3);
        Assert.Equal(3, await TestDatabase.ScalarAsync<int>(url, "SELECT audit.chain_pending()"));
        Assert.Equal(3L, await TestDatabase.ScalarAsync<long>(url, "SELECT max(chain_index) FROM audit.chain_links"));
    }

    [Fact]
    public async Task An_installation_migrated_by_the_squashed_chain_moves_onto_the_baseline_by_its_history_and_one_stopped_part_way_is_refused()
    {
        var url = await TestDatabase.FreshAsync("cms_migration_adopt");
        await using var dataSource = NpgsqlDataSource.Create(url);
        await using var db = Context(dataSource);
        await db.GetService<IMigrator>().MigrateAsync(Baseline); // the chain's schema is the baseline's; the expand steps after it follow
        await InsertOperationsAsync(url, 2);
        // As the chain left it: the same schema (decision 0053), the chain's migrations in the history, not the baseline.
        Assert.Equal(28, SquashedChain.Squashed.Distinct().Count());
        Assert.Equal(SquashedChain.Squashed.Order(StringComparer.Ordinal), SquashedChain.Squashed);
        Assert.Equal(SquashedChain.LastSquashed, SquashedChain.Squashed[^1]);
        async Task HistoryAsync(params string[] ids) => await TestDatabase.ExecuteAsync(url,
            "DELETE FROM public.\"__EFMigrationsHistory\"; INSERT INTO public.\"__EFMigrationsHistory\" SELECT unnest(@ids), '10.0.0'", ("ids", ids));
        await HistoryAsync([.. SquashedChain.Squashed]);
        var migrator = new DatabaseMigrator(new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>("ConnectionStrings:CmsMigrations", url)]).Build(), NullLogger<DatabaseMigrator>.Instance);

        // Run as the runtime role (which may read no history): refused with what to do, not a bare "permission denied".
        var runtime = new NpgsqlConnectionStringBuilder(TestDatabase.RuntimeConnectionString())
        {
            Database = new NpgsqlConnectionStringBuilder(url).Database,
        };
        var asRuntime = new DatabaseMigrator(new ConfigurationBuilder()
            .AddInMemoryCollection([new KeyValuePair<string, string?>("ConnectionStrings:Cms", runtime.ConnectionString)]).Build(), NullLogger<DatabaseMigrator>.Instance);
        var notOwner = await Assert.ThrowsAsync<InvalidOperationException>(() => asRuntime.MigrateAsync(CancellationToken.None));
        Assert.Contains("cms migrate", notOwner.Message);
        Assert.Equal(SquashedChain.Squashed, await db.Database.GetAppliedMigrationsAsync());

        await migrator.MigrateAsync(CancellationToken.None);
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(2L, await TestDatabase.ScalarAsync<long>(url, "SELECT count(*) FROM audit.operations"));
        await migrator.MigrateAsync(CancellationToken.None); // again: nothing to do
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());

        // Stopped part-way through the chain (its last one applied, one in the middle not): refused, naming where to bring it
        // first; the history is left as it was.
        string[] partWay = [.. SquashedChain.Squashed.Where(id => id != "20261206120000_CallCentre")];
        await HistoryAsync(partWay);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => migrator.MigrateAsync(CancellationToken.None));
        Assert.Contains(SquashedChain.LastSquashed, refused.Message);
        Assert.Contains("20261206120000_CallCentre", refused.Message);
        Assert.Equal(partWay, await db.Database.GetAppliedMigrationsAsync());

        // A migration this version never had (another build's): refused, and nothing of the history is deleted.
        string[] foreign = [.. SquashedChain.Squashed, "20261209090000_SomeoneElses"];
        await HistoryAsync(foreign);
        var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() => migrator.MigrateAsync(CancellationToken.None));
        Assert.Contains("20261209090000_SomeoneElses", unknown.Message);
        Assert.Equal(foreign, await db.Database.GetAppliedMigrationsAsync());

        // The whole chain in the history over a schema without the chain's last column: refused, not adopted.
        await HistoryAsync([.. SquashedChain.Squashed]);
        await TestDatabase.ExecuteAsync(url, "ALTER TABLE signature.certificate_requests DROP COLUMN delegate_card_number");
        var hollow = await Assert.ThrowsAsync<InvalidOperationException>(() => migrator.MigrateAsync(CancellationToken.None));
        Assert.Contains("delegate_card_number", hollow.Message);
        Assert.Equal(SquashedChain.Squashed, await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task Migrators_started_together_both_finish_and_the_trails_counter_index_is_built_concurrently()
    {
        // The second migrator waits for the first one's lock. Waiting inside pg_advisory_lock it would hold a snapshot that the first
        // one's CREATE INDEX CONCURRENTLY waits for: a deadlock, and PostgreSQL would fail the build (decision 0063).
        var url = await TestDatabase.FreshAsync("cms_migration_together");
        await Task.WhenAll(Migrator(url).MigrateAsync(CancellationToken.None), Migrator(url).MigrateAsync(CancellationToken.None));
        Assert.True(await CounterIndexValidAsync(url));
    }

    [Fact]
    public async Task A_migrator_waiting_for_the_lock_says_who_holds_it_and_goes_on_once_it_is_released()
    {
        // Operations staff see why an instance's start waits (another migrator building an index for minutes), and whom it waits for.
        var url = await TestDatabase.FreshAsync("cms_migration_lock_wait");
        await using var holder = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(url) { ApplicationName = "cms-migrate-other" }.ConnectionString);
        await holder.OpenAsync();
        var holderPid = holder.ProcessID;
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({DatabaseMigrator.LockKey})", holder)) await take.ExecuteNonQueryAsync();

        var sink = new LogSink();
        await using var waiter = new NpgsqlConnection(url);
        await waiter.OpenAsync();
        var waiting = DatabaseMigrator.TakeLockAsync(waiter, sink.CreateLogger("migrator"), CancellationToken.None, TimeSpan.FromMilliseconds(300));
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!sink.Lines.Any(l => l.Contains("migrators' lock", StringComparison.Ordinal)) && DateTime.UtcNow < until) await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        var notice = Assert.Single(sink.Lines, l => l.Contains("migrators' lock", StringComparison.Ordinal));
        Assert.StartsWith("Warning", notice);
        Assert.Contains($"session {holderPid} (cms-migrate-other", notice);

        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({DatabaseMigrator.LockKey})", holder)) await release.ExecuteNonQueryAsync();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(await new NpgsqlCommand($"SELECT pg_advisory_unlock({DatabaseMigrator.LockKey})", waiter).ExecuteScalarAsync() is true); // it holds the lock now
    }

    [Fact]
    public async Task An_index_build_left_invalid_fails_the_migration_by_name_until_it_is_removed()
    {
        var url = await TestDatabase.FreshAsync("cms_migration_invalid_index");
        await using var dataSource = NpgsqlDataSource.Create(url);
        await using var db = Context(dataSource);
        await db.GetService<IMigrator>().MigrateAsync("20261213100000_AuditCanonicalInlined");
        await InsertOperationsAsync(url, 2);
        // What an interrupted CREATE INDEX CONCURRENTLY leaves: an index of that name, invalid (here its build failed on the rows).
        await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(url,
            "CREATE INDEX CONCURRENTLY ix_operations_counter_code_occurred_at ON audit.operations ((1 / (octet_length(coalesce(counter_code, '')) * 0)))"));
        Assert.False(await CounterIndexValidAsync(url));

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Migrator(url).MigrateAsync(CancellationToken.None));
        Assert.Contains("ix_operations_counter_code_occurred_at", refused.Message);
        Assert.DoesNotContain("20261214100000_AuditOperationsByCounter", await db.Database.GetAppliedMigrationsAsync());

        await TestDatabase.ExecuteAsync(url, "DROP INDEX CONCURRENTLY audit.ix_operations_counter_code_occurred_at");
        await Migrator(url).MigrateAsync(CancellationToken.None);
        Assert.True(await CounterIndexValidAsync(url));
        Assert.Contains("20261214100000_AuditOperationsByCounter", await db.Database.GetAppliedMigrationsAsync());
    }

    private static DatabaseMigrator Migrator(string url) => new(new ConfigurationBuilder()
        .AddInMemoryCollection([new KeyValuePair<string, string?>("ConnectionStrings:CmsMigrations", url)]).Build(), NullLogger<DatabaseMigrator>.Instance);

    private static Task<bool> CounterIndexValidAsync(string url) => TestDatabase.ScalarAsync<bool>(url, """
        SELECT coalesce((SELECT indisvalid AND indisready FROM pg_index
                         WHERE indexrelid = to_regclass('audit.ix_operations_counter_code_occurred_at')), false)
        """);

    private static CmsDbContext Context(NpgsqlDataSource dataSource) => new(new DbContextOptionsBuilder<CmsDbContext>()
        .UseNpgsql(dataSource, o => o.MigrationsHistoryTable("__EFMigrationsHistory", "public")).Options);

    private static Task InsertOperationsAsync(string url, int count) => TestDatabase.ExecuteAsync(url, $"""
        INSERT INTO audit.operations (id, occurred_at, type, outcome, operator_codice_fiscale, counter_code, region, card_number, detail)
        SELECT gen_random_uuid(), now() - make_interval(mins => 60 - g), CASE WHEN g % 3 = 0 THEN 'ACTIVATION' ELSE 'IDENTIFICATION' END,
               'SUCCEEDED', 'RSSMRA80A01H501U', CASE WHEN g % 2 = 0 THEN '090-001' END, '090', '8038000090000000' || lpad(g::text, 4, '0'),
               CASE WHEN g % 3 = 0 THEN 'confirm' END
        FROM generate_series(1, {count}) g;
        """);
}
