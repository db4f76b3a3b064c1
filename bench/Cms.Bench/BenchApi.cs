using System.Diagnostics;

namespace Cms.Bench;

internal static class BenchApi
{
    /// <summary>
    /// How a benchmark starts the API: Production settings, Warning logs, the benchmark's own <paramref name="settings"/>,
    /// then any CMS_BENCH_API_&lt;Setting&gt; of the environment (e.g. CMS_BENCH_API_Hangfire__ServerEnabled=false), which win.
    /// Started from its own folder, as the Docker image runs it: from the repository's root its configuration watcher would
    /// follow every write of the cluster's data folder (.data/pg), a few percent of the API's CPU under load.
    /// </summary>
    public static ProcessStartInfo StartInfo(string apiDll, string url, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet", [apiDll, "--urls", url])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(apiDll))!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // The bench database is made by the bench itself: the API migrates it as its owner, one role for all (decision 0029).
        start.Environment["Database__MigrateOnStartup"] = "true";
        foreach (var (name, value) in settings) start.Environment[name] = value;
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string k && k.StartsWith("CMS_BENCH_API_", StringComparison.Ordinal)) start.Environment[k["CMS_BENCH_API_".Length..]] = (string?)e.Value;
        return start;
    }
}
