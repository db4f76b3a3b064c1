using System.Text.RegularExpressions;
using Cms.Infrastructure.Persistence;
using Hangfire.PostgreSql;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cms.Infrastructure.Startup;

/// <summary>Section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>
    /// Whether the API migrates when it starts. Off: migrations are a step of their own (<c>cms migrate</c>, or one instance
    /// started with <c>--migrate</c>), run by the owner role, not by every instance with the runtime role's connection.
    /// </summary>
    public bool MigrateOnStartup { get; set; }

    /// <summary>
    /// The role the API and its workers connect as (<c>ConnectionStrings:Cms</c>): after migrating, the owner grants it what it
    /// needs and nothing more (decision 0029). Empty: no grants (a single-role installation, owner and runtime alike).
    /// </summary>
    public string? RuntimeRole { get; set; }

    /// <summary>
    /// The role the web UI connects as for its data-protection keys (<c>ConnectionStrings:CmsWebKeys</c> of Cms.Web): granted
    /// SELECT and INSERT on <c>web.data_protection_keys</c> and nothing else (decision 0057). Empty: no grants.
    /// </summary>
    public string? WebRole { get; set; }
}

/// <summary>
/// Migrates the database as its owner (<c>ConnectionStrings:CmsMigrations</c>, else <c>ConnectionStrings:Cms</c>): the
/// EF Core migrations, Hangfire's schema, then the runtime role's grants (<see cref="DatabaseRoles"/>). One instance at a time
/// (an advisory lock), so several may be started with the flag together.
/// </summary>
public sealed class DatabaseMigrator(IConfiguration configuration, ILogger<DatabaseMigrator> logger)
{
    public const string OwnerConnection = "CmsMigrations";
    internal const long LockKey = 0x636d_735f_6d69_67; // "cms_mig"

    public static string OwnerConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(OwnerConnection) is { Length: > 0 } owner ? owner
        : configuration.GetConnectionString("Cms") ?? throw new InvalidOperationException("ConnectionStrings:CmsMigrations (or ConnectionStrings:Cms) is not configured.");

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var connectionString = OwnerConnectionString(configuration);
        var roles = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>();
        var runtimeRole = roles?.RuntimeRole;
        var webRole = roles?.WebRole;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await TakeLockAsync(connection, logger, cancellationToken);
        try
        {
            // No command timeout: a migration's statement runs as long as it needs — an index built CONCURRENTLY on the trail reads
            // the whole table twice (minutes at 100,000,000 entries) and waits for the transactions older than it. Cancelling the
            // step (its token) still stops it.
            await using (var db = new CmsDbContext(new DbContextOptionsBuilder<CmsDbContext>()
                .UseNpgsql(connection, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory", "public").CommandTimeout(0)).Options))
            {
                await SquashedChain.AdoptAsync(connection, logger, cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
                // Hangfire's own tables: the runtime role may not create them, so the API never prepares that schema itself.
                PostgreSqlObjectsInstaller.Install(connection, "hangfire");
                if (!string.IsNullOrWhiteSpace(runtimeRole))
                {
                    var schemas = db.Model.GetEntityTypes().Select(e => e.GetSchema()).OfType<string>().Append("hangfire").Distinct().Order().ToList();
                    await DatabaseRoles.GrantRuntimeAsync(connection, runtimeRole, schemas, cancellationToken);
                }
                if (!string.IsNullOrWhiteSpace(webRole))
                    await DatabaseRoles.GrantWebAsync(connection, webRole, runtimeRole, cancellationToken);
            }
            logger.LogInformation("Database migrated{Grants}", (string.IsNullOrWhiteSpace(runtimeRole), string.IsNullOrWhiteSpace(webRole)) switch
            {
                (false, false) => "; runtime and web roles granted",
                (false, true) => "; runtime role granted",
                (true, false) => "; web role granted",
                _ => "",
            });
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Takes the migrators' lock by asking for it again and again, never by waiting inside <c>pg_advisory_lock</c>: a statement
    /// waiting there holds a snapshot, and an index built CONCURRENTLY by the migrator holding the lock waits for every older
    /// snapshot — the two would wait for each other until PostgreSQL's deadlock detector failed the index build. It waits as
    /// long as the other migrator works (an index build on a large trail takes minutes), and says so: after
    /// <paramref name="firstNotice"/> (5 s) and then every 30 s, a warning names the session that holds the lock and its state
    /// (never its statement's text, which may be a role's password being set).
    /// </summary>
    internal static async Task TakeLockAsync(NpgsqlConnection connection, ILogger logger, CancellationToken cancellationToken,
        TimeSpan? firstNotice = null)
    {
        await using var take = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockKey})", connection);
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        var nextNotice = firstNotice ?? TimeSpan.FromSeconds(5);
        while (!(bool)(await take.ExecuteScalarAsync(cancellationToken))!)
        {
            if (waiting.Elapsed >= nextNotice)
            {
                await NoticeAsync(connection, logger, waiting.Elapsed, cancellationToken);
                nextNotice = waiting.Elapsed + TimeSpan.FromSeconds(30);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>Best effort: a notice that cannot be made (the holder's row hidden from this role, a failed query) never stops
    /// the wait.</summary>
    private static async Task NoticeAsync(NpgsqlConnection connection, ILogger logger, TimeSpan waited, CancellationToken cancellationToken)
    {
        try
        {
            await using var holder = new NpgsqlCommand($"""
                SELECT a.pid, coalesce(nullif(a.application_name, ''), '-'), coalesce(host(a.client_addr), 'local'),
                       coalesce(a.state, '-') || coalesce(' on ' || a.wait_event_type || ':' || a.wait_event, ''),
                       coalesce(to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), '-')
                FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {LockKey >> 32} AND l.objid = {LockKey & 0xFFFF_FFFF}
                  AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """, connection);
            await using var reader = await holder.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                logger.LogWarning(
                    "Waiting {Seconds:0} s for the migrators' lock, held by session {Pid} ({Application}, {Client}, connected {Since} UTC), {State}",
                    waited.TotalSeconds, reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(4), reader.GetString(3));
                return;
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidCastException or InvalidOperationException)
        {
            // the notice below says at least how long
        }
        logger.LogWarning("Waiting {Seconds:0} s for the migrators' lock", waited.TotalSeconds);
    }
}

/// <summary>
/// The migrations before the first production install were squashed into one baseline (decision 0053), which makes the
/// schema the whole chain made. A database migrated by the chain to its last migration is moved onto the baseline by its
/// history alone (the rows of the chain give way to the baseline's, nothing else changes). Anything else is refused and
/// left as it was: a chain stopped part-way (bring it to the end with a version that still has the chain, or make it again),
/// a history naming migrations this version never had (another branch's, or a later version's squash), or a history that
/// claims the chain's end over a schema that does not hold the chain's last objects.
/// </summary>
public static class SquashedChain
{
    public const string Baseline = "20261210100000_Baseline";
    public const string LastSquashed = "20261208130000_SignatureRequestDelegateCard";

    /// <summary>The chain the baseline replaces, every one of them (a released version applied them all, in this order).</summary>
    public static readonly IReadOnlyList<string> Squashed =
    [
        "20261125160005_Initial", "20261125163241_ActivationDeliveryIdempotency", "20261125173516_Reprint", "20261125174655_Notices",
        "20261125182857_CounterOperations", "20261125194210_AuditChain", "20261128064612_OperationCounts", "20261128101109_Interop",
        "20261128102629_Citizen", "20261128163614_AuditChainer", "20261129080000_AuditChainLinks", "20261202120000_PurgeSealedContent",
        "20261202130000_AuditChainFormat", "20261203090000_OperatorSessions", "20261203100000_SignInThrottle", "20261203110000_CardCertificates",
        "20261203120000_RecipientProofs", "20261203130000_HealthAuthorityAndPrintOnce", "20261204100000_RecipientUses",
        "20261205100000_StateOfBirth", "20261206100000_MigrationImport", "20261206110000_RevocationWithoutCip", "20261206120000_CallCentre",
        "20261206130000_SignBeforeConfirm", "20261207100000_SpecialCases", "20261207110000_SignatureCertificateRequests",
        "20261208100000_DelegateFromCard", LastSquashed,
    ];

    private const string Decision = "docs/decisions/0053-files-and-baseline.md";

    public static async Task AdoptAsync(NpgsqlConnection owner, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await AdoptOrRefuseAsync(owner, logger, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new InvalidOperationException(
                "Reading and moving the migration history needs the role that owns the database: run `cms migrate` with " +
                $"ConnectionStrings:CmsMigrations (docs/production.md), not as the runtime role ({Decision}).", e);
        }
    }

    private static async Task AdoptOrRefuseAsync(NpgsqlConnection owner, ILogger logger, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('public.\"__EFMigrationsHistory\"') IS NOT NULL", owner))
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!) return;
        var applied = new List<string>();
        await using (var read = new NpgsqlCommand(
            "SELECT \"MigrationId\" FROM public.\"__EFMigrationsHistory\" WHERE \"MigrationId\" < @baseline ORDER BY 1", owner))
        {
            read.Parameters.AddWithValue("baseline", Baseline);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) applied.Add(reader.GetString(0));
        }
        if (applied.Count == 0) return;
        if (applied.Except(Squashed, StringComparer.Ordinal).ToList() is { Count: > 0 } unknown)
            throw new InvalidOperationException(
                $"The migration history names migrations this version does not know ({string.Join(", ", unknown)}): it was migrated by another " +
                $"build. Nothing was changed; migrate it with the build that made it, or make it again ({Decision}).");
        if (Squashed.Except(applied, StringComparer.Ordinal).ToList() is { Count: > 0 } missing)
            throw new InvalidOperationException(
                $"The database was migrated part-way through the migrations squashed into {Baseline} ({missing.Count} of {Squashed.Count} not applied, " +
                $"the first {missing[0]}): migrate it to {LastSquashed} with a version released before the squash first, or make it again ({Decision}).");
        // The history says the chain ran to its end: the schema must say so too (the first and the last of its objects).
        await using (var schema = new NpgsqlCommand("""
            SELECT to_regclass('identification.cards') IS NOT NULL AND to_regclass('audit.chain_links') IS NOT NULL
               AND to_regprocedure('audit.chain_pending(int)') IS NOT NULL
               AND EXISTS (SELECT FROM information_schema.columns
                           WHERE table_schema = 'signature' AND table_name = 'certificate_requests' AND column_name = 'delegate_card_number')
            """, owner))
            if (!(bool)(await schema.ExecuteScalarAsync(cancellationToken))!)
                throw new InvalidOperationException(
                    $"The migration history says {LastSquashed} was applied, but the schema lacks what the chain made (identification.cards, " +
                    $"audit.chain_links, audit.chain_pending(int), signature.certificate_requests.delegate_card_number). Nothing was changed; restore the " +
                    $"database from a backup or make it again ({Decision}).");
        await MoveOntoBaselineAsync(owner, cancellationToken);
        logger.LogInformation("Migration history moved onto the baseline {Baseline} ({Count} squashed migrations)", Baseline, applied.Count);
    }

    private static async Task MoveOntoBaselineAsync(NpgsqlConnection owner, CancellationToken cancellationToken)
    {
        await using var transaction = await owner.BeginTransactionAsync(cancellationToken);
        await using (var adopt = new NpgsqlCommand("""
            DELETE FROM public."__EFMigrationsHistory" WHERE "MigrationId" = ANY(@squashed);
            INSERT INTO public."__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES (@baseline, @version) ON CONFLICT DO NOTHING;
            """, owner, transaction))
        {
            adopt.Parameters.AddWithValue("squashed", Squashed.ToArray());
            adopt.Parameters.AddWithValue("baseline", Baseline);
            adopt.Parameters.AddWithValue("version", typeof(DbContext).Assembly.GetName().Version?.ToString(3) ?? "10.0.0");
            await adopt.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}

/// <summary>
/// What the runtime role may do (decision 0029). In every module's schema and Hangfire's: read and write rows. In the trail's
/// schema: read, and add operations — nothing else: no UPDATE, DELETE or TRUNCATE of the trail, the chain, its head or the
/// counts, no DDL (it owns nothing, so it can neither alter a table, switch a trigger off nor replace a function), no new
/// objects in any schema. The chain and the counts move only through audit.chain_pending and the insert trigger, which run as
/// their owner (SECURITY DEFINER with a fixed search_path) and only append.
/// </summary>
public static partial class DatabaseRoles
{
    public static async Task GrantRuntimeAsync(NpgsqlConnection owner, string runtimeRole, IReadOnlyList<string> schemas, CancellationToken cancellationToken)
    {
        if (!RoleName().IsMatch(runtimeRole)) throw new InvalidOperationException($"Database:RuntimeRole '{runtimeRole}' is not a plain role name.");
        foreach (var schema in schemas)
            if (!RoleName().IsMatch(schema)) throw new InvalidOperationException($"Unexpected schema name '{schema}'.");
        await using (var check = new NpgsqlCommand("SELECT current_user = @r, EXISTS (SELECT FROM pg_roles WHERE rolname = @r)", owner))
        {
            check.Parameters.AddWithValue("r", runtimeRole);
            await using var reader = await check.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetBoolean(0)) throw new InvalidOperationException("The runtime role must not be the role that owns the database (ConnectionStrings:CmsMigrations).");
            if (!reader.GetBoolean(1)) throw new InvalidOperationException($"The runtime role '{runtimeRole}' does not exist: create it first (docs/production.md).");
        }
        var role = $"\"{runtimeRole}\"";
        var statements = new List<string>();
        foreach (var schema in schemas.Where(s => s != "audit"))
        {
            statements.Add($"GRANT USAGE ON SCHEMA {schema} TO {role}");
            statements.Add($"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}");
            statements.Add($"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}");
            statements.Add($"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}");
        }
        statements.AddRange([
            $"GRANT USAGE ON SCHEMA audit TO {role}",
            $"REVOKE ALL ON ALL TABLES IN SCHEMA audit FROM {role}",
            $"GRANT SELECT ON ALL TABLES IN SCHEMA audit TO {role}",
            $"GRANT INSERT ON audit.operations TO {role}",
            $"GRANT USAGE ON ALL SEQUENCES IN SCHEMA audit TO {role}",
            // The functions that append to the chain and the counts run as their owner; nothing else in the schema does.
            """
            DO $$
            DECLARE f regprocedure;
            BEGIN
                FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
                         WHERE p.pronamespace = 'audit'::regnamespace AND p.proname IN ('chain_pending', 'chain_entry') LOOP
                    EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER SET search_path = pg_catalog, pg_temp', f);
                END LOOP;
            END $$
            """,
            $"GRANT SELECT ON public.\"__EFMigrationsHistory\" TO {role}",
            // The web UI's data-protection keys (decision 0057) are not the API's: no right on their schema, whatever was granted before.
            $"""
            DO $$
            BEGIN
                IF to_regnamespace('web') IS NOT NULL THEN
                    REVOKE ALL ON ALL TABLES IN SCHEMA web FROM {role};
                    REVOKE ALL ON SCHEMA web FROM {role};
                END IF;
            END $$
            """,
            // Nobody but the owner creates objects in the public schema (PostgreSQL 15's default, made sure of).
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        ]);
        await using var batch = new NpgsqlBatch(owner);
        foreach (var statement in statements) batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
        await using var transaction = await owner.BeginTransactionAsync(cancellationToken);
        batch.Transaction = transaction;
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// What the web UI's role may do (decision 0057): read the data-protection keys and add new ones, in <c>web.data_protection_keys</c>
    /// only. No UPDATE (a key is never rewritten), no DELETE (expired keys stay, a few kilobytes a quarter: a thief of the UI's
    /// credentials could otherwise wipe the ring and sign every operator out), no right anywhere else.
    /// </summary>
    public static async Task GrantWebAsync(NpgsqlConnection owner, string webRole, string? runtimeRole, CancellationToken cancellationToken)
    {
        if (!RoleName().IsMatch(webRole)) throw new InvalidOperationException($"Database:WebRole '{webRole}' is not a plain role name.");
        if (string.Equals(webRole, runtimeRole, StringComparison.Ordinal))
            throw new InvalidOperationException("Database:WebRole must not be the API's runtime role (Database:RuntimeRole): the web UI gets a role of its own.");
        await using (var check = new NpgsqlCommand("SELECT current_user = @r, EXISTS (SELECT FROM pg_roles WHERE rolname = @r)", owner))
        {
            check.Parameters.AddWithValue("r", webRole);
            await using var reader = await check.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetBoolean(0)) throw new InvalidOperationException("The web role must not be the role that owns the database (ConnectionStrings:CmsMigrations).");
            if (!reader.GetBoolean(1)) throw new InvalidOperationException($"The web role '{webRole}' does not exist: create it first (docs/production.md).");
        }
        var role = $"\"{webRole}\"";
        await using var batch = new NpgsqlBatch(owner);
        foreach (var statement in new[]
        {
            $"GRANT USAGE ON SCHEMA web TO {role}",
            $"REVOKE ALL ON ALL TABLES IN SCHEMA web FROM {role}",
            $"GRANT SELECT, INSERT ON web.data_protection_keys TO {role}",
        })
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
        await using var transaction = await owner.BeginTransactionAsync(cancellationToken);
        batch.Transaction = transaction;
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex RoleName();
}
