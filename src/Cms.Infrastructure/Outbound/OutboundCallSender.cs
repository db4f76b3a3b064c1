using System.Text;
using Cms.Application.Outbound;
using Cms.Infrastructure.Delivery;
using Cms.Infrastructure.Outbox;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Outbound;

/// <summary>Section <c>Integrations</c>: the external systems called after an operation, and how long they are retried.</summary>
public sealed class IntegrationOptions : IOutboxSettings
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
/// Makes the queued calls of the outbox <c>outbound.calls</c> through the outbox engine (<see cref="OutboxSender{TSelf,T}"/>):
/// claimed with a lease (of several instances one calls), marked SENT after a 2xx. The call carries its id as
/// <c>Idempotency-Key</c>, so a repeat after a crash between the peer's answer and our mark is recognised by the peer. 5xx, 408,
/// 429 and network failures are retried with back-off for RetryForHours; another 4xx is a refusal and marks the call FAILED at
/// once; so does a call's <see cref="IOutboundCallPrecondition"/> that no longer holds.
/// </summary>
public sealed class OutboundCallSender(
    NpgsqlDataSource dataSource, IHttpClientFactory http, IOptions<IntegrationOptions> options, IBackgroundJobClient jobs,
    IEnumerable<IOutboundCallPrecondition> preconditions, ILogger<OutboundCallSender> logger)
    : OutboxSender<OutboundCallSender, OutboundCallSender.Call>(dataSource, Table, options.Value, jobs)
{
    private static readonly OutboxTable Table = new()
    {
        Name = "outbound.calls",
        DoneAt = "sent_at",
        Columns = "target, kind, payload::text",
    };

    /// <summary>A claimed call's own columns.</summary>
    public sealed record Call(string Target, string Kind, string Payload);

    protected override Call Read(NpgsqlDataReader reader)
    {
        const int first = OutboxItem<Call>.FirstColumn;
        return new Call(reader.GetString(first), reader.GetString(first + 1), reader.GetString(first + 2));
    }

    protected override async Task<OutboxResult> DeliverAsync(OutboxItem<Call> item, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var call = item.Value;
        // A call that no longer holds (its card revoked while it waited) is given up, never sent.
        if (preconditions.FirstOrDefault(p => p.Kind == call.Kind) is { } precondition
            && await precondition.RefusalAsync(call.Payload, cancellationToken) is { } refusal)
            return OutboxResult.Failed(refusal, permanent: true);
        var endpoint = call.Target == "FSE" ? o.Fse : o.CertificationAuthority;
        if (string.IsNullOrEmpty(endpoint.Url))
        {
            await WritePickupAsync(item, o, cancellationToken);
            return OutboxResult.Done;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(call.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", item.Id.ToString());
        request.Headers.Add("X-Cms-Call-Kind", call.Kind);
        if (!string.IsNullOrEmpty(endpoint.ApiKey)) request.Headers.Add(endpoint.ApiKeyHeader, endpoint.ApiKey);
        using var response = await http.CreateClient("outbound").SendAsync(request, cancellationToken);
        return response.IsSuccessStatusCode ? OutboxResult.Done
            : OutboxResult.Failed(SendFailures.Describe(response), SendFailures.IsRefusal(response.StatusCode));
    }

    protected override void Delivered(OutboxItem<Call> item) =>
        logger.LogInformation("Outbound call {CallId} ({Target} {Kind}) done after {Attempts} attempt(s)", item.Id, item.Value.Target, item.Value.Kind,
            item.Attempts);

    protected override void NotDelivered(OutboxItem<Call> item, OutboxResult result, bool givenUp, string next) =>
        logger.LogWarning("Outbound call {CallId} ({Target} {Kind}) not done (attempt {Attempts}, {Error}); {Next}", item.Id, item.Value.Target,
            item.Value.Kind, item.Attempts, result.Error, next);

    private static async Task WritePickupAsync(OutboxItem<Call> item, IntegrationOptions o, CancellationToken cancellationToken)
    {
        var call = item.Value;
        var folder = o.PickupFolder ?? throw new InvalidOperationException(
            $"Integrations:{(call.Target == "FSE" ? "Fse" : "CertificationAuthority")}:Url is not configured (nor Integrations:PickupFolder).");
        var dir = Path.Combine(folder, call.Target.ToLowerInvariant());
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"{call.Kind.ToLowerInvariant()}-{item.Since:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, call.Payload, cancellationToken);
    }
}
