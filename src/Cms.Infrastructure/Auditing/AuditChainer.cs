using Cms.Application.Common.Auditing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cms.Infrastructure.Auditing;

/// <summary>Section <c>Audit</c>.</summary>
public sealed class AuditChainerOptions
{
    public const string Section = "Audit";

    /// <summary>Whether this instance takes part: the instances that do take turns under the singletons' lease (decision 0054).</summary>
    public bool ChainerEnabled { get; set; } = true;

    /// <summary>How often the pending entries are chained: the longest an entry stays out of the chain and the counts.</summary>
    public int ChainIntervalMilliseconds { get; set; } = 200;
}

/// <summary>
/// Chains the trail continuously (decision 0019): entries written since the last pass get their place in the hash chain and
/// are counted into the roll-ups, in one short transaction per batch, so that no writing transaction waits for another.
/// After a pass it signs a checkpoint of the chain's head when one is due (decision 0028). Of several instances, only the one
/// holding the singletons' <paramref name="lease"/> chains and signs (decision 0054); without a lease (a test's own chainer) it
/// always does.
/// </summary>
public sealed class AuditChainer(IAuditTrail trail, AuditCheckpointWriter checkpoints, IOptions<AuditChainerOptions> options,
    ILogger<AuditChainer> logger, Coordination.SingletonLease? lease = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ChainerEnabled) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(options.Value.ChainIntervalMilliseconds, 10)));
        var failing = false;
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                // A restore declared by configuration goes into the trail first, once (decision 0056); a failure to write it holds
                // back neither the chain nor the checkpoints (the declaration is tried again next pass, and until it is written
                // the comparison excuses nothing).
                await DeclareRestoreAsync(stoppingToken);
                if (lease is not null && !await lease.HoldAsync(stoppingToken)) continue;
                await trail.ChainPendingAsync(stoppingToken);
                if (failing) logger.LogInformation("Audit chainer: chaining again");
                failing = false;
                await SignCheckpointAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The database may be away: the entries wait, committed, for the next pass. The type only: never values.
                if (!failing) logger.LogWarning("Audit chainer: chaining failed ({ExceptionType}); retrying", e.GetType().Name);
                failing = true;
            }
        }
    }

    private bool declarationFailing;

    private async Task DeclareRestoreAsync(CancellationToken stoppingToken)
    {
        try
        {
            await checkpoints.DeclareRestoreAsync(stoppingToken);
            declarationFailing = false;
        }
        catch (Exception e) when (e is not OutOfMemoryException && e is not OperationCanceledException)
        {
            if (!declarationFailing) logger.LogWarning("Audit chainer: restore declaration not written ({ExceptionType}); retrying", e.GetType().Name);
            declarationFailing = true;
        }
    }

    private bool checkpointFailing;

    private async Task SignCheckpointAsync(CancellationToken stoppingToken)
    {
        try
        {
            await checkpoints.WriteIfDueAsync(stoppingToken);
            if (checkpointFailing) logger.LogInformation("Audit chainer: writing checkpoints again");
            checkpointFailing = false;
        }
        catch (Exception e) when (e is not OutOfMemoryException && e is not OperationCanceledException)
        {
            // The checkpoint folder or the database may be away: the next pass signs the head then reached.
            if (!checkpointFailing) logger.LogWarning("Audit chainer: checkpoint not written ({ExceptionType}); retrying", e.GetType().Name);
            checkpointFailing = true;
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
