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
/// hands the ids to Hangfire for the instances that have one. Retries and the sweep are Hangfire's either way.
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
        var batch = new List<Guid>(MaxBatch);
        while (await wakeups.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && wakeups.Reader.TryRead(out var id)) batch.Add(id);
            var ids = batch.ToArray();
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
}
