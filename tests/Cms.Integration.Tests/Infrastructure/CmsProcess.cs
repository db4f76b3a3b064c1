using System.Diagnostics;
using System.Net.Http.Json;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>The API as a real, separate process (dotnet Cms.Api.dll), which a test can kill with SIGKILL.</summary>
public sealed class CmsProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> output;

    private CmsProcess(Process process, string url, System.Collections.Concurrent.ConcurrentQueue<string> output)
    {
        this.process = process;
        this.output = output;
        Url = url;
        Client = new HttpClient(new ContractValidatingHandler(new HttpClientHandler())) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Url { get; }
    public HttpClient Client { get; }
    /// <summary>Every line the process wrote so far (standard output and error).</summary>
    public IReadOnlyList<string> Output => output.ToArray();

    /// <summary>A new client of this process, signed in with the operator's password.</summary>
    public async Task<HttpClient> SignInAsync(string codiceFiscale, string password)
    {
        var client = new HttpClient(new ContractValidatingHandler(new HttpClientHandler())) { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale, password });
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"sign-in answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var token = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return client;
    }

    /// <summary>
    /// Starts the API and expects it to refuse to start (settings it must not run with): its exit code and everything it wrote.
    /// Fails when it becomes ready instead. <c>ASPNETCORE_ENVIRONMENT</c> in <paramref name="settings"/> replaces Testing.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> StartExpectingRefusalAsync(CmsFactory factory, int smtpPort, IDictionary<string, string> settings)
    {
        var (process, url, lines) = Launch(factory, smtpPort, settings, null);
        using (process)
        using (var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) })
        {
            var until = DateTime.UtcNow.AddSeconds(60);
            while (!process.HasExited && DateTime.UtcNow < until)
            {
                try
                {
                    if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
                    {
                        process.Kill(entireProcessTree: true);
                        throw new InvalidOperationException("Cms.Api started although it should have refused to.");
                    }
                }
                catch (HttpRequestException) { }
                await Task.Delay(200);
            }
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("Cms.Api neither started nor exited.");
            }
            process.WaitForExit(); // drains the output
            return (process.ExitCode, string.Join("\n", lines));
        }
    }

    /// <summary>
    /// The demo population of a process started with the demo data: enough holders of every kind (minors, every health
    /// authority, expired and revoked cards) for the tests, few enough that seeding them does not dominate the start.
    /// </summary>
    public const int DemoHolders = 400;

    public static async Task<CmsProcess> StartAsync(CmsFactory factory, int smtpPort, IDictionary<string, string>? settings = null, string? url = null)
    {
        var (process, actualUrl, lines) = Launch(factory, smtpPort, settings, url);
        var cms = new CmsProcess(process, actualUrl, lines);
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"Cms.Api exited with {process.ExitCode}: {string.Join("\n", lines.TakeLast(20))}");
            try
            {
                if ((await cms.Client.GetAsync("/health/ready")).IsSuccessStatusCode) return cms;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException("Cms.Api did not become ready.");
    }

    private static (Process Process, string Url, System.Collections.Concurrent.ConcurrentQueue<string> Lines) Launch(
        CmsFactory factory, int smtpPort, IDictionary<string, string>? settings, string? url)
    {
        url ??= $"http://127.0.0.1:{FakeSmsGateway.FreePort()}";
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Cms.Api.dll"), "--urls", url])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Testing";
        env["ConnectionStrings__Cms"] = factory.RuntimeConnectionString;
        env["CodeEncryption__ActiveKeyId"] = "test-1";
        env["CodeEncryption__Keys__test-1"] = factory.CodeKey;
        env["Jwt__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        SecretLedger.Register("token signing key of a process", env["Jwt__SigningKey"]);
        env["Database__MigrateOnStartup"] = "false";
        env["DemoData__Enabled"] = "false";
        env["DemoData__Holders"] = DemoHolders.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["Smtp__Host"] = "127.0.0.1";
        env["Smtp__Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["Smtp__Security"] = "None";
        env["Smtp__TimeoutSeconds"] = "60";
        env["Hangfire__SchedulePollingSeconds"] = "1";
        env["Delivery__RetryBaseSeconds"] = "1";
        env["Delivery__LeaseSeconds"] = "3";
        env["Hardening__SignIn__PermitLimit"] = "1000000";
        env["Hardening__CipVerification__PermitLimit"] = "1000000";
        env["Hardening__InboundInterop__PermitLimit"] = "1000000";
        // The recipient proof (a region policy, on by default) has its own tests, which turn it on; the other flows go without it.
        env["Cms__RecipientProof__Required"] = "false";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) env[key] = value;
        // The ModI profile (decision 0059): each process signs as its region, and names the address peers call it at.
        var region = env.TryGetValue("Cms__Region", out var r) && r is not null ? r : "090";
        foreach (var (key, value) in RegionPki.For(region).Settings(url)) env.TryAdd(key, value);
        // CMS_TEST_PROCESS_LOG=<folder>: each line stamped with its time.
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CMS_TEST_PROCESS_LOG"))) env["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ";
        var process = Process.Start(start)!;
        // CMS_TEST_PROCESS_LOG=<folder>: each process's output in a file there (for a failing test's post-mortem).
        var logFolder = Environment.GetEnvironmentVariable("CMS_TEST_PROCESS_LOG");
        StreamWriter? log = null;
        if (!string.IsNullOrEmpty(logFolder))
        {
            Directory.CreateDirectory(logFolder);
            log = new StreamWriter(Path.Combine(logFolder, $"cms-{new Uri(url).Port}-{DateTime.UtcNow:HHmmssfff}.log")) { AutoFlush = true };
        }
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (process) log?.WriteLine(e.Data); lines.Enqueue(e.Data); SecretLedger.Log(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (process) log?.WriteLine(e.Data); lines.Enqueue(e.Data); SecretLedger.Log(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, url, lines);
    }

    /// <summary>SIGKILL: no shutdown, no flush, exactly like a crash.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }

    /// <summary>
    /// A graceful stop (SIGTERM, as a service manager would): the process releases what it holds — Hangfire's locks among
    /// them — so that the next host starting on the same database does not wait for them to expire. SIGKILL after 10 s.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited && !OperatingSystem.IsWindows())
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await term.WaitForExitAsync();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        if (!process.HasExited) Kill();
        Client.Dispose();
        process.Dispose();
        await Task.CompletedTask;
    }
}
