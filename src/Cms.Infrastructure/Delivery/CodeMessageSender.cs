using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Delivery;
using Cms.Application.Common.Telemetry;
using Cms.Domain.Requests;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Delivery;

/// <summary>
/// Sends one message from the outbox. A message is claimed with a lease by a conditional UPDATE, so that of
/// several instances exactly one sends it; it is marked SENT after the server accepted it. If the process dies
/// between the server's acceptance and that mark, the lease expires and the message is sent again — the
/// identical message, with the same Message-ID. Failures are retried with back-off for RetryForHours, except a recipient or
/// message refused for good (<see cref="SendFailures.IsPermanent"/>), which is FAILED at once; the error kept is masked.
/// </summary>
public sealed class CodeMessageSender(
    NpgsqlDataSource dataSource, ICodeCipher cipher, IEmailTransport email, ISmsTransport sms, IOptions<DeliveryOptions> options,
    IBackgroundJobClient jobs, ILogger<CodeMessageSender> logger)
{
    [AutomaticRetry(Attempts = 0)]
    public Task SendAsync(Guid id, CancellationToken cancellationToken) => SendManyAsync([id], cancellationToken);

    /// <summary>
    /// Sends several messages, <see cref="ParallelSends"/> at a time: each group is claimed in one statement right before its
    /// sends start — so that a claim's lease only has to outlast one send, as with a message claimed alone — and each message
    /// is recorded as soon as its server accepted it. A message not claimed was sent, failed, is held by another instance, or
    /// was woken too early (it is looked at again when due).
    /// </summary>
    [AutomaticRetry(Attempts = 0)]
    public async Task SendManyAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        var o = options.Value;
        foreach (var group in ids.Chunk(ParallelSends))
        {
            var claimed = await ClaimAsync(group, o.LeaseSeconds, cancellationToken);
            if (claimed.Count < group.Length)
            {
                var taken = claimed.Select(c => c.Id).ToHashSet();
                foreach (var id in group.Where(id => !taken.Contains(id)))
                {
                    var notDueFor = await NotDueForAsync(id, cancellationToken);
                    if (notDueFor is { } wait) jobs.Schedule<CodeMessageSender>(s => s.SendAsync(id, CancellationToken.None), wait + TimeSpan.FromMilliseconds(200));
                }
            }
            await Task.WhenAll(claimed.Select(message => DeliverAsync(message, o, cancellationToken)));
        }
    }

    /// <summary>Messages in flight at once (each its own SMTP session or gateway call), claimed together.</summary>
    public const int ParallelSends = 8;

    private async Task DeliverAsync(Claimed message, DeliveryOptions o, CancellationToken cancellationToken)
    {
        var id = message.Id;
        try
        {
            var content = CodeMessageOutbox.Open(cipher, id, message.KeyId, message.Ciphertext);
            var outgoing = new OutgoingMessage(id, message.MessageId, message.Recipient, message.CreatedAt, content);
            if (message.Channel == DeliveryChannel.Email) await email.SendAsync(outgoing, cancellationToken);
            else await sms.SendAsync(outgoing, cancellationToken);
            await ExecuteAsync("""
                UPDATE delivery.messages SET status = 'SENT', sent_at = now(), lease_until = NULL, last_error = NULL
                WHERE id = @id AND status = 'SENDING'
                """, id, cancellationToken);
            logger.LogInformation("Code message {MessageId} sent by {Channel} after {Attempts} attempt(s)", id, message.Channel, message.Attempts);
            CmsMetrics.CodeMessagesSent.Add(1, new KeyValuePair<string, object?>("cms.channel", ChannelTag(message.Channel)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var delay = TimeSpan.FromSeconds(Math.Min(o.RetryBaseSeconds * Math.Pow(2, Math.Max(message.Attempts - 1, 0)), o.RetryMaxSeconds));
            // A recipient or message refused for good fails at once: 48 hours of retries would get the same answer.
            var permanent = SendFailures.IsPermanent(ex);
            var giveUp = permanent || DateTimeOffset.UtcNow - message.CreatedAt > TimeSpan.FromHours(o.RetryForHours);
            var error = SendFailures.Describe(ex);
            await using (var connection = await dataSource.OpenConnectionAsync(CancellationToken.None))
            await using (var command = new NpgsqlCommand("""
                UPDATE delivery.messages SET status = @status, next_attempt_at = now() + @delay, lease_until = NULL, last_error = @error
                WHERE id = @id AND status = 'SENDING'
                """, connection))
            {
                command.Parameters.AddWithValue("id", id);
                command.Parameters.AddWithValue("status", giveUp ? "FAILED" : "QUEUED");
                command.Parameters.AddWithValue("delay", delay);
                command.Parameters.AddWithValue("error", error);
                await command.ExecuteNonQueryAsync(CancellationToken.None);
            }
            CmsMetrics.CodeMessageAttemptsFailed.Add(1, new KeyValuePair<string, object?>("cms.channel", ChannelTag(message.Channel)),
                new KeyValuePair<string, object?>("cms.given_up", giveUp));
            logger.LogWarning("Code message {MessageId} not sent (attempt {Attempts}, {ExceptionType}); {Next}", id, message.Attempts,
                ex.GetType().Name, permanent ? "refused for good" : giveUp ? "given up" : $"retry in {delay.TotalSeconds:0} s");
            if (!giveUp) jobs.Schedule<CodeMessageSender>(s => s.SendAsync(id, CancellationToken.None), delay);
        }
    }

    private static string ChannelTag(DeliveryChannel channel) => channel == DeliveryChannel.Email ? "email" : "sms";

    /// <summary>The safety net: sends whatever is due and was never scheduled (a crash after commit) or whose sender died.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var due = new List<Guid>();
        var soon = new List<(Guid Id, TimeSpan In)>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var command = new NpgsqlCommand("""
            SELECT id, greatest(CASE WHEN status = 'QUEUED' THEN next_attempt_at ELSE lease_until END - now(), interval '0') AS wait
            FROM delivery.messages
            WHERE (status = 'QUEUED' AND next_attempt_at <= now() + interval '1 minute')
               OR (status = 'SENDING' AND lease_until <= now() + interval '1 minute')
            ORDER BY 2 LIMIT 1000
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var wait = reader.GetFieldValue<TimeSpan>(1);
                if (wait <= TimeSpan.Zero) due.Add(reader.GetGuid(0));
                else soon.Add((reader.GetGuid(0), wait));
            }
        }
        await SendManyAsync([.. due], cancellationToken);
        // Due before the next sweep, or held by a lease that may belong to a dead instance: look again then.
        foreach (var (id, wait) in soon) jobs.Schedule<CodeMessageSender>(s => s.SendAsync(id, CancellationToken.None), wait + TimeSpan.FromMilliseconds(200));
    }

    private sealed record Claimed(Guid Id, DeliveryChannel Channel, string Recipient, string MessageId, string KeyId, byte[] Ciphertext,
        DateTimeOffset CreatedAt, int Attempts);

    private async Task<List<Claimed>> ClaimAsync(Guid[] ids, int leaseSeconds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE delivery.messages SET status = 'SENDING', lease_until = now() + make_interval(secs => @lease), attempts = attempts + 1
            WHERE id = ANY(@ids) AND ((status = 'QUEUED' AND next_attempt_at <= now()) OR (status = 'SENDING' AND lease_until < now()))
              AND content_ciphertext IS NOT NULL
            RETURNING id, channel, recipient, message_id, key_id, content_ciphertext, created_at, attempts
            """, connection);
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("lease", (double)leaseSeconds);
        var claimed = new List<Claimed>(ids.Length);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            claimed.Add(new Claimed(reader.GetGuid(0), reader.GetString(1) == "SMS" ? DeliveryChannel.Sms : DeliveryChannel.Email, reader.GetString(2),
                reader.GetString(3), reader.GetString(4), (byte[])reader[5], reader.GetFieldValue<DateTimeOffset>(6), reader.GetInt32(7)));
        return claimed;
    }

    private async Task<TimeSpan?> NotDueForAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT next_attempt_at - now() FROM delivery.messages WHERE id = @id AND status = 'QUEUED' AND next_attempt_at > now()", connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is TimeSpan wait ? wait : null;
    }

    private async Task ExecuteAsync(string sql, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
        _ = cancellationToken;
    }
}

/// <summary>
/// Hands committed work to Hangfire right away (a sweep covers a crash before this runs). Hangfire's client is
/// synchronous: enqueueing on the request thread would block thread-pool threads under load, so the request only drops
/// the id in a queue and one background loop does the enqueueing, coalescing what arrived meanwhile into one job.
/// </summary>
public abstract class HangfireWakeups(ILogger logger, string what) : Microsoft.Extensions.Hosting.BackgroundService
{
    private readonly System.Threading.Channels.Channel<Guid> wakeups =
        System.Threading.Channels.Channel.CreateBounded<Guid>(new System.Threading.Channels.BoundedChannelOptions(100_000)
        {
            SingleReader = true,
            FullMode = System.Threading.Channels.BoundedChannelFullMode.DropWrite, // the sweep handles what is dropped
        });

    private const int MaxBatch = 100;

    protected void Wake(Guid id) => wakeups.Writer.TryWrite(id);

    /// <summary>Enqueues the job(s) for these ids (one alone when the counter is quiet).</summary>
    protected abstract void Hand(Guid[] ids);

    /// <summary>Hands what arrived meanwhile on; by default as a Hangfire job.</summary>
    protected virtual Task HandAsync(Guid[] ids)
    {
        Hand(ids);
        return Task.CompletedTask;
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

/// <summary>
/// Wakes the code-message sender after the commit. An instance that runs a Hangfire server sends right away, in this
/// loop: what arrived while the last batch was being sent is claimed in one statement and sent (decision 0022) — a Hangfire
/// job per wake-up cost PostgreSQL about as many statements and commits as the activation itself. An instance without a
/// server (<c>Hangfire:ServerEnabled=false</c>) hands the ids to Hangfire as a job for the instances that have one.
/// Retries and the sweep are Hangfire's either way.
/// </summary>
public sealed class HangfireDeliveryScheduler(
    IBackgroundJobClient jobs, IServiceScopeFactory scopes, IOptions<BackgroundJobOptions> backgroundJobs, ILogger<HangfireDeliveryScheduler> logger)
    : HangfireWakeups(logger, "code message(s)"), IDeliveryScheduler
{
    public void Schedule(Guid messageId) => Wake(messageId);

    protected override void Hand(Guid[] ids)
    {
        if (ids.Length == 1) jobs.Enqueue<CodeMessageSender>(s => s.SendAsync(ids[0], CancellationToken.None));
        else jobs.Enqueue<CodeMessageSender>(s => s.SendManyAsync(ids, CancellationToken.None));
    }

    protected override async Task HandAsync(Guid[] ids)
    {
        if (!backgroundJobs.Value.ServerEnabled)
        {
            Hand(ids);
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        // Not cancelled by the host's stop: a message being sent is finished and recorded; what is still queued is the sweep's.
        await scope.ServiceProvider.GetRequiredService<CodeMessageSender>().SendManyAsync(ids, CancellationToken.None);
    }
}
