using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cms.Bench;

internal static class BenchApi
{
    /// <summary>
    /// The loopback URL a benchmark starts its API on: <paramref name="defaultPort"/>, or CMS_BENCH_API_PORT when set (two
    /// checkouts benchmarking side by side on one machine).
    /// </summary>
    public static string Url(int defaultPort) =>
        $"http://127.0.0.1:{(int.TryParse(Environment.GetEnvironmentVariable("CMS_BENCH_API_PORT"), out var port) ? port : defaultPort)}";

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

    /// <summary>Signs in and gives the access token; a refusal throws with the API's answer.</summary>
    public static async Task<string> TokenAsync(HttpClient http, string cf, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = cf, password });
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"sign-in of {cf}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    /// <summary>POSTs a JSON body with the token (the set-up's calls: counters, operators); a refusal throws with the API's answer.</summary>
    public static async Task PostAsync(HttpClient http, string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Waits for <c>/health/ready</c>; fails at once when <paramref name="api"/> has exited.</summary>
    public static async Task WaitReadyAsync(HttpClient http, Process? api = null, int seconds = 120)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (api is { HasExited: true }) throw new InvalidOperationException($"the API at {http.BaseAddress} exited with {api.ExitCode}");
            try
            {
                using var ready = await http.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"the API at {http.BaseAddress} did not get ready in {seconds} s");
    }
}
