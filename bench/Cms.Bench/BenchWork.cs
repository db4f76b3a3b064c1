namespace Cms.Bench;

/// <summary>
/// Where the benchmarks write their files: the generated feeds (whose lines carry synthetic PIN/PUK/CIP in clear, as the feed
/// format does), the API's key ring and pickup folder. Under the checkout's git-ignored <c>.data/bench</c> (bench/run.sh sets
/// CMS_BENCH_ROOT), readable by this user only — never a shared temporary folder.
/// </summary>
public static class BenchWork
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static string Folder(params string[] parts)
    {
        // The checkout: bench/run.sh names it; run by hand, it is five folders above bench/Cms.Bench/bin/<configuration>/<framework>/.
        var checkout = Environment.GetEnvironmentVariable("CMS_BENCH_ROOT") is { Length: > 0 } named
            ? named
            : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        var root = Path.Combine(checkout, ".data", "bench");
        var path = root;
        Create(path);
        foreach (var part in parts)
        {
            path = Path.Combine(path, part);
            Create(path);
        }
        return path;
    }

    private static void Create(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else
        {
            Directory.CreateDirectory(path, OwnerOnly);
            File.SetUnixFileMode(path, OwnerOnly); // also when an earlier run made it with the default mode
        }
    }
}
