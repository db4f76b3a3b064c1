using Cms.Infrastructure.Delivery;
using System.Text;
using Cms.Application.Common.Outbound;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Outbound;

/// <summary>Section <c>Integrations</c>: the external systems called after an operation, and how long they are retried.</summary>
public sealed class IntegrationOptions
{
    public const string Section = "Integrations";
    public EndpointOptions CertificationAuthority { get; set; } = new();
    public EndpointOptions Fse { get; set; } = new();
    /// <summary>When an endpoint has no URL, its calls are written here as JSON files (the run command's default).</summary>
    public string? PickupFolder { get; set; }
    public int RetryForHours { get; set; } = 48;
    public int RetryBaseSeconds { get; set; } = 30;
    public int RetryMaxSeconds { get; set; } = 3600;
    public int LeaseSeconds { get; set; } = 60;
    public int TimeoutSeconds { get; set; } = 20;
    public string SweepCron { get; set; } = "* * * * *";
}

/// <summary>One external endpoint: a JSON POST with an API key header.</summary>
public sealed class EndpointOptions
{
    public string? Url { get; set; }
    public string? ApiKey { get; set; }
    public string ApiKeyHeader { get; set; } = "X-Api-Key";
}

/// <summary>
/// Makes one queued call. Claimed with a lease by a conditional UPDATE (of several instances one calls); marked SENT after
/// a 2xx. The call carries its id as <c>Idempotency-Key</c>, so a repeat after a crash between the peer's answer and our
/// mark is recognised by the peer. 5xx, 408, 429 and network failures are retried with back-off for RetryForHours;
/// another 4xx is a refusal and marks the call FAILED at once; so does a call's <see cref="IOutboundCallPrecondition"/> that no longer holds.
/// </summary>
public sealed class OutboundCallSender(
    NpgsqlDataSource dataSource, IHttpClientFactory http, IOptions<IntegrationOptions> options, IBackgroundJobClient jobs,
    IEnumerable<IOutboundCallPrecondition> preconditions, ILogger<OutboundCallSender> logger)
{
    [AutomaticRetry(Attempts = 0)]
    public async Task SendAsync(Guid id, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var call = await ClaimAsync(id, o.LeaseSeconds, cancellationToken);
        if (call is null)
        {
            // Done, given up, or held by another instance: nothing to do. Woken a little early: come back when it is due.
            if (await NotDueForAsync(id, cancellationToken) is { } wait)
                jobs.Schedule<OutboundCallSender>(s => s.SendAsync(id, CancellationToken.None), wait + TimeSpan.FromMilliseconds(200));
            return;
        }
        var endpoint = call.Target == "FSE" ? o.Fse : o.CertificationAuthority;
        string? error = null;
        var permanent = false;
        try
        {
            // A call that no longer holds (its card revoked while it waited) is given up, never sent.
            if (preconditions.FirstOrDefault(p => p.Kind == call.Kind) is { } precondition
                && await precondition.RefusalAsync(call.Payload, cancellationToken) is { } refusal)
            {
                error = refusal;
                permanent = true;
            }
            else if (string.IsNullOrEmpty(endpoint.Url)) await WritePickupAsync(call, o, cancellationToken);
            else
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
                {
                    Content = new StringContent(call.Payload, Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("Idempotency-Key", id.ToString());
                request.Headers.Add("X-Cms-Call-Kind", call.Kind);
                if (!string.IsNullOrEmpty(endpoint.ApiKey)) request.Headers.Add(endpoint.ApiKeyHeader, endpoint.ApiKey);
                using var response = await http.CreateClient("outbound").SendAsync(request, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    error = SendFailures.Describe(response);
                    permanent = SendFailures.IsRefusal(response.StatusCode);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = SendFailures.Describe(ex);
        }

        if (error is null)
        {
            await ExecuteAsync("UPDATE outbound.calls SET status = 'SENT', sent_at = now(), lease_until = NULL, last_error = NULL WHERE id = @id AND status = 'SENDING'",
                id, null, null, null);
            logger.LogInformation("Outbound call {CallId} ({Target} {Kind}) done after {Attempts} attempt(s)", id, call.Target, call.Kind, call.Attempts);
            return;
        }
        var delay = TimeSpan.FromSeconds(Math.Min(o.RetryBaseSeconds * Math.Pow(2, Math.Max(call.Attempts - 1, 0)), o.RetryMaxSeconds));
        var giveUp = permanent || DateTimeOffset.UtcNow - call.CreatedAt > TimeSpan.FromHours(o.RetryForHours);
        await ExecuteAsync("""
            UPDATE outbound.calls SET status = @status, next_attempt_at = now() + @delay, lease_until = NULL, last_error = @error
            WHERE id = @id AND status = 'SENDING'
            """, id, giveUp ? "FAILED" : "QUEUED", delay, error);
        logger.LogWarning("Outbound call {CallId} ({Target} {Kind}) not done (attempt {Attempts}, {Error}); {Next}", id, call.Target, call.Kind,
            call.Attempts, error, giveUp ? "given up" : $"retry in {delay.TotalSeconds:0} s");
        if (!giveUp) jobs.Schedule<OutboundCallSender>(s => s.SendAsync(id, CancellationToken.None), delay);
    }

    [AutomaticRetry(Attempts = 0)]
    public async Task SendManyAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        foreach (var id in ids) await SendAsync(id, cancellationToken);
    }

    /// <summary>The safety net: makes every call that is due and was never scheduled, or whose caller died holding it.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var due = new List<Guid>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var command = new NpgsqlCommand("""
            SELECT id FROM outbound.calls
            WHERE (status = 'QUEUED' AND next_attempt_at <= now()) OR (status = 'SENDING' AND lease_until < now())
            ORDER BY next_attempt_at LIMIT 500
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) due.Add(reader.GetGuid(0));
        foreach (var id in due) await SendAsync(id, cancellationToken);
    }

    private sealed record Claimed(string Target, string Kind, string Payload, DateTimeOffset CreatedAt, int Attempts);

    private async Task<Claimed?> ClaimAsync(Guid id, int leaseSeconds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE outbound.calls SET status = 'SENDING', lease_until = now() + make_interval(secs => @lease), attempts = attempts + 1
            WHERE id = @id AND ((status = 'QUEUED' AND next_attempt_at <= now()) OR (status = 'SENDING' AND lease_until < now()))
            RETURNING target, kind, payload::text, created_at, attempts
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("lease", (double)leaseSeconds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new Claimed(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt32(4));
    }

    private async Task<TimeSpan?> NotDueForAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT next_attempt_at - now() FROM outbound.calls WHERE id = @id AND status = 'QUEUED' AND next_attempt_at > now()", connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is TimeSpan wait ? wait : null;
    }

    private static async Task WritePickupAsync(Claimed call, IntegrationOptions o, CancellationToken cancellationToken)
    {
        var folder = o.PickupFolder ?? throw new InvalidOperationException(
            $"Integrations:{(call.Target == "FSE" ? "Fse" : "CertificationAuthority")}:Url is not configured (nor Integrations:PickupFolder).");
        var dir = Path.Combine(folder, call.Target.ToLowerInvariant());
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{call.Kind.ToLowerInvariant()}-{call.CreatedAt:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, call.Payload, cancellationToken);
    }

    private async Task ExecuteAsync(string sql, Guid id, string? status, TimeSpan? delay, string? error)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        if (status is not null) command.Parameters.AddWithValue("status", status);
        if (delay is not null) command.Parameters.AddWithValue("delay", delay.Value);
        if (error is not null) command.Parameters.AddWithValue("error", error.Length > 500 ? error[..500] : error);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }
}

/// <summary>Wakes the outbound caller after the commit.</summary>
public sealed class HangfireOutboundScheduler(IBackgroundJobClient jobs, ILogger<HangfireOutboundScheduler> logger)
    : Delivery.HangfireWakeups(logger, "outbound call(s)"), IOutboundScheduler
{
    public void Schedule(Guid callId) => Wake(callId);

    protected override void Hand(Guid[] ids)
    {
        if (ids.Length == 1) jobs.Enqueue<OutboundCallSender>(s => s.SendAsync(ids[0], CancellationToken.None));
        else jobs.Enqueue<OutboundCallSender>(s => s.SendManyAsync(ids, CancellationToken.None));
    }
}
