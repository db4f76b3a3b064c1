using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cms.Api.Endpoints;

public static class HealthEndpoints
{
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous().ExcludeFromDescription();

        // Which instance answered and which holds the singletons' lease (decision 0054): for the balancer's operator and the tests.
        // Names only, no secrets; outside the contract like the other health endpoints.
        app.MapGet("/health/lease", async (Cms.Application.Common.Abstractions.ILeaseStatus lease, CancellationToken ct) =>
            {
                string? holder;
                try
                {
                    holder = await lease.HolderAsync(ct);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
                {
                    return Results.Json(new LeaseStatus(lease.InstanceName, lease.Held, null), statusCode: StatusCodes.Status503ServiceUnavailable);
                }
                return Results.Json(new LeaseStatus(lease.InstanceName, lease.Held, holder));
            })
            .AllowAnonymous().ExcludeFromDescription();

        app.MapGet("/status", async (HealthCheckService health, CancellationToken ct) =>
            {
                var report = await health.CheckHealthAsync(c => c.Tags.Contains("ready"), ct);
                return report.Status == HealthStatus.Healthy
                    ? Results.Json(new ServiceStatus("UP"))
                    : Results.Problem(new ProblemDetails
                    {
                        Type = "urn:cms:problem:service-unavailable",
                        Title = "Servizio non disponibile",
                        Status = StatusCodes.Status503ServiceUnavailable,
                        Detail = "Il database non risponde.",
                    });
            })
            .AllowAnonymous()
            .WithTags("Stato")
            .WithName("getStatus")
            .WithSummary("Stato del servizio")
            .Produces<ServiceStatus>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}

/// <summary>The answer of GET /health/lease: this instance, whether it holds the singletons' lease, and who does (null: nobody now).</summary>
public sealed record LeaseStatus(string Instance, bool HoldsLease, string? Holder);

/// <summary>The answer of GET /status when the service is up (AgID ModI): <c>{"status":"UP"}</c>.</summary>
public sealed record ServiceStatus(string Status);
