using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Cms.Application.Common.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Coordination;

/// <summary>Section <c>Coordination</c>: how the instances of one region tell each other apart and share their singletons (decision 0054).</summary>
public sealed class CoordinationOptions
{
    public const string Section = "Coordination";

    /// <summary>This instance's name, in logs, metrics and the lease's holder; default the host name and the process id.</summary>
    public string? InstanceName { get; set; }

    /// <summary>The lease the singletons run under; default the database's name, so that two regions on one server do not share one.</summary>
    public string? LeaseName { get; set; }

    /// <summary>How often an instance that does not hold the lease tries to take it.</summary>
    public int LeaseRetryMilliseconds { get; set; } = 500;

    /// <summary>The instance name of the options, or its default.</summary>
    public string Instance => string.IsNullOrWhiteSpace(InstanceName) ? $"{Environment.MachineName}-{Environment.ProcessId}" : InstanceName;
}

public sealed class CoordinationOptionsValidator : IValidateOptions<CoordinationOptions>
{
    public ValidateOptionsResult Validate(string? name, CoordinationOptions options)
    {
        var errors = new List<string>();
        // application_name keeps 63 bytes: the prefix and the name must fit, or another instance could not tell the holder.
        if (options.InstanceName is { } instance && (instance.Length is 0 or > 48 || !instance.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            errors.Add("Coordination:InstanceName must be 1 to 48 letters, digits, '-', '_' or '.'.");
        if (options.LeaseName is { Length: > 200 }) errors.Add("Coordination:LeaseName must be at most 200 characters.");
        if (options.LeaseRetryMilliseconds is < 50 or > 60_000) errors.Add("Coordination:LeaseRetryMilliseconds must be between 50 and 60000.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// The lease under which an instance runs the singletons (the trail's chainer and checkpoint signer, decision 0054): a PostgreSQL
/// session-level advisory lock (<c>pg_try_advisory_lock</c>) held on a connection of its own, outside the pool. The lock lives as
/// long as that session: when the holder dies (SIGKILL included) PostgreSQL ends its session and releases the lock, and the next
/// instance that tries takes it. The holder checks its connection at each pass (<see cref="HoldAsync"/>): a broken connection is a
/// lost lease, and the singleton work stops until the lease is taken again. Another instance's connection shows the holder by its
/// <c>application_name</c> (<see cref="HolderAsync"/>).
/// </summary>
public sealed class SingletonLease : Cms.Application.Common.Abstractions.ILeaseStatus, IAsyncDisposable
{
    private const string ApplicationPrefix = "cms-lease ";
    private readonly string leaseConnectionString;
    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger<SingletonLease> logger;
    private readonly TimeSpan retry;
    private readonly long key;
    private readonly SemaphoreSlim gate = new(1, 1);
    private NpgsqlConnection? connection;
    private DateTime nextTry = DateTime.MinValue;
    private bool unreachable;
    private volatile bool held;

    public SingletonLease(string connectionString, NpgsqlDataSource dataSource, IOptions<CoordinationOptions> options, ILogger<SingletonLease> logger,
        IMeterFactory? meters = null)
    {
        this.dataSource = dataSource;
        this.logger = logger;
        var settings = options.Value;
        InstanceName = settings.Instance;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        LeaseName = string.IsNullOrWhiteSpace(settings.LeaseName) ? builder.Database ?? "cms" : settings.LeaseName;
        // Its own session, never the pool's: a pooled connection would carry the lock back to the pool, and its end would not end it.
        builder.Pooling = false;
        builder.Multiplexing = false;
        builder.ApplicationName = ApplicationPrefix + InstanceName;
        builder.Timeout = 5;
        builder.CommandTimeout = 5;
        builder.KeepAlive = 5;
        leaseConnectionString = builder.ConnectionString;
        retry = TimeSpan.FromMilliseconds(settings.LeaseRetryMilliseconds);
        key = Key(LeaseName);
        meters?.Create(CmsMetrics.MeterName).CreateObservableGauge("cms.coordination.lease.held", () => new Measurement<int>(held ? 1 : 0,
            new KeyValuePair<string, object?>("cms.instance", InstanceName)), "{lease}", "1 while this instance holds the singletons' lease, else 0.");
    }

    public string InstanceName { get; }
    public string LeaseName { get; }

    /// <summary>Whether this instance held the lease at its last check.</summary>
    public bool Held => held;

    /// <summary>The advisory lock's key: 64 bits of the SHA-256 of the lease's name.</summary>
    public static long Key(string leaseName) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("cms-singleton:" + leaseName)), 0);

    /// <summary>
    /// Whether this instance holds the lease now: the held lease's connection is checked; a lease not held is tried for, at most
    /// once every <see cref="CoordinationOptions.LeaseRetryMilliseconds"/>. Call it before each pass of singleton work.
    /// </summary>
    public async Task<bool> HoldAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (connection is not null)
            {
                try
                {
                    await using var check = new NpgsqlCommand("SELECT 1", connection);
                    await check.ExecuteScalarAsync(cancellationToken);
                    return true;
                }
                catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
                {
                    // The session is gone (or unusable): so is the lock. Closing ours ends the session if it lingers on.
                    await LoseAsync(e.GetType().Name);
                }
            }
            if (DateTime.UtcNow < nextTry) return false;
            nextTry = DateTime.UtcNow + retry;
            var candidate = new NpgsqlConnection(leaseConnectionString);
            try
            {
                await candidate.OpenAsync(cancellationToken);
                await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", candidate);
                take.Parameters.AddWithValue("key", key);
                var taken = (bool)(await take.ExecuteScalarAsync(cancellationToken))!;
                if (unreachable) logger.LogInformation("Lease {Lease}: database reachable again", LeaseName);
                unreachable = false;
                if (!taken)
                {
                    await candidate.DisposeAsync();
                    return false;
                }
                connection = candidate;
                held = true;
                logger.LogInformation("Lease {Lease} taken by instance {Instance}: the singletons run here", LeaseName, InstanceName);
                return true;
            }
            catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
            {
                await candidate.DisposeAsync();
                // The type only: never values (a connection string's error could carry its host and user).
                if (!unreachable) logger.LogWarning("Lease {Lease}: could not try to take it ({ExceptionType}); retrying", LeaseName, e.GetType().Name);
                unreachable = true;
                return false;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task LoseAsync(string reason)
    {
        held = false;
        var lost = connection;
        connection = null;
        nextTry = DateTime.MinValue;
        logger.LogWarning("Lease {Lease} lost by instance {Instance} ({Reason}): the singletons stop here until it is taken again", LeaseName, InstanceName, reason);
        if (lost is not null)
        {
            try { await lost.DisposeAsync(); } catch (Exception e) when (e is not OutOfMemoryException) { /* already broken */ }
        }
    }

    /// <summary>The instance that holds the lease now (any instance can tell, from PostgreSQL's view of the sessions), or null.</summary>
    public async Task<string?> HolderAsync(CancellationToken cancellationToken)
    {
        await using var c = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var query = new NpgsqlCommand("""
            SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid::text::bigint = @high AND l.objid::text::bigint = @low
            LIMIT 1
            """, c);
        query.Parameters.AddWithValue("high", (long)(uint)(key >> 32));
        query.Parameters.AddWithValue("low", (long)(uint)key);
        return await query.ExecuteScalarAsync(cancellationToken) is string name && name.StartsWith(ApplicationPrefix, StringComparison.Ordinal)
            ? name[ApplicationPrefix.Length..] : null;
    }

    /// <summary>Gives the lease back at once (a graceful stop): the next instance need not wait for anything.</summary>
    public async ValueTask DisposeAsync()
    {
        await gate.WaitAsync();
        try
        {
            if (connection is not null)
            {
                held = false;
                try { await connection.DisposeAsync(); } catch (Exception e) when (e is not OutOfMemoryException) { /* closing anyway */ }
                connection = null;
                logger.LogInformation("Lease {Lease} released by instance {Instance}", LeaseName, InstanceName);
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
