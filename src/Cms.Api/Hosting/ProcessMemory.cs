using System.Transactions;

namespace Cms.Api.Hosting;

/// <summary>
/// Process-wide settings that keep a long-running API's memory flat (decision 0021), applied once at start.
/// <para>System.Transactions' timeouts are switched off. Hangfire.PostgreSql wraps every write of its own (a job created, a
/// state changed) in a <see cref="TransactionScope"/> with the default (1 minute) or maximum (10 minutes) timeout. Each
/// such transaction is filed in System.Transactions' timeout table, which opens a new set of buckets (an 8 KiB array) for
/// every tick of its timer and keeps it until that timeout has passed: about half a megabyte a minute that always outlives
/// the young generations and piles up in generation 2 until a full collection, which at a steady load may not come for
/// half an hour. With no timeout the transactions never enter that table. Cms opens no TransactionScope of its own;
/// Hangfire's statements keep their command timeout.</para>
/// <para>The other half of decision 0021, glibc's malloc arenas, must be set before the process starts
/// (<c>MALLOC_ARENA_MAX=2</c> in the environment: the Docker image, <c>scripts/run.sh</c>, the benchmarks).</para>
/// </summary>
public static class ProcessMemory
{
    /// <summary>Sets static values only, so running it again (a second host in one process) changes nothing.</summary>
    public static void Apply()
    {
        // MaximumTimeout first: while it is finite, a zero DefaultTimeout would be read as the maximum.
        TransactionManager.MaximumTimeout = TimeSpan.Zero;
        TransactionManager.DefaultTimeout = TimeSpan.Zero;
    }
}
