namespace Cms.Api.Hosting;

/// <summary>
/// Work the first request would otherwise do, done while the instance is not yet ready (issue 29, cold start).
/// </summary>
public static class StartupWarmUp
{
    /// <summary>
    /// Makes every endpoint of <paramref name="app"/> once: each minimal API's request delegate (its parameter binding) and
    /// the JSON contracts of its body and answer, which the JSON options keep. The route table the first request builds makes
    /// them again, with the JIT's code and the contracts already there. A failure of endpoint building (an endpoint it cannot
    /// bind) is logged and left to that first request, which meets it all the same, as before.
    /// </summary>
    public static int Endpoints(IEndpointRouteBuilder app, ILogger logger)
    {
        var count = 0;
        try
        {
            foreach (var source in app.DataSources.ToList()) count += source.Endpoints.Count;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotSupportedException)
        {
            logger.LogWarning(e, "An endpoint could not be built at start-up; the first request will meet the same error");
        }
        return count;
    }
}
