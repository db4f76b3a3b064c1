using System.Threading.Channels;
using Cms.Infrastructure.Delivery;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cms.Infrastructure.Outbox;

/// <summary>
/// Hands committed outbox items on right away (a sweep covers a crash before this runs). Hangfire's client is synchronous:
/// enqueueing on the request thread would block thread-pool threads under load, so the request only drops the id in a queue
/// and one background loop hands on what arrived meanwhile, coalesced into one job. With <paramref name="sendsItself"/>, an
/// instance that runs a Hangfire server sends in this loop instead (decision 0022: a job per wake-up cost PostgreSQL about as
/// many statements and commits as the operation itself); an instance without one (<c>Hangfire:ServerEnabled=false</c>) still
/// hands the ids to Hangfire for the instances that have one. Retries and the sweep are Hangfire's either way. An instance that
/// sends itself keeps a few small batches in flight at once (<c>SelfBatch</c>, <c>ConcurrentBatches</c>); it waits for them
/// before it stops.
/// </summary>
public abstract class OutboxWakeups<TSender, T>(
    IBackgroundJobClient jobs, IServiceScopeFactory scopes, IOptions<BackgroundJobOptions> backgroundJobs, ILogger logger, string what, bool sendsItself)
    : BackgroundService
    where TSender : OutboxSender<TSender, T>
{
    private readonly Channel<Guid> wakeups = Channel.CreateBounded<Guid>(new BoundedChannelOptions(100_000)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite, // the sweep handles what is dropped
    });

    private const int MaxBatch = 100;

    /// <summary>
    /// An instance that sends itself takes what arrived in batches of at most this many (one claim, one group of sends, one mark)
    /// and keeps up to <see cref="ConcurrentBatches"/> of them in flight, so that one slow send does not hold the rest back
    /// (issue 29: in lock-step, one group at a time, the messages benchmark saw the queue grow under load).
    /// </summary>
    private const int SelfBatch = 8, ConcurrentBatches = 3;

    private readonly SemaphoreSlim inFlight = new(ConcurrentBatches);

    /// <summary>Wakes the sender for this item, after the commit that wrote it.</summary>
    protected void Wake(Guid id) => wakeups.Writer.TryWrite(id);

    private async Task HandAsync(Guid[] ids)
    {
        if (!sendsItself || !backgroundJobs.Value.ServerEnabled)
        {
            OutboxSender<TSender, T>.Enqueue(jobs, ids);
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        // Not cancelled by the host's stop: an item being sent is finished and recorded; what is still queued is the sweep's.
        await scope.ServiceProvider.GetRequiredService<TSender>().SendManyAsync(ids, CancellationToken.None);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var self = sendsItself && backgroundJobs.Value.ServerEnabled;
        var batch = new List<Guid>(MaxBatch);
        var running = new List<Task>();
        try
        {
            while (await wakeups.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < (self ? SelfBatch : MaxBatch) && wakeups.Reader.TryRead(out var id)) batch.Add(id);
                var ids = batch.ToArray();
                if (!self)
                {
                    await HandSafelyAsync(ids);
                    continue;
                }
                await inFlight.WaitAsync(stoppingToken);
                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await HandSafelyAsync(ids);
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                }, CancellationToken.None));
            }
        }
        finally
        {
            // What is being sent is finished and recorded before the instance stops.
            await Task.WhenAll(running);
        }
    }

    private async Task HandSafelyAsync(Guid[] ids)
    {
        try
        {
            await HandAsync(ids);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not hand {Count} {What} on ({ExceptionType}); the sweep will take them", ids.Length, what, ex.GetType().Name);
        }
    }
}
