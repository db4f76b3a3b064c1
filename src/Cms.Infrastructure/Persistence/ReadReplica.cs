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
/// Whether the replica can take the auditors' reads now: reachable (a short connect timeout), and either caught up with what
/// it received (<c>pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()</c>: an idle primary sends nothing, and the last
/// replayed transaction's age says nothing then) or no more than <see cref="ReadReplicaOptions.ReadOnlyMaxLagSeconds"/> behind
/// (<c>now() - pg_last_xact_replay_timestamp()</c>). One look is trusted for <see cref="ReadReplicaOptions.ReadOnlyCheckMilliseconds"/>;
/// a change of state is logged (never the connection string).
/// </summary>
public sealed class ReadReplicaMonitor(IOptions<ReadReplicaOptions> options, ILogger<ReadReplicaMonitor> logger) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Lock sync = new();
    private Replica? replica;
    private Look? last;
    private string? lastState;

    private sealed record Replica(string ConnectionString, NpgsqlDataSource Source, DbContextOptions<CmsDbContext> ContextOptions);
    private sealed record Look(string ConnectionString, double MaxLag, long At, bool Usable);

    /// <summary>The replica's context options when it is usable now; null when the reads must run on the primary.</summary>
    public async ValueTask<DbContextOptions<CmsDbContext>?> UsableAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.ConnectionString)) return null;
        if (Fresh(o) is { } look) return look.Usable ? For(o.ConnectionString).ContextOptions : null;
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(o) is { } again) return again.Usable ? For(o.ConnectionString).ContextOptions : null;
            var current = For(o.ConnectionString);
            var (usable, state, reason) = await ProbeAsync(current.Source, o.ReadOnlyMaxLagSeconds, cancellationToken);
            last = new Look(o.ConnectionString, o.ReadOnlyMaxLagSeconds, Stopwatch.GetTimestamp(), usable);
            Report(usable, state, reason);
            return usable ? current.ContextOptions : null;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>A read on the replica failed for want of the replica: the next reads go to the primary until the next look.</summary>
    public void MarkDown(string reason)
    {
        var o = options.Value;
        last = new Look(o.ConnectionString ?? "", o.ReadOnlyMaxLagSeconds, Stopwatch.GetTimestamp(), false);
        Report(false, "unreachable", reason);
    }

    private Look? Fresh(ReadReplicaOptions o) =>
        last is { } l && l.ConnectionString == o.ConnectionString && l.MaxLag.Equals(o.ReadOnlyMaxLagSeconds)
                      && Stopwatch.GetElapsedTime(l.At).TotalMilliseconds < o.ReadOnlyCheckMilliseconds ? l : null;

    /// <summary>Logs a change of state (usable, lagging, unreachable), not every look.</summary>
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

    private static async Task<(bool Usable, string State, string Reason)> ProbeAsync(NpgsqlDataSource source, double maxLag, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = source.CreateCommand("""
                SELECT pg_is_in_recovery(),
                       coalesce(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false),
                       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8
                """);
            command.CommandTimeout = ReadReplicaOptions.DefaultConnectTimeoutSeconds;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (!reader.GetBoolean(0)) return (true, "usable", "not in recovery: a primary");
            if (reader.GetBoolean(1)) return (true, "usable", "caught up with the WAL it received");
            if (reader.IsDBNull(2)) return (false, "lagging", "nothing replayed yet");
            var lag = reader.GetDouble(2);
            return lag <= maxLag
                ? (true, "usable", $"{lag:0.#} s behind")
                : (false, "lagging", $"replay {lag:0.#} s behind, more than Database:ReadOnlyMaxLagSeconds={maxLag:0.#}");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            return (false, "unreachable", $"replica unreachable ({e.GetType().Name})");
        }
    }

    public void Dispose()
    {
        replica?.Source.Dispose();
        gate.Dispose();
    }
}

/// <summary>The request's read source (<see cref="IReadSource"/>): the replica's context, made when first needed and disposed with the request.</summary>
public sealed class ReplicaReadSource(ICmsDbContext primary, ReadReplicaMonitor monitor, ILogger<ReplicaReadSource> logger) : IReadSource, IAsyncDisposable
{
    private CmsDbContext? replica;

    public async Task<T> ReadAsync<T>(string useCase, Func<ICmsDbContext, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        if (await ReplicaAsync(cancellationToken) is { } context)
        {
            try
            {
                var result = await read(context, cancellationToken);
                CmsMetrics.DbRead("replica", useCase);
                return result;
            }
            catch (Exception e) when (DatabaseFailures.IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("A read of {UseCase} on the replica failed ({Error}): run again on the primary", useCase, e.GetType().Name);
                monitor.MarkDown($"a read failed ({e.GetType().Name})");
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
