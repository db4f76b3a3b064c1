using Cms.Integration.Tests.Infrastructure;
using Npgsql;

namespace Cms.Integration.Tests;

/// <summary>
/// Issue 23, least privilege (decision 0029): the API runs as a role that owns nothing. With its connection string, the attack
/// that erased history with the API's own credentials — triggers switched off, the last operations and their links deleted, the
/// chain's head pointed back, the chain's functions replaced — is refused by PostgreSQL itself, statement by statement.
/// </summary>
public class LeastPrivilegeTests(CmsFactory factory) : ApiTest(factory)
{
    private async Task<string> RefusedAsync(string sql)
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(Factory.RuntimeConnectionString, sql));
        Assert.True(refused.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {refused.SqlState} {refused.MessageText}");
        return refused.MessageText;
    }

    /// <summary>Every table of the trail's schema — operations, chain links, head, queue, counts, and any added later.</summary>
    private async Task<List<(string Table, string Column)>> TrailTablesAsync()
    {
        await using var connection = new NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT DISTINCT ON (1) format('%I.%I', c.table_schema, c.table_name), quote_ident(c.column_name)
            FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
            WHERE c.table_schema = 'audit' AND t.table_type = 'BASE TABLE' AND c.is_identity = 'NO' ORDER BY 1, c.ordinal_position
            """, connection);
        var tables = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) tables.Add((reader.GetString(0), reader.GetString(1)));
        return tables;
    }

    [Fact]
    public async Task The_runtime_role_cannot_switch_triggers_off_rewrite_the_trail_or_replace_its_functions()
    {
        await ActorAsync("Operator");
        await ActorAsync("Auditor");
        await Factory.ChainAuditTrailAsync();
        var before = await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.chain_links");
        Assert.True(before > 4);
        Assert.NotEqual(new NpgsqlConnectionStringBuilder(Factory.ConnectionString).Username,
            new NpgsqlConnectionStringBuilder(Factory.RuntimeConnectionString).Username);

        // The attack of issue 23, as it was run with the API's connection string.
        Assert.Contains("owner", await RefusedAsync("ALTER TABLE audit.operations DISABLE TRIGGER ALL"));
        await RefusedAsync("ALTER TABLE audit.chain_links DISABLE TRIGGER ALL");
        await RefusedAsync("ALTER TABLE audit.operations DISABLE TRIGGER USER");
        await RefusedAsync("DELETE FROM audit.chain_links WHERE chain_index > (SELECT max(chain_index) - 4 FROM audit.chain_links)");
        await RefusedAsync("DELETE FROM audit.operations WHERE sequence > (SELECT max(sequence) - 4 FROM audit.operations)");
        await RefusedAsync("UPDATE audit.chain_head SET chain_index = chain_index - 4");
        await RefusedAsync("INSERT INTO audit.chain_links SELECT chain_index + 1000, sequence, previous_hash, hash FROM audit.chain_links LIMIT 1");

        // No UPDATE, DELETE or TRUNCATE on any table of the trail's schema (the chain moves only through audit.chain_pending).
        var tables = await TrailTablesAsync();
        Assert.Contains(tables, t => t.Table == "audit.operations");
        Assert.Contains(tables, t => t.Table == "audit.counter_day_counts");
        foreach (var (table, column) in tables)
        {
            await RefusedAsync($"UPDATE {table} SET {column} = {column}");
            await RefusedAsync($"DELETE FROM {table}");
            await RefusedAsync($"TRUNCATE {table}");
        }

        // No function replaced, none added, none turned back to run with the caller's rights; no DDL anywhere.
        await RefusedAsync("""
            CREATE OR REPLACE FUNCTION audit.genesis() RETURNS bytea LANGUAGE sql IMMUTABLE AS $$ SELECT '\x00'::bytea $$
            """);
        await RefusedAsync("CREATE FUNCTION audit.forged() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$");
        await RefusedAsync("ALTER FUNCTION audit.chain_pending(integer) SECURITY INVOKER");
        await RefusedAsync("DROP FUNCTION audit.canonical(audit.operations, bigint)");
        await RefusedAsync("CREATE TABLE activation.forged (id int)");
        await RefusedAsync("CREATE TABLE public.forged (id int)");
        await RefusedAsync("ALTER TABLE identification.cards ADD COLUMN forged int");
        await RefusedAsync("DROP TABLE platform.idempotency_keys");

        // Nothing moved; and the role does what the application needs: adds an operation, which the chainer chains.
        Assert.Equal(before, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.chain_links"));
        await TestDatabase.ExecuteAsync(Factory.RuntimeConnectionString, """
            INSERT INTO audit.operations (id, occurred_at, type, outcome, detail) VALUES (gen_random_uuid(), now(), 'SIGN_IN', 'SUCCEEDED', 'least privilege');
            SELECT audit.chain_pending(100)
            """);
        Assert.Equal(before + 1, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.chain_links"));
        var (auditor, _, _) = await ActorAsync("Auditor");
        Assert.True((await OkAsync(await auditor.GetAsync("/api/v1/audit/integrity"))).GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task The_api_connects_as_a_role_that_owns_nothing_and_cannot_create_databases_or_roles()
    {
        var runtime = new NpgsqlConnectionStringBuilder(Factory.RuntimeConnectionString).Username!;
        Assert.Equal(0L, await Factory.ScalarAsync<long>("""
            SELECT (SELECT count(*) FROM pg_class WHERE relowner = r.oid) + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid)
                 + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid) + (SELECT count(*) FROM pg_database WHERE datdba = r.oid)
            FROM pg_roles r WHERE r.rolname = @r
            """, ("r", runtime)));
        Assert.False(await Factory.ScalarAsync<bool>("SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolbypassrls FROM pg_roles WHERE rolname = @r", ("r", runtime)));
        await RefusedAsync("CREATE DATABASE forged");
        await RefusedAsync("CREATE ROLE forged");
    }

    [Fact]
    public async Task Cms_migrate_as_the_owner_leaves_a_database_the_runtime_role_runs_on_and_cannot_alter()
    {
        var owner = await TestDatabase.FreshAsync("cms_migrate_roles");
        var runtimeRole = new NpgsqlConnectionStringBuilder(Factory.RuntimeConnectionString).Username!;
        var runtime = new NpgsqlConnectionStringBuilder(Factory.RuntimeConnectionString) { Database = "cms_migrate_roles" }.ConnectionString;
        KeyValuePair<string, string?>[] settings = [new("ConnectionStrings:CmsMigrations", owner), new("Database:RuntimeRole", runtimeRole)];
        // Twice: an upgrade with nothing new grants again and changes nothing.
        for (var run = 0; run < 2; run++)
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            Assert.True(await Cms.Cli.CliApp.RunAsync(["migrate"], output, error, CancellationToken.None, settings) == 0, error.ToString());
            Assert.Contains("migrated", output.ToString());
        }

        // The runtime role reads and writes the modules' rows and Hangfire's, and adds to the trail, which the chainer chains.
        await TestDatabase.ExecuteAsync(runtime, """
            SELECT count(*) FROM identification.cards;
            DELETE FROM platform.idempotency_keys;
            SELECT count(*) FROM hangfire.job;
            INSERT INTO audit.operations (id, occurred_at, type, outcome, detail) VALUES (gen_random_uuid(), now(), 'SIGN_IN', 'SUCCEEDED', 'migrate');
            SELECT audit.chain_pending(10)
            """);
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>(owner, "SELECT count(*) FROM audit.chain_links"));
        Assert.True(await TestDatabase.ScalarAsync<bool>(owner,
            "SELECT bool_and(prosecdef) AND count(*) = 2 FROM pg_proc WHERE pronamespace = 'audit'::regnamespace AND proname IN ('chain_pending', 'chain_entry')"));
        foreach (var sql in new[] { "DELETE FROM audit.operations", "ALTER TABLE audit.operations DISABLE TRIGGER ALL", "CREATE TABLE hangfire.forged (id int)" })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(runtime, sql));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }

        // The owner itself may not be named the runtime role.
        using var quiet = new StringWriter();
        Assert.NotEqual(0, await Cms.Cli.CliApp.RunAsync(["migrate"], quiet, quiet, CancellationToken.None,
            [new("ConnectionStrings:CmsMigrations", owner), new("Database:RuntimeRole", new NpgsqlConnectionStringBuilder(owner).Username)]));
        Assert.Contains("must not be the role that owns", quiet.ToString());
    }
}
