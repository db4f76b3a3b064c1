using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Cms.Bench;

/// <summary>
/// Issue 29, item 3: the API's cold start — from starting the process to the first <c>200</c> of <c>/health/ready</c> — on a
/// database already migrated (the first start migrates an empty one, as an instance started with <c>--migrate</c>, and is not
/// counted), over several starts, with the process's resident memory and CPU time once ready. The counted starts run as
/// production's instances do (docs/production.md, decision 0029): the migration step is a step of its own, so they start with
/// <c>Database:MigrateOnStartup=false</c>. <c>CMS_API_DLL</c> is the API as <c>bench/run.sh cold-start</c> publishes it (the
/// Docker image's <c>dotnet publish</c>). Goal: the median start at most 3 s; the program exits 1 when it is missed.
/// </summary>
public static class ColdStartBenchmark
{
    private const double GoalSeconds = 3.0;

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
        var connectionString = Environment.GetEnvironmentVariable("CMS_BENCH_CONNECTION")!;
        var apiDll = Environment.GetEnvironmentVariable("CMS_API_DLL")!;
        var work = BenchWork.Folder();
        await using (var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build())
            await BenchDatabase.DropEverythingAsync(dataSource);

        var url = BenchApi.Url(5097);
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Cms"] = connectionString,
            ["CodeEncryption__ActiveKeyId"] = "bench",
            ["CodeEncryption__Keys__bench"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Jwt__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Bootstrap__AdminCodiceFiscale"] = "SCRMNS80A01D612M",
            ["Bootstrap__AdminPassword"] = "Bench-Admin-Pwd-1",
            ["Delivery__PickupFolder"] = Path.Combine(work, "pickup"),
            ["MALLOC_ARENA_MAX"] = "2",
        };
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };

        Console.WriteLine($"API: {apiDll}; load average before: {LoadAverage()}");
        // The first start migrates the empty database (and makes the administrator): not a cold start on a migrated database.
        var (first, _, _) = await StartAsync(apiDll, url, new Dictionary<string, string>(settings) { ["Database__MigrateOnStartup"] = "true" }, http);
        Console.WriteLine($"first start (migrating an empty database): {first.TotalSeconds:0.00} s");
        // Production's instances do not migrate (the migration step runs before them, as the owner): neither do the counted starts.
        settings["Database__MigrateOnStartup"] = "false";

        var times = new List<double>();
        var memory = new List<long>();
        var cpu = new List<double>();
        for (var run = 1; run <= runs; run++)
        {
            var (elapsed, rssKiB, cpuTime) = await StartAsync(apiDll, url, settings, http);
            times.Add(elapsed.TotalSeconds);
            memory.Add(rssKiB);
            cpu.Add(cpuTime.TotalSeconds);
            Console.WriteLine($"start {run}: ready in {elapsed.TotalSeconds:0.00} s, CPU {cpuTime.TotalSeconds:0.00} s, resident memory {rssKiB / 1024.0:0} MB");
        }
        times.Sort();
        var median = times[times.Count / 2];
        Console.WriteLine($"cold start to /health/ready on a migrated database: median {median:0.00} s, min {times[0]:0.00} s, " +
            $"max {times[^1]:0.00} s over {runs} starts; the API's CPU time until ready: median {cpu.Order().ElementAt(cpu.Count / 2):0.00} s; " +
            $"resident memory when ready: median {memory.Order().ElementAt(memory.Count / 2) / 1024.0:0} MB; load average after: {LoadAverage()}");
        var met = median <= GoalSeconds;
        Console.WriteLine($"goal: median at most {GoalSeconds:0.0} s — {(met ? "met" : "MISSED")}");
        return met ? 0 : 1;
    }

    /// <summary>The machine's load average over 1, 5 and 15 minutes (this machine's two cores are shared).</summary>
    private static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>Starts the API, waits for /health/ready (polled every 20 ms), reads its resident memory and CPU time, stops it.</summary>
    private static async Task<(TimeSpan Elapsed, long RssKiB, TimeSpan Cpu)> StartAsync(string apiDll, string url, IReadOnlyDictionary<string, string> settings,
        HttpClient http)
    {
        var clock = Stopwatch.StartNew();
        using var api = Process.Start(BenchApi.StartInfo(apiDll, url, settings))!;
        api.OutputDataReceived += (_, _) => { };
        api.ErrorDataReceived += (_, e) => { if (e.Data is not null && e.Data.Contains("fail", StringComparison.Ordinal)) Console.Error.WriteLine(e.Data); };
        api.BeginOutputReadLine();
        api.BeginErrorReadLine();
        try
        {
            while (true)
            {
                if (api.HasExited) throw new InvalidOperationException($"the API exited with {api.ExitCode}");
                if (clock.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException("the API did not get ready in 2 minutes");
                try
                {
                    using var ready = await http.GetAsync("/health/ready");
                    if (ready.IsSuccessStatusCode) break;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
                await Task.Delay(20);
            }
            var elapsed = clock.Elapsed;
            return (elapsed, ProcFs.Status(api.Id, "VmRSS"), ProcFs.ProcessCpu(api.Id));
        }
        finally
        {
            // SIGTERM: the graceful stop a region's service manager gives; SIGKILL if it does not end in 30 s.
            if (!api.HasExited)
            {
                Process.Start("kill", ["-TERM", api.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
                if (!api.WaitForExit(30_000)) api.Kill(entireProcessTree: true);
            }
        }
    }
}
