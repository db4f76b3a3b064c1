using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Cms.Bench;

/// <summary>
/// The trail of the reports benchmark, seeded at a nation's scale (issue 29, item 4): N operations over three years, written in
/// chunks with a progress line each, time-ordered (sequence and occurred_at rise together, as in production), with version-7
/// ids as the application makes them (<c>Guid.CreateVersion7()</c> in AuditBehaviour: their first 48 bits are the time), and
/// the trail's secondary indexes and its links' indexes dropped for the load and rebuilt after it. The disk is checked before
/// (an estimate per entry) and before every chunk (never below CMS_BENCH_MIN_FREE_GB, default 12).
/// </summary>
internal static class TrailSeed
{
    /// <summary>Bumped when the seed's rows change: a database seeded by another version is not reused.</summary>
    public const int Version = 2;

    /// <summary>Bytes on disk per trail entry with its six indexes, its link and the link's two indexes (measured at 10 M, see
    /// bench/README.md, "Reports at scale": 510, the indexes freshly built); CMS_BENCH_TRAIL_BYTES_PER_ENTRY overrides it.</summary>
    private const double DefaultBytesPerEntry = 520;

    private const long ChunkRows = 5_000_000;

    /// <summary>One holder (and one card) per 50 operations, at least 200,000: a nation's trail has a nation's people, each with
    /// about as many operations as in a region's.</summary>
    public static int HoldersFor(long operations) => (int)Math.Max(200_000, operations / 50);

    public static string CardOf(int holder) => "80380000900" + holder.ToString("D9", CultureInfo.InvariantCulture);

    /// <summary>A valid codice fiscale per holder (the subject-access endpoint checks it): distinct surname and given-name
    /// consonants for every holder below 20⁶ (64 million).</summary>
    public static string HolderCf(int h)
    {
        const string Consonants = "BCDFGHJKLMNPQRSTVWXZ";
        static string Name(int n) => new([Consonants[n % 20], 'A', Consonants[n / 20 % 20], 'E', Consonants[n / 400 % 20]]);
        return Cms.Domain.Common.CodiceFiscale.Compute(Name(h % 8000), Name(h / 8000 % 8000), new DateOnly(1940, 1, 1).AddDays(h % 25_000),
            h % 2 == 0 ? 'M' : 'F', "D612");
    }

    public static double FreeGb(string path) => new DriveInfo(path).AvailableFreeSpace / 1e9;

    /// <summary>Seeds the holders (valid codici fiscali) and the trail of <paramref name="operations"/> entries over three years
    /// ending now; returns false (having said why) when the disk would not hold it.</summary>
    public static async Task<bool> SeedAsync(NpgsqlDataSource dataSource, long operations, int operators, int counters)
    {
        var disk = Environment.GetEnvironmentVariable("CMS_BENCH_ROOT") ?? "/";
        var minFree = double.TryParse(Environment.GetEnvironmentVariable("CMS_BENCH_MIN_FREE_GB"), CultureInfo.InvariantCulture, out var m) ? m : 12;
        var perEntry = double.TryParse(Environment.GetEnvironmentVariable("CMS_BENCH_TRAIL_BYTES_PER_ENTRY"), CultureInfo.InvariantCulture, out var b)
            ? b : DefaultBytesPerEntry;
        // The load's WAL is recycled at checkpoints (max_wal_size); 4 GB covers it and the index builds' sort files.
        var needed = operations * perEntry / 1e9 + 4;
        var free = FreeGb(disk);
        Console.WriteLine($"[seed] disk: {free:0.0} GB free; {operations:N0} entries need about {needed:0.0} GB ({perEntry:0} bytes per entry + 4 GB); floor {minFree} GB");
        if (free - needed < minFree)
        {
            Console.WriteLine($"[seed] refused: {operations:N0} entries would leave {free - needed:0.0} GB free; the largest count that fits is about "
                + $"{Math.Max(0, (free - minFree - 4) * 1e9 / perEntry):N0}");
            return false;
        }

        var holders = HoldersFor(operations);
        var total = Stopwatch.StartNew();
        var phase = Stopwatch.StartNew();
        await using (var c = await dataSource.OpenConnectionAsync())
        {
            await using (var create = new NpgsqlCommand("DROP TABLE IF EXISTS public.bench_people; CREATE TABLE public.bench_people (h int PRIMARY KEY, cf character(16) NOT NULL)", c))
                await create.ExecuteNonQueryAsync();
            await using (var copy = await c.BeginBinaryImportAsync("COPY public.bench_people (h, cf) FROM STDIN (FORMAT binary)"))
            {
                for (var h = 0; h < holders; h++)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(h, NpgsqlDbType.Integer);
                    await copy.WriteAsync(HolderCf(h), NpgsqlDbType.Char);
                }
                await copy.CompleteAsync();
            }
        }
        await ExecAsync(dataSource, """
            INSERT INTO identification.holders (codice_fiscale, surname, given_name, sex, birth_date, birth_place, entitled)
            SELECT cf, 'COGNOME' || h, 'NOME', 'M', date '1970-01-01' + (h % 15000), 'FIRENZE', true FROM public.bench_people;
            ANALYZE public.bench_people;
            """);
        Console.WriteLine($"[seed] {holders:N0} holders in {phase.Elapsed.TotalSeconds:0.0} s");

        // The secondary indexes of the trail and of its links, dropped for the load (their definitions kept to rebuild them).
        phase.Restart();
        var indexes = new List<(string Table, string Name, string? Constraint, string Definition)>();
        await using (var c = await dataSource.OpenConnectionAsync())
        await using (var q = new NpgsqlCommand("""
            SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, con.conname, coalesce(pg_get_constraintdef(con.oid), pg_get_indexdef(i.indexrelid))
            FROM pg_index i LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
            WHERE i.indrelid IN ('audit.operations'::regclass, 'audit.chain_links'::regclass)
              AND NOT (i.indrelid = 'audit.operations'::regclass AND i.indisprimary)
            ORDER BY 1, 2
            """, c))
        await using (var r = await q.ExecuteReaderAsync())
            while (await r.ReadAsync())
                indexes.Add((r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3)));
        foreach (var (table, name, constraint, _) in indexes)
            await ExecAsync(dataSource, constraint is null ? $"DROP INDEX {name}" : $"ALTER TABLE {table} DROP CONSTRAINT {constraint}");
        Console.WriteLine($"[seed] dropped {indexes.Count} indexes for the load: {string.Join(", ", indexes.Select(i => i.Name))}");

        // The trail in chunks, three years back from now, each chunk's links right after it.
        var start = DateTimeOffset.UtcNow.AddYears(-3);
        var span = (DateTimeOffset.UtcNow - start).TotalSeconds;
        await ExecAsync(dataSource, "ALTER TABLE audit.operations DISABLE TRIGGER USER; ALTER TABLE audit.chain_links DISABLE TRIGGER USER;");
        phase.Restart();
        for (var lo = 1L; lo <= operations; lo += ChunkRows)
        {
            var hi = Math.Min(operations, lo + ChunkRows - 1);
            free = FreeGb(disk);
            if (free < minFree)
            {
                Console.WriteLine($"[seed] stopped before entry {lo:N0}: {free:0.0} GB free, below the floor of {minFree} GB");
                return false;
            }
            var chunk = Stopwatch.StartNew();
            var before = await ScalarAsync(dataSource, "SELECT coalesce(max(sequence), 0) FROM audit.operations");
            await ExecAsync(dataSource, $"""
                INSERT INTO audit.operations (id, occurred_at, type, outcome, operator_id, operator_codice_fiscale, counter_code, region, card_number,
                                              holder_codice_fiscale, request_id, detail)
                SELECT (lpad(to_hex((extract(epoch FROM s.t) * 1000)::bigint), 12, '0') || '7' || substr(s.m, 1, 3) || '8' || substr(s.m, 4, 15))::uuid,
                       s.t,
                       (ARRAY['ACTIVATION','ACTIVATION','ACTIVATION','IDENTIFICATION','IDENTIFICATION','FSE_CONSENTS','REPRINT','REVOCATION',
                              'HISTORY_CONSULTATION','READER_DELIVERY'])[1 + (s.g * 7919) % 10],
                       CASE WHEN s.g % 50 = 0 THEN 'REJECTED' ELSE 'SUCCEEDED' END,
                       md5('op' || (s.g * 104729) % {operators})::uuid, upper(substr(md5('cf' || (s.g * 104729) % {operators}), 1, 16)),
                       'C' || lpad((((s.g * 104729) % {operators}) % {counters})::text, 5, '0'), '090',
                       '80380000900' || lpad(s.h::text, 9, '0'), (SELECT p.cf FROM public.bench_people p WHERE p.h = s.h),
                       gen_random_uuid()::text, CASE WHEN s.g % 2 = 0 THEN 'confirm' ELSE 'create' END
                FROM (SELECT g, @start + make_interval(secs => (g - 1)::double precision / {operations} * {span.ToString("R", CultureInfo.InvariantCulture)}) AS t,
                             md5(g::text) AS m, ((g * 31) % {holders})::int AS h
                      FROM generate_series({lo}::bigint, {hi}::bigint) g) s;
                INSERT INTO audit.chain_links (chain_index, sequence, previous_hash, hash)
                SELECT sequence, sequence, sha256(int8send(sequence - 1)), sha256(int8send(sequence)) FROM audit.operations WHERE sequence > {before};
                """, timeoutSeconds: 7200, ("start", start));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[seed] {hi:N0} / {operations:N0} entries: chunk {chunk.Elapsed.TotalSeconds:0} s ({(hi - lo + 1) / chunk.Elapsed.TotalSeconds:N0}/s), {phase.Elapsed.TotalSeconds:0} s in all, {FreeGb(disk):0.0} GB free"));
        }
        var head = await ScalarAsync(dataSource, "SELECT max(sequence) FROM audit.operations");
        await ExecAsync(dataSource, $"""
            INSERT INTO audit.chain_head VALUES (1, {head}, sha256(int8send({head}::bigint)))
                ON CONFLICT (id) DO UPDATE SET chain_index = excluded.chain_index, hash = excluded.hash;
            ALTER TABLE audit.operations ENABLE TRIGGER USER; ALTER TABLE audit.chain_links ENABLE TRIGGER USER;
            """);
        Console.WriteLine($"[seed] loaded {operations:N0} entries and their links in {phase.Elapsed.TotalSeconds:0} s");

        // The indexes rebuilt, each with a sort in memory and a parallel worker where PostgreSQL chooses one.
        await using (var c = await dataSource.OpenConnectionAsync())
        {
            await using (var set = new NpgsqlCommand("SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 2", c))
                await set.ExecuteNonQueryAsync();
            foreach (var (table, name, constraint, definition) in indexes)
            {
                phase.Restart();
                await using var build = new NpgsqlCommand(constraint is null ? definition : $"ALTER TABLE {table} ADD CONSTRAINT {constraint} {definition}", c)
                    { CommandTimeout = 7200 };
                await build.ExecuteNonQueryAsync();
                Console.WriteLine($"[seed] built {name} in {phase.Elapsed.TotalSeconds:0} s, {FreeGb(disk):0.0} GB free");
            }
        }

        // The roll-ups the trigger would have kept (decision 0012), counted once from the trail as after any bulk load; then
        // VACUUM (the visibility map and hint bits an append-only table gets from autovacuum) and the planner's statistics.
        phase.Restart();
        await ExecAsync(dataSource, "SELECT audit.rebuild_operation_counts()", timeoutSeconds: 7200);
        Console.WriteLine($"[seed] counted the roll-ups in {phase.Elapsed.TotalSeconds:0} s");
        phase.Restart();
        foreach (var sql in new[] { "VACUUM (ANALYZE) audit.operations", "VACUUM (ANALYZE) audit.chain_links", "ANALYZE" })
            await ExecAsync(dataSource, sql, timeoutSeconds: 7200);
        Console.WriteLine($"[seed] vacuumed and analysed in {phase.Elapsed.TotalSeconds:0} s");
        await ExecAsync(dataSource, $"""
            DROP TABLE IF EXISTS public.bench_seed; CREATE TABLE public.bench_seed (version int NOT NULL, operations bigint NOT NULL);
            INSERT INTO public.bench_seed VALUES ({Version}, {operations});
            """);
        Console.WriteLine($"[seed] done in {total.Elapsed.TotalSeconds:0} s");
        await PrintSizesAsync(dataSource, operations);
        return true;
    }

    /// <summary>The trail's size on disk: the entries and their links, each with its indexes, in all and per entry.</summary>
    public static async Task PrintSizesAsync(NpgsqlDataSource dataSource, long operations)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await using var q = new NpgsqlCommand("""
            SELECT t, pg_table_size(t::regclass), pg_indexes_size(t::regclass), pg_total_relation_size(t::regclass)
            FROM unnest(ARRAY['audit.operations', 'audit.chain_links']) t
            """, c);
        await using var r = await q.ExecuteReaderAsync();
        long all = 0;
        while (await r.ReadAsync())
        {
            all += r.GetInt64(3);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[size] {r.GetString(0)}: table {r.GetInt64(1) / 1e9:0.00} GB, indexes {r.GetInt64(2) / 1e9:0.00} GB, total {r.GetInt64(3) / 1e9:0.00} GB ({r.GetInt64(3) / (double)operations:0} bytes per entry)"));
        }
        await r.CloseAsync();
        await using var each = new NpgsqlCommand("""
            SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index
            WHERE indrelid IN ('audit.operations'::regclass, 'audit.chain_links'::regclass) ORDER BY 1
            """, c);
        await using var e = await each.ExecuteReaderAsync();
        while (await e.ReadAsync())
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[size]   {e.GetString(0)}: {e.GetInt64(1) / 1e9:0.00} GB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[size] the trail in all: {all / 1e9:0.00} GB, {all / (double)operations:0} bytes per entry; at 100,000,000 entries about {all / (double)operations * 1e8 / 1e9:0} GB"));
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await using var q = new NpgsqlCommand(sql, c);
        return (long)(await q.ExecuteScalarAsync())!;
    }

    private static async Task ExecAsync(NpgsqlDataSource dataSource, string sql, int timeoutSeconds = 600, params (string Name, object Value)[] parameters)
    {
        await using var c = await dataSource.OpenConnectionAsync();
        await using var q = new NpgsqlCommand(sql, c) { CommandTimeout = timeoutSeconds };
        foreach (var (name, value) in parameters) q.Parameters.AddWithValue(name, value);
        await q.ExecuteNonQueryAsync();
    }
}
