using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Cms.Bench;

/// <summary>
/// The trail's reads that grow with it and its write cost (issue 29, item 4), for the reports benchmark: a card's history, a
/// person's access report (GDPR art. 15), the auditor's listing (first page of a day, of a counter's month), each through the
/// API beside its statements straight on the cluster (the query, the read's own trail entry, the commit — as the API sends
/// them, decision 0023); and entries written and chained on this trail.
/// </summary>
internal static class TrailReads
{
    public const int Samples = 100;

    public sealed record Read(string Name, string Goal, double GoalP95, List<double> Api, List<double> Sql);

    /// <summary>The cards of the sampled holders, in the registry (the history reads the card first).</summary>
    public static async Task AddCardsAsync(NpgsqlDataSource dataSource, IEnumerable<int> holders)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        foreach (var h in holders)
        {
            await using var q = new NpgsqlCommand("""
                INSERT INTO identification.cards (card_number, holder_codice_fiscale, expiry_date, issuer_region, state)
                VALUES (@card, @cf, date '2030-12-31', '090', 'ACTIVE') ON CONFLICT DO NOTHING
                """, c);
            q.Parameters.AddWithValue("card", TrailSeed.CardOf(h));
            q.Parameters.AddWithValue("cf", TrailSeed.HolderCf(h));
            await q.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Times <paramref name="api"/> and <paramref name="sql"/> on each sample, the first of the two alternating (at a
    /// size beyond the memory's cache, whichever goes first reads the pages from disk).</summary>
    public static async Task<Read> MeasureAsync<T>(string name, string goal, double goalP95, IReadOnlyList<T> samples, Func<T, Task> api, Func<T, Task> sql)
    {
        var apiTimes = new List<double>();
        var sqlTimes = new List<double>();
        for (var i = 0; i < samples.Count; i++)
        {
            var sw = Stopwatch.StartNew();
            if (i % 2 == 0)
            {
                await api(samples[i]);
                apiTimes.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                await sql(samples[i]);
                sqlTimes.Add(sw.Elapsed.TotalMilliseconds);
            }
            else
            {
                await sql(samples[i]);
                sqlTimes.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                await api(samples[i]);
                apiTimes.Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        return new Read(name, goal, goalP95, apiTimes, sqlTimes);
    }

    /// <summary>A read's query straight on the cluster, then the read's own trail entry and the commit, in one transaction.</summary>
    public static async Task<int> QueryRecordedAsync(NpgsqlDataSource dataSource, string sql, params (string Name, object Value)[] parameters)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await using var transaction = await c.BeginTransactionAsync();
        await using var q = new NpgsqlCommand(sql, c, transaction) { CommandTimeout = 600 };
        foreach (var (n, v) in parameters) q.Parameters.AddWithValue(n, v);
        var rows = 0;
        await using (var r = await q.ExecuteReaderAsync())
            while (await r.ReadAsync()) rows++;
        await using var entry = new NpgsqlCommand("""
            INSERT INTO audit.operations (id, occurred_at, type, outcome, operator_id, operator_codice_fiscale, region, detail)
            VALUES (@id, now(), 'AUDIT_CONSULTATION', 'SUCCEEDED', md5('auditor')::uuid, 'BENCH', '090', 'trail read (bench)')
            """, c, transaction);
        entry.Parameters.AddWithValue("id", Guid.CreateVersion7());
        await entry.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        return rows;
    }

    public const string CardHistorySql = """
        SELECT * FROM audit.operations
        WHERE card_number IS NOT NULL AND card_number = ANY(@cards) AND type <> 'IDENTIFICATION' AND type <> 'HISTORY_CONSULTATION'
        ORDER BY sequence DESC LIMIT 5000
        """;

    public const string SubjectAccessSql = "SELECT * FROM audit.operations WHERE holder_codice_fiscale = @cf ORDER BY sequence LIMIT 100000";

    public const string DayListingSql = "SELECT * FROM audit.operations WHERE occurred_at >= @from AND occurred_at < @to ORDER BY occurred_at, sequence LIMIT 101";

    public const string CounterMonthListingSql = """
        SELECT * FROM audit.operations WHERE counter_code = @counter AND occurred_at >= @from AND occurred_at < @to ORDER BY occurred_at, sequence LIMIT 101
        """;

    public sealed record WriteCost(int Entries, double InsertMs, double InsertCpuMs, double ChainMs, double ChainCpuMs, int Chained);

    /// <summary>
    /// The trail's write cost on this trail: <paramref name="entries"/> entries written one per transaction as a request's unit of
    /// work writes one (its chain trigger queueing it), random cards and holders of the trail's population, time-ordered ids;
    /// then chained by <c>audit.chain_pending</c> (5,000 at a time, as the chainer calls it). Wall time and the backend's CPU time
    /// (from /proc) per entry. Run with no API on the database, so that nothing else chains them meanwhile.
    /// </summary>
    public static async Task<WriteCost> WriteCostAsync(NpgsqlDataSource dataSource, int entries, int holders, int operators, int counters)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        int pid;
        await using (var p = new NpgsqlCommand("SELECT pg_backend_pid()", c)) pid = (int)(await p.ExecuteScalarAsync())!;
        // Whatever is already queued (an earlier run's reads) is chained first, outside the measurement.
        await using (var drain = new NpgsqlCommand("SELECT audit.chain_pending(100000)", c) { CommandTimeout = 600 }) await drain.ExecuteNonQueryAsync();
        var (insertMs, insertCpu) = await InsertEntriesAsync(c, pid, "audit.operations", entries, holders, operators, counters, new Random(29));
        var cpu = ProcFs.ProcessCpu(pid);
        var sw = Stopwatch.StartNew();
        var chained = 0;
        while (true)
        {
            await using var chain = new NpgsqlCommand("SELECT audit.chain_pending(5000)", c) { CommandTimeout = 600 };
            var n = (int)(await chain.ExecuteScalarAsync())!;
            if (n == 0) break;
            chained += n;
        }
        return new WriteCost(entries, insertMs / entries, insertCpu / entries, sw.Elapsed.TotalMilliseconds / Math.Max(1, chained),
            (ProcFs.ProcessCpu(pid) - cpu).TotalMilliseconds / Math.Max(1, chained), chained);
    }

    /// <summary>
    /// Writes <paramref name="entries"/> identification entries into <paramref name="table"/> (the trail or a copy of its shape), one per
    /// transaction as a request's unit of work writes one, with random cards and holders of the trail's population and time-ordered
    /// ids; returns the wall time and the backend's CPU time (from /proc, <paramref name="pid"/>), both in milliseconds, in all.
    /// </summary>
    public static async Task<(double Ms, double CpuMs)> InsertEntriesAsync(NpgsqlConnection c, int pid, string table, int entries, int holders,
        int operators, int counters, Random random)
    {
        await using var insert = new NpgsqlCommand($"""
            INSERT INTO {table} (id, occurred_at, type, outcome, operator_id, operator_codice_fiscale, counter_code, region, card_number,
                                 holder_codice_fiscale, request_id, detail)
            VALUES (@id, now(), 'IDENTIFICATION', 'SUCCEEDED', md5('op' || @o)::uuid, upper(substr(md5('cf' || @o), 1, 16)), @counter, '090', @card, @cf,
                    @request, NULL)
            """, c);
        var id = insert.Parameters.Add("id", NpgsqlTypes.NpgsqlDbType.Uuid);
        var o = insert.Parameters.Add("o", NpgsqlTypes.NpgsqlDbType.Integer);
        var counter = insert.Parameters.Add("counter", NpgsqlTypes.NpgsqlDbType.Varchar);
        var card = insert.Parameters.Add("card", NpgsqlTypes.NpgsqlDbType.Varchar);
        var cf = insert.Parameters.Add("cf", NpgsqlTypes.NpgsqlDbType.Varchar);
        var request = insert.Parameters.Add("request", NpgsqlTypes.NpgsqlDbType.Varchar);
        await insert.PrepareAsync();
        var cpu = ProcFs.ProcessCpu(pid);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < entries; i++)
        {
            var h = random.Next(holders);
            var op = random.Next(operators);
            id.Value = Guid.CreateVersion7();
            o.Value = op;
            counter.Value = "C" + (op % counters).ToString("D5", CultureInfo.InvariantCulture);
            card.Value = TrailSeed.CardOf(h);
            cf.Value = TrailSeed.HolderCf(h);
            request.Value = Guid.NewGuid().ToString();
            await insert.ExecuteNonQueryAsync();
        }
        return (sw.Elapsed.TotalMilliseconds, (ProcFs.ProcessCpu(pid) - cpu).TotalMilliseconds);
    }
}
