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

/// <summary>The answer of GET /status when the service is up (AgID ModI): <c>{"status":"UP"}</c>.</summary>
public sealed record ServiceStatus(string Status);
