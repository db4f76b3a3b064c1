using Cms.Application.Common.Telemetry;
using Cms.Infrastructure.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Cms.Api.Hosting;

/// <summary>
/// Metrics over OTLP, with the standard OpenTelemetry settings (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>,
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_METRIC_EXPORT_INTERVAL</c>, …; docs/production.md): HTTP server and client,
/// Kestrel, the runtime, Npgsql's pool and commands, and Cms's own (use cases by outcome, code messages, queues). Nothing is
/// registered without an endpoint. Metrics only: their attributes are route templates and names, never a card number, a
/// codice fiscale or a code (a trace's URL would carry them).
/// </summary>
public static class Telemetry
{
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static bool AddCmsTelemetry(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointSetting])) return false;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("cms-api", serviceInstanceId: Environment.MachineName))
            .WithMetrics(m => m
                .AddMeter(CmsMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                    "Microsoft.AspNetCore.RateLimiting", "System.Net.Http", "System.Runtime", "Npgsql")
                .AddOtlpExporter());
        return true;
    }

    /// <summary>Creates the instruments that are read from the database at each export.</summary>
    public static void StartCmsTelemetry(this WebApplication app) => app.Services.GetRequiredService<QueueGauges>();
}
