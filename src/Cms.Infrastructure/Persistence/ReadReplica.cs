using System.Diagnostics;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Persistence;

/// <summary>
/// The replica for auditors (decision 0056): <c>ConnectionStrings:CmsReadOnly</c> and, in section <c>Database</c>,
/// <c>ReadOnlyMaxLagSeconds</c> and <c>ReadOnlyCheckMilliseconds</c>.
/// </summary>
public sealed class ReadReplicaOptions
{
    public const string ConnectionName = "CmsReadOnly";
    public const string Section = "Database";

    /// <summary>The runtime role's connection to a hot standby. Empty: every read runs on the primary.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How far behind the primary the replica may be (seconds of replay) before the reads go back to the primary.</summary>
    public double ReadOnlyMaxLagSeconds { get; set; } = 30;

    /// <summary>How long one look at the replica (reachable? how far behind?) is trusted before the next.</summary>
    public int ReadOnlyCheckMilliseconds { get; set; } = 1000;

    /// <summary>Seconds to wait for a connection to the replica when its connection string sets no <c>Timeout</c>.</summary>
    public const int DefaultConnectTimeoutSeconds = 2;
}

public sealed class ReadReplicaOptionsValidator : IValidateOptions<ReadReplicaOptions>
{
    public ValidateOptionsResult Validate(string? name, ReadReplicaOptions options)
    {
        var failures = new List<string>();
        if (!(options.ReadOnlyMaxLagSeconds > 0 && options.ReadOnlyMaxLagSeconds <= 86_400))
            failures.Add("Database:ReadOnlyMaxLagSeconds must be between 0 (excluded) and 86400.");
        if (options.ReadOnlyCheckMilliseconds is < 0 or > 60_000)
            failures.Add("Database:ReadOnlyCheckMilliseconds must be between 0 and 60000.");
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException)
            {
                // Not echoed: it may hold a password.
                failures.Add("ConnectionStrings:CmsReadOnly is not a valid PostgreSQL connection string.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Whether the replica can take the auditors' reads now. One probe reads the primary's <c>pg_current_wal_flush_lsn()</c> (through the
/// main data source), then on the replica (a short connect timeout) its replay LSN, the age of its last replayed transaction and
/// its WAL receiver: usable when it replayed everything the primary had written just before (an idle primary sends nothing, and
/// the last transaction's age says nothing then), or when it is no more than <see cref="ReadReplicaOptions.ReadOnlyMaxLagSeconds"/>
/// behind <em>and</em> a WAL receiver is streaming. "Replayed all it received" is not enough: a standby cut off from the primary
/// (partition, slot invalidated, password rotated) has replayed all it received however far behind it is. A server not in
/// recovery is accepted only when it is the primary itself (same <c>system_identifier</c>). One look is trusted for
/// <see cref="ReadReplicaOptions.ReadOnlyCheckMilliseconds"/>, longer after consecutive failures (doubling, at most
/// <see cref="MaxBackoffMilliseconds"/>); while a probe is in flight the other reads do not wait for it: they use the last known
/// state, or the primary. A change of state is logged (never the connection string).
/// </summary>
public sealed class ReadReplicaMonitor(IOptions<ReadReplicaOptions> options, NpgsqlDataSource primary, ILogger<ReadReplicaMonitor> logger) : IDisposable
{
    /// <summary>The longest a failing replica is left alone before the next probe.</summary>
    public const int MaxBackoffMilliseconds = 60_000;

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Lock sync = new();
    private Replica? replica;
    private Look? last;
    private string? lastState;
    private int failures;

    private sealed record Replica(string ConnectionString, NpgsqlDataSource Source, DbContextOptions<CmsDbContext> ContextOptions);
    private sealed record Look(string ConnectionString, double MaxLag, long At, bool Usable, double TrustMilliseconds);

    /// <summary>The replica's context options when it is usable now; null when the reads must run on the primary.</summary>
    public async ValueTask<DbContextOptions<CmsDbContext>?> UsableAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.ConnectionString)) return null;
        if (Fresh(o) is { } look) return look.Usable ? For(o.ConnectionString).ContextOptions : null;
        // Another read is probing (a blackholed replica holds it up to connect + command timeout): do not queue behind it.
        if (!await gate.WaitAsync(0, cancellationToken))
            return last is { Usable: true } known && known.ConnectionString == o.ConnectionString ? For(o.ConnectionString).ContextOptions : null;
        try
        {
            if (Fresh(o) is { } again) return again.Usable ? For(o.ConnectionString).ContextOptions : null;
            var current = For(o.ConnectionString);
            var (usable, state, reason) = await ProbeAsync(primary, current.Source, o.ReadOnlyMaxLagSeconds, cancellationToken);
            var streak = state == "unreachable" ? Interlocked.Increment(ref failures) : 0;
            last = new Look(o.ConnectionString, o.ReadOnlyMaxLagSeconds, Stopwatch.GetTimestamp(), usable, Backoff(o, streak));
            Report(usable, state, reason);
            return usable ? current.ContextOptions : null;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// A read on the replica failed for want of the replica (unreachable, or an error the primary would not give): the next reads
    /// go to the primary for one check period, longer after consecutive failures.
    /// </summary>
    public void MarkDown(string reason)
    {
        var o = options.Value;
        var streak = Interlocked.Increment(ref failures);
        last = new Look(o.ConnectionString ?? "", o.ReadOnlyMaxLagSeconds, Stopwatch.GetTimestamp(), false, Backoff(o, streak));
        Report(false, "down", reason);
    }

    /// <summary>A read on the replica succeeded: the failure streak (the back-off) starts again.</summary>
    public void ReadSucceeded() => Interlocked.Exchange(ref failures, 0);

    /// <summary>A read on the replica timed out: the next reads go to the primary for one check period, no more (not a failure streak).</summary>
    public void MarkSlow(string reason)
    {
        var o = options.Value;
        last = new Look(o.ConnectionString ?? "", o.ReadOnlyMaxLagSeconds, Stopwatch.GetTimestamp(), false, o.ReadOnlyCheckMilliseconds);
        Report(false, "slow", reason);
    }

    private static double Backoff(ReadReplicaOptions o, int streak) =>
        streak <= 1 ? o.ReadOnlyCheckMilliseconds
                    : Math.Min(MaxBackoffMilliseconds, Math.Max(o.ReadOnlyCheckMilliseconds, 1000.0) * Math.Pow(2, Math.Min(streak - 1, 6)));

    private Look? Fresh(ReadReplicaOptions o) =>
        last is { } l && l.ConnectionString == o.ConnectionString && l.MaxLag.Equals(o.ReadOnlyMaxLagSeconds)
                      && Stopwatch.GetElapsedTime(l.At).TotalMilliseconds < Math.Max(l.TrustMilliseconds, o.ReadOnlyCheckMilliseconds) ? l : null;

    /// <summary>Logs a change of state (usable, lagging, unreachable, down, slow), not every look.</summary>
    private void Report(bool usable, string state, string reason)
    {
        lock (sync)
        {
            if (lastState == state) return;
            lastState = state;
        }
        if (usable) logger.LogInformation("Auditors' reads run on the replica ({Reason})", reason);
        else logger.LogWarning("Auditors' reads fall back to the primary: {Reason}", reason);
    }

    private Replica For(string connectionString)
    {
        lock (sync)
        {
            if (replica is { } r && r.ConnectionString == connectionString) return r;
            replica?.Source.Dispose();
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.ContainsKey("Timeout"))
                builder.Timeout = ReadReplicaOptions.DefaultConnectTimeoutSeconds;
            builder.ApplicationName ??= "cms-readonly";
            var source = NpgsqlDataSource.Create(builder.ConnectionString);
            var contextOptions = new DbContextOptionsBuilder<CmsDbContext>()
                .UseNpgsql(source, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory", "public"))
                .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking).Options;
            replica = new Replica(connectionString, source, contextOptions);
            return replica;
        }
    }

    private static async Task<(bool Usable, string State, string Reason)> ProbeAsync(NpgsqlDataSource primary, NpgsqlDataSource source, double maxLag,
        CancellationToken cancellationToken)
    {
        // The primary first: what the replica must have replayed to be as fresh as the primary was a moment ago (the flush position:
        // a walsender sends no further).
        string primaryLsn;
        int primaryTimeline;
        try
        {
            // Its timeline too: a standby on another one follows another history (the old primary after a point-in-time restore,
            // or one left behind by a failover), however far it has replayed.
            await using var command = primary.CreateCommand(
                "SELECT pg_current_wal_flush_lsn()::text, ('x' || substr(pg_walfile_name(pg_current_wal_flush_lsn()), 1, 8))::bit(32)::int");
            command.CommandTimeout = ReadReplicaOptions.DefaultConnectTimeoutSeconds;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            primaryLsn = reader.GetString(0);
            primaryTimeline = reader.GetInt32(1);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            // The primary in recovery (pg_current_wal_lsn refuses) or unreachable: the reads on the primary will tell.
            return (false, "primaryunknown", $"the primary's WAL position unknown ({(e as PostgresException)?.SqlState ?? e.GetType().Name})");
        }
        try
        {
            // pg_stat_wal_receiver has a row while a receiver runs; its status is visible to pg_read_all_stats (pg_monitor) only,
            // NULL ("present") for the others.
            await using var command = source.CreateCommand("""
                SELECT pg_is_in_recovery(),
                       coalesce(pg_last_wal_replay_lsn() >= @primary::pg_lsn, false),
                       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8,
                       (SELECT coalesce(status, 'present') FROM pg_stat_wal_receiver LIMIT 1),
                       coalesce((SELECT received_tli FROM pg_stat_wal_receiver LIMIT 1), (SELECT timeline_id FROM pg_control_checkpoint()))
                """);
            command.Parameters.AddWithValue("primary", primaryLsn);
            command.CommandTimeout = ReadReplicaOptions.DefaultConnectTimeoutSeconds;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (!reader.GetBoolean(0))
            {
                await reader.DisposeAsync();
                return await IdentityAsync(source, cancellationToken) == await IdentityAsync(primary, cancellationToken)
                    ? (true, "usable", "not in recovery: the primary itself")
                    : (false, "notstandby", "not in recovery and not the primary (a promoted or restored server): not used");
            }
            var timeline = reader.IsDBNull(4) ? 0 : reader.GetInt32(4);
            if (timeline != primaryTimeline)
                return (false, "othertimeline", $"on timeline {timeline}, the primary on {primaryTimeline}: it follows another history (rebuild it after a restore)");
            if (reader.GetBoolean(1)) return (true, "usable", "caught up with the primary");
            var receiver = reader.IsDBNull(3) ? null : reader.GetString(3);
            if (receiver is not ("streaming" or "present"))
                return (false, "disconnected", $"behind the primary and no WAL receiver streaming ({receiver ?? "none"})");
            if (reader.IsDBNull(2)) return (false, "lagging", "nothing replayed yet");
            var lag = reader.GetDouble(2);
            return lag <= maxLag
                ? (true, "usable", $"{lag:0.#} s behind")
                : (false, "lagging", $"replay {lag:0.#} s behind, more than Database:ReadOnlyMaxLagSeconds={maxLag:0.#}");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            return (false, "unreachable", $"replica unreachable ({(e as PostgresException)?.SqlState ?? e.GetType().Name})");
        }
    }

    /// <summary>
    /// Which server this is: its <c>system_identifier</c> (a promoted standby keeps its primary's, so the postmaster's start
    /// time too), or the start time alone where the role may not call <c>pg_control_system()</c>.
    /// </summary>
    private static async Task<string> IdentityAsync(NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = source.CreateCommand(
                "SELECT (SELECT system_identifier FROM pg_control_system())::text || '/' || pg_postmaster_start_time()::text");
            command.CommandTimeout = ReadReplicaOptions.DefaultConnectTimeoutSeconds;
            return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (PostgresException e) when (e.SqlState == "42501")
        {
            await using var command = source.CreateCommand("SELECT pg_postmaster_start_time()::text");
            command.CommandTimeout = ReadReplicaOptions.DefaultConnectTimeoutSeconds;
            return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
    }

    public void Dispose()
    {
        replica?.Source.Dispose();
        gate.Dispose();
    }
}

/// <summary>What a failed read on the replica means for the auditors' reads (decision 0056).</summary>
public enum ReplicaFailure
{
    /// <summary>Not the replica's fault (a data error the primary would give too, a cancelled request, a bug): rethrown.</summary>
    None,

    /// <summary>The replica unreachable or answering with an error the primary would not give (40001, a missing table or grant): marked down, the read reruns on the primary.</summary>
    Down,

    /// <summary>A command timeout: the read reruns on the primary, the replica left alone for one check period only.</summary>
    Slow,
}

public static class ReplicaFailures
{
    public static ReplicaFailure Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // 57014: a statement cancelled by Npgsql's command timeout.
                case PostgresException { SqlState: "57014" }:
                case TimeoutException:
                    return ReplicaFailure.Slow;
                // 22: data exception, 23: integrity constraint: the same read fails on the primary.
                case PostgresException p:
                    return p.SqlState.StartsWith("22", StringComparison.Ordinal) || p.SqlState.StartsWith("23", StringComparison.Ordinal)
                        ? ReplicaFailure.None
                        : ReplicaFailure.Down;
            }
        }
        return DatabaseFailures.IsUnavailable(exception) ? ReplicaFailure.Down : ReplicaFailure.None;
    }
}

/// <summary>The request's read source (<see cref="IReadSource"/>): the replica's context, made when first needed and disposed with the request.</summary>
public sealed class ReplicaReadSource(ICmsDbContext primary, ReadReplicaMonitor monitor, ILogger<ReplicaReadSource> logger) : IReadSource, IAsyncDisposable
{
    private CmsDbContext? replica;
    private bool abandoned;

    public async Task<T> ReadAsync<T>(string useCase, Func<ICmsDbContext, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        if (await ReplicaAsync(cancellationToken) is { } context)
        {
            try
            {
                var result = await read(context, cancellationToken);
                CmsMetrics.DbRead("replica", useCase);
                monitor.ReadSucceeded();
                return result;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && ReplicaFailures.Classify(e) is var failure and not ReplicaFailure.None)
            {
                // The SQLSTATE or the exception's type only: a message may quote data, a connection error the host.
                var what = (e as PostgresException ?? e.InnerException as PostgresException)?.SqlState is { } state ? $"SQLSTATE {state}" : e.GetType().Name;
                logger.LogDebug("A read of {UseCase} on the replica failed ({Error}): run again on the primary", useCase, what);
                if (failure == ReplicaFailure.Slow) monitor.MarkSlow($"a read on the replica timed out ({what})");
                else monitor.MarkDown($"a read on the replica failed ({what})");
                abandoned = true; // the rest of the request reads on the primary
            }
        }
        var answer = await read(primary, cancellationToken);
        CmsMetrics.DbRead("primary", useCase);
        return answer;
    }

    public async ValueTask<ICmsDbContext> ContextAsync(string useCase, CancellationToken cancellationToken)
    {
        if (await ReplicaAsync(cancellationToken) is { } context)
        {
            CmsMetrics.DbRead("replica", useCase);
            return context;
        }
        CmsMetrics.DbRead("primary", useCase);
        return primary;
    }

    private async ValueTask<CmsDbContext?> ReplicaAsync(CancellationToken cancellationToken)
    {
        if (abandoned) return null;
        if (replica is not null) return replica;
        var contextOptions = await monitor.UsableAsync(cancellationToken);
        if (contextOptions is null) return null;
        replica = new CmsDbContext(contextOptions);
        return replica;
    }

    public async ValueTask DisposeAsync()
    {
        if (replica is not null) await replica.DisposeAsync();
    }
}
