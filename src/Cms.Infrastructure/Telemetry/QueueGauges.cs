using System.Diagnostics.Metrics;
using Cms.Application.Common.Telemetry;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cms.Infrastructure.Telemetry;

/// <summary>
/// The gauge <c>cms.queue.items</c>: what waits in each of Cms's queues, read from the database at each export — code
/// messages and calls to the certification authority / FSE system waiting or given up, requests to peer regions waiting
/// for their answer, trail entries waiting for their place in the hash chain. A queue that only grows is the first sign of an
/// SMTP server, a gateway, a peer or the chainer in trouble.
/// </summary>
public sealed class QueueGauges
{
    private const string Query = """
        SELECT (SELECT count(*) FROM delivery.messages WHERE status IN ('QUEUED', 'SENDING')),
               (SELECT count(*) FROM delivery.messages WHERE status = 'FAILED'),
               (SELECT count(*) FROM outbound.calls WHERE status IN ('QUEUED', 'SENDING')),
               (SELECT count(*) FROM outbound.calls WHERE status = 'FAILED'),
               (SELECT count(*) FROM interop.requests WHERE status IN ('QUEUED', 'SENT')),
               (SELECT count(*) FROM audit.pending_entries)
        """;

    private static readonly (string Queue, string State)[] Series =
    [
        ("code_messages", "waiting"), ("code_messages", "failed"), ("outbound_calls", "waiting"), ("outbound_calls", "failed"),
        ("interop_requests", "waiting"), ("audit_chain", "waiting"),
    ];

    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger<QueueGauges> logger;
    private bool failing;

    public QueueGauges(IMeterFactory meters, NpgsqlDataSource dataSource, ILogger<QueueGauges> logger)
    {
        this.dataSource = dataSource;
        this.logger = logger;
        meters.Create(CmsMetrics.MeterName).CreateObservableGauge("cms.queue.items", Observe, "{item}",
            "Items in each queue (cms.queue) by state (cms.state: waiting, failed).");
    }

    private IEnumerable<Measurement<long>> Observe()
    {
        var counts = new long[Series.Length];
        try
        {
            using var connection = dataSource.OpenConnection();
            using var command = new NpgsqlCommand(Query, connection) { CommandTimeout = 5 };
            using var reader = command.ExecuteReader();
            reader.Read();
            for (var i = 0; i < counts.Length; i++) counts[i] = reader.GetInt64(i);
            failing = false;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The database may be away: no reading this time rather than a wrong one. The type only: never values.
            if (!failing) logger.LogWarning("Queue gauges not read ({ExceptionType})", e.GetType().Name);
            failing = true;
            return [];
        }
        return Series.Select((s, i) => new Measurement<long>(counts[i],
            new KeyValuePair<string, object?>("cms.queue", s.Queue), new KeyValuePair<string, object?>("cms.state", s.State)));
    }
}
