using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Cms.Bench;

/// <summary>
/// Issue 29, item 4 (decision 0063): the trail as one table or in monthly partitions. On a trail seeded by the reports benchmark
/// (<c>CMS_BENCH_DB=cms_bench_partitions bench/run.sh reports 10000000</c> first, or seeded here when missing), a monthly-partitioned
/// copy of <c>audit.operations</c> in the schema <c>audit_p</c> — the same columns and indexes; the primary key and the unique id
/// then carry <c>occurred_at</c>, the partition key — with the same rows; then the trail's reads and writes on both, prepared as
/// the application's are (Npgsql auto-prepares), in the same run, each sample on the two in alternating order:
///   bench/run.sh trail-partitions [operations]
/// An experiment for a decision: it has no goal of its own and exits 0 unless something fails.
/// </summary>
public static class TrailPartitionsBenchmark
{
    private const int Samples = 200, Writes = 5000, Operators = 15_000, Counters = 5_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var operations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000_000;
        var dataSource = new NpgsqlDataSourceBuilder(Environment.GetEnvironmentVariable("CMS_BENCH_CONNECTION")!).Build();
        if (!await ReportsBenchmark.SeededAsync(dataSource, operations) && !await ReportsBenchmark.SeedAsync(dataSource, operations)) return 2;
        var holders = TrailSeed.HoldersFor(operations);

        if (await ScalarAsync(dataSource, "SELECT count(*) FROM pg_namespace WHERE nspname = 'audit_p'") == 0)
        {
            var sw = Stopwatch.StartNew();
            // The same columns; sequence from a sequence of its own (an identity column cannot be the part of a partitioned table's key here).
            await ExecAsync(dataSource, """
                CREATE SCHEMA audit_p;
                CREATE TABLE audit_p.operations (LIKE audit.operations INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (occurred_at);
                CREATE SEQUENCE audit_p.operations_sequence;
                ALTER TABLE audit_p.operations ALTER COLUMN sequence SET DEFAULT nextval('audit_p.operations_sequence');
                DO $$ DECLARE m date; BEGIN
                  FOR m IN SELECT generate_series(date_trunc('month', min(occurred_at) AT TIME ZONE 'UTC'),
                                                  date_trunc('month', max(occurred_at) AT TIME ZONE 'UTC') + interval '2 months', interval '1 month')::date
                           FROM audit.operations LOOP
                    EXECUTE format('CREATE TABLE audit_p.operations_%s PARTITION OF audit_p.operations FOR VALUES FROM (%L) TO (%L)',
                                   to_char(m, 'YYYY_MM'), (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
                  END LOOP;
                END $$;
                """);
            Console.WriteLine($"[partitions] {await ScalarAsync(dataSource, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'audit_p.operations'::regclass")} monthly partitions made");
            sw.Restart();
            await ExecAsync(dataSource, "INSERT INTO audit_p.operations SELECT * FROM audit.operations ORDER BY sequence", 7200);
            await ExecAsync(dataSource, "SELECT setval('audit_p.operations_sequence', (SELECT max(sequence) FROM audit_p.operations))");
            Console.WriteLine($"[partitions] copied the trail in {sw.Elapsed.TotalSeconds:0} s");
            foreach (var sql in new[]
                     {
                         "ALTER TABLE audit_p.operations ADD PRIMARY KEY (sequence, occurred_at)",
                         "CREATE UNIQUE INDEX ON audit_p.operations (id, occurred_at)",
                         "CREATE INDEX ON audit_p.operations (card_number)",
                         "CREATE INDEX ON audit_p.operations (holder_codice_fiscale)",
                         "CREATE INDEX ON audit_p.operations (operator_id, occurred_at)",
                         "CREATE INDEX ON audit_p.operations (occurred_at)",
                         "CREATE TRIGGER chain_entry BEFORE INSERT ON audit_p.operations FOR EACH ROW EXECUTE FUNCTION audit.chain_entry()",
                     })
            {
                sw.Restart();
                await ExecAsync(dataSource, "SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 2; " + sql, 7200);
                Console.WriteLine($"[partitions] {sql}: {sw.Elapsed.TotalSeconds:0} s");
            }
            await ExecAsync(dataSource, "VACUUM (ANALYZE) audit_p.operations", 7200);
        }
        foreach (var (name, sql) in new[]
                 {
                     ("one table", "SELECT pg_table_size('audit.operations'), pg_indexes_size('audit.operations')"),
                     ("monthly partitions", """
                         SELECT sum(pg_table_size(inhrelid)), sum(pg_indexes_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'audit_p.operations'::regclass
                         """),
                 })
        {
            await using var c = await dataSource.OpenConnectionAsync();
            await using var q = new NpgsqlCommand(sql, c);
            await using var r = await q.ExecuteReaderAsync();
            await r.ReadAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[size] {name}: table {Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture) / 1e9:0.00} GB, indexes {Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture) / 1e9:0.00} GB"));
        }

        var random = new Random(63);
        var people = Enumerable.Range(0, Samples).Select(_ => random.Next(holders)).ToList();
        var first = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-3).AddDays(2);
        var days = Enumerable.Range(0, Samples).Select(_ => first.AddDays(random.Next(3 * 365 - 4))).ToList();
        var operatorMonths = Enumerable.Range(0, Samples).Select(_ =>
        {
            var m = first.AddMonths(1 + random.Next(33));
            return (Operator: random.Next(Operators), From: new DateOnly(m.Year, m.Month, 1));
        }).ToList();
        var head = await ScalarAsync(dataSource, "SELECT max(sequence) FROM audit.operations");
        // The chainer's lookup: the entries it took from the queue, the newest ones (200 per call under load).
        var batches = Enumerable.Range(0, Samples).Select(i => Enumerable.Range(0, 200).Select(k => head - 10_000 - i * 200L - k).ToArray()).ToList();
        static DateTimeOffset Utc(DateOnly d) => new(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var types = new[] { "ACTIVATION", "REPRINT", "REVOCATION", "FSE_CONSENTS", "READER_DELIVERY", "SUSPENSION", "REACTIVATION" };

        var rows = new List<(string What, List<double> One, List<double> Partitioned, double RowsPerSample)>();
        async Task CompareAsync<T>(string what, string sql, IReadOnlyList<T> samples, Func<T, (string, object)[]> parameters)
        {
            await using var one = await dataSource.OpenConnectionAsync();
            await using var parted = await dataSource.OpenConnectionAsync();
            var times = (One: new List<double>(), Partitioned: new List<double>());
            long count = 0;
            async Task<double> TimeAsync(NpgsqlConnection c, string table, T sample)
            {
                await using var q = new NpgsqlCommand(sql.Replace("{t}", table, StringComparison.Ordinal), c);
                foreach (var (n, v) in parameters(sample)) q.Parameters.AddWithValue(n, v);
                await q.PrepareAsync();
                var sw = Stopwatch.StartNew();
                await using (var r = await q.ExecuteReaderAsync())
                    while (await r.ReadAsync()) count++;
                return sw.Elapsed.TotalMilliseconds;
            }
            // Five executions of each first: a prepared statement switches to its generic plan after five (plan_cache_mode auto).
            for (var i = 0; i < 6; i++)
            {
                await TimeAsync(one, "audit.operations", samples[i]);
                await TimeAsync(parted, "audit_p.operations", samples[i]);
            }
            count = 0;
            for (var i = 0; i < samples.Count; i++)
            {
                if (i % 2 == 0)
                {
                    times.One.Add(await TimeAsync(one, "audit.operations", samples[i]));
                    times.Partitioned.Add(await TimeAsync(parted, "audit_p.operations", samples[i]));
                }
                else
                {
                    times.Partitioned.Add(await TimeAsync(parted, "audit_p.operations", samples[i]));
                    times.One.Add(await TimeAsync(one, "audit.operations", samples[i]));
                }
            }
            rows.Add((what, times.One, times.Partitioned, count / 2.0 / samples.Count));
            Console.WriteLine($"[partitions] {what}: done");
        }

        await CompareAsync("a card's history", TrailReads.CardHistorySql.Replace("audit.operations", "{t}", StringComparison.Ordinal), people,
            h => [("cards", new[] { TrailSeed.CardOf(h) })]);
        await CompareAsync("a holder's access report", TrailReads.SubjectAccessSql.Replace("audit.operations", "{t}", StringComparison.Ordinal), people,
            h => [("cf", TrailSeed.HolderCf(h))]);
        await CompareAsync("the operator's monthly report query", """
            SELECT o.occurred_at, o.type, o.holder_codice_fiscale, h.surname || ' ' || h.given_name, o.card_number, o.request_id
            FROM {t} o LEFT JOIN identification.holders h ON o.holder_codice_fiscale = h.codice_fiscale
            WHERE o.operator_id = @op AND o.type = ANY(@types) AND o.outcome = 'SUCCEEDED'
              AND (o.detail LIKE 'confirm%' OR o.type IN ('SUSPENSION', 'REACTIVATION'))
              AND o.occurred_at >= @from AND o.occurred_at < @to
            ORDER BY o.occurred_at LIMIT 20000
            """, operatorMonths, om => [
                ("op", new Guid(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes("op" + om.Operator)), bigEndian: true)),
                ("types", types), ("from", Utc(om.From)), ("to", Utc(om.From.AddMonths(1)))]);
        await CompareAsync("a day's listing, first page", TrailReads.DayListingSql.Replace("audit.operations", "{t}", StringComparison.Ordinal), days,
            d => [("from", Utc(d)), ("to", Utc(d.AddDays(1)))]);
        await CompareAsync("the chainer's lookup of 200 entries (`sequence = ANY(…)`)", "SELECT * FROM {t} WHERE sequence = ANY(@taken) ORDER BY sequence",
            batches, b => [("taken", b)]);

        // The cost of writing: entries one per transaction on each, with the chain trigger (queue row) on both; random cards and people.
        // The copy's new sequences far above the one table's, so that their queue rows never meet.
        await ExecAsync(dataSource, """
            SELECT setval('audit_p.operations_sequence', greatest((SELECT max(sequence) FROM audit_p.operations), (SELECT max(sequence) FROM audit.operations) + 1000000000))
            """);
        var write = new List<(string Table, double Ms, double CpuMs)>();
        foreach (var table in new[] { "audit.operations", "audit_p.operations", "audit.operations", "audit_p.operations" })
        {
            await using var c = await dataSource.OpenConnectionAsync();
            int pid;
            await using (var p = new NpgsqlCommand("SELECT pg_backend_pid()", c)) pid = (int)(await p.ExecuteScalarAsync())!;
            var (ms, cpuMs) = await TrailReads.InsertEntriesAsync(c, pid, table, Writes, holders, Operators, Counters, random);
            write.Add((table, ms / Writes, cpuMs / Writes));
        }
        // The partitioned copy's entries are not the chain's: out of its queue (the one table's are chained as usual by the next run).
        await ExecAsync(dataSource, "DELETE FROM audit.pending_entries p WHERE NOT EXISTS (SELECT FROM audit.operations o WHERE o.sequence = p.sequence)");

        double P95(List<double> l) => l.Order().ElementAt((int)Math.Ceiling(l.Count * 0.95) - 1);
        static double P50(List<double> l) => l.Order().ElementAt(l.Count / 2);
        var report = new System.Text.StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"""
            {operations:N0} entries over 3 years, one table beside {await ScalarAsync(dataSource, "SELECT count(*) FROM pg_inherits WHERE inhparent = 'audit_p.operations'::regclass")} monthly partitions with the same rows; {Samples} samples each, prepared statements, alternating order

            | what | rows per sample | one table p50 ms | p95 ms | monthly partitions p50 ms | p95 ms | partitions / one table at p50 |
            |---|---:|---:|---:|---:|---:|---:|
            """);
        foreach (var (what, one, parted, perSample) in rows)
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {what} | {perSample:0.#} | {P50(one):0.000} | {P95(one):0.000} | {P50(parted):0.000} | {P95(parted):0.000} | {P50(parted) / P50(one):0.00}× |");
        report.AppendLine(CultureInfo.InvariantCulture, $"""

            | entries written, one per transaction ({Writes:N0} each, twice) | ms per entry | backend CPU ms per entry |
            |---|---:|---:|
            """);
        foreach (var (table, ms, cpu) in write)
            report.AppendLine(CultureInfo.InvariantCulture, $"| {table} | {ms:0.000} | {cpu:0.000} |");
        Console.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "trail-partitions-last.md"), report.ToString());
        return 0;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await using var q = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(await q.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task ExecAsync(NpgsqlDataSource dataSource, string sql, int timeoutSeconds = 600)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await using var q = new NpgsqlCommand(sql, c) { CommandTimeout = timeoutSeconds };
        await q.ExecuteNonQueryAsync();
    }
}
