using System.Globalization;

namespace Cms.Bench;

/// <summary>
/// What the benchmarks read from Linux's <c>/proc</c>: a process's resident memory and threads, the CPU time of a process,
/// of every process of a name (PostgreSQL's backends) and of the whole machine. CPU time per unit of work varies far less
/// from run to run than the rates on this shared two-core machine, so the benchmarks print both.
/// </summary>
public static class ProcFs
{
    /// <summary>Clock ticks per second of /proc's CPU times (USER_HZ, 100 on every Linux build .NET runs on).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>A field of <c>/proc/&lt;pid&gt;/status</c> as a number (VmRSS in KiB, Threads), or 0 when the process is gone.</summary>
    public static long Status(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                    return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
        }
        return 0;
    }

    /// <summary>User + system CPU time of one process so far.</summary>
    public static TimeSpan ProcessCpu(int pid) => Stat(pid) is { } s ? s.Cpu : TimeSpan.Zero;

    /// <summary>
    /// User + system CPU time so far of every live process whose name is <paramref name="comm"/>, with that of their children
    /// that have exited: PostgreSQL's backends of short connections (pgbench's) end before a window closes, and their time
    /// is then the postmaster's (its children's times).
    /// </summary>
    public static TimeSpan ProcessesCpu(string comm)
    {
        var total = TimeSpan.Zero;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } s && s.Comm == comm
                && (comm != "postgres" || Postmaster is not { } postmaster || pid == postmaster || s.Parent == postmaster))
                total += s.Cpu + s.ExitedChildren;
        return total;
    }

    /// <summary>
    /// When set (<see cref="FollowClusterAsync"/>), PostgreSQL's CPU time is that of this postmaster and its children only: other
    /// clusters on a shared machine (other checkouts' tests and benchmarks) stay out of the benchmark's figures.
    /// </summary>
    public static int? Postmaster { get; private set; }

    /// <summary>Counts only the cluster of <paramref name="dataSource"/> as PostgreSQL from now on (the parent of one of its backends).</summary>
    public static async Task FollowClusterAsync(Npgsql.NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_backend_pid()");
        var backend = (int)(await command.ExecuteScalarAsync())!;
        Postmaster = Stat(backend)?.Parent;
    }

    /// <summary>
    /// Bytes the benchmark's cluster (<see cref="FollowClusterAsync"/>: its postmaster and live children) had the storage read for it so
    /// far (<c>/proc/&lt;pid&gt;/io</c> read_bytes): what came from the disk, not from the OS's page cache.
    /// </summary>
    public static long ClusterReadBytes()
    {
        long total = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { Comm: "postgres" } s
                && (pid == Postmaster || s.Parent == Postmaster))
                try
                {
                    foreach (var line in File.ReadLines($"/proc/{pid}/io"))
                        if (line.StartsWith("read_bytes:", StringComparison.Ordinal))
                            total += long.Parse(line["read_bytes:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                }
        return total;
    }

    /// <summary>CPU time the whole machine spent busy so far (every core; idle and I/O wait excluded).</summary>
    public static TimeSpan MachineBusy()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal ...
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7];
        return TimeSpan.FromSeconds(busy / TicksPerSecond);
    }

    private static (string Comm, int Parent, TimeSpan Cpu, TimeSpan ExitedChildren)? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17): the name may hold spaces, so split after its closing parenthesis.
            var open = text.IndexOf('(');
            var close = text.LastIndexOf(')');
            var rest = text[(close + 2)..].Split(' ');
            var ticks = long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
            // cutime(16) cstime(17): children that have exited and been waited for.
            var children = long.Parse(rest[13], CultureInfo.InvariantCulture) + long.Parse(rest[14], CultureInfo.InvariantCulture);
            return (text[(open + 1)..close], int.Parse(rest[1], CultureInfo.InvariantCulture), TimeSpan.FromSeconds(ticks / TicksPerSecond), TimeSpan.FromSeconds(children / TicksPerSecond));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}

/// <summary>CPU time spent between its start and <see cref="Stop"/>: the machine's, one process's and PostgreSQL's.</summary>
public sealed class CpuWindow(int? pid)
{
    private readonly TimeSpan machine0 = ProcFs.MachineBusy(), postgres0 = ProcFs.ProcessesCpu("postgres"),
        process0 = pid is { } p ? ProcFs.ProcessCpu(p) : TimeSpan.Zero;

    public (TimeSpan Machine, TimeSpan Postgres, TimeSpan Process) Stop() => (ProcFs.MachineBusy() - machine0,
        ProcFs.ProcessesCpu("postgres") - postgres0, pid is { } p ? ProcFs.ProcessCpu(p) - process0 : TimeSpan.Zero);
}

/// <summary>A process's resident memory (VmRSS) sampled every second between its start and <see cref="StopAsync"/>: max and mean in MiB.</summary>
public sealed class RssWindow
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task<List<long>> sampling;

    public RssWindow(int pid) => sampling = Task.Run(async () =>
    {
        var samples = new List<long>();
        while (!stop.IsCancellationRequested)
        {
            samples.Add(ProcFs.Status(pid, "VmRSS"));
            try { await Task.Delay(TimeSpan.FromSeconds(1), stop.Token); } catch (OperationCanceledException) { }
        }
        samples.Add(ProcFs.Status(pid, "VmRSS"));
        return samples;
    });

    public async Task<(double MaxMiB, double MeanMiB, int Samples)> StopAsync()
    {
        await stop.CancelAsync();
        var samples = await sampling;
        stop.Dispose();
        return (samples.Max() / 1024.0, samples.Average() / 1024.0, samples.Count);
    }
}
