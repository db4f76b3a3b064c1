using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cms.Application.Common.Telemetry;
using Cms.Infrastructure.Persistence;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Cms.Integration.Tests;

/// <summary>
/// The replica for auditors (decision 0056) on the hot standby that <c>scripts/db.sh replica</c> makes of the test cluster: the
/// auditors' reads run there while it is up and fresh, their own trail entries go to the primary, and the reads come back to
/// the primary when it lags past <c>Database:ReadOnlyMaxLagSeconds</c> or is stopped.
/// </summary>
public class ReadReplicaTests(CmsFactory factory, ITestOutputHelper output) : ApiTest(factory)
{
    private const string ReplicaPort = "CMS_PG_REPLICA_PORT";

    [Fact]
    public async Task Auditors_read_on_the_replica_write_their_trail_on_the_primary_and_fall_back_when_it_lags_or_stops()
    {
        Assert.True(TestDatabase.IsProjectCluster(Factory.ConnectionString),
            "CMS_TEST_CONNECTION is not the project's cluster: scripts/db.sh cannot make a replica of it. Run the suite on the project's "
            + "cluster (scripts/test.sh, as CI does) or leave this test out (--filter \"FullyQualifiedName!~ReadReplicaTests\").");
        var clock = Stopwatch.StartNew();
        var replicaUrl = Db("replica", "url", "cms_test");
        output.WriteLine($"replica up after {clock.Elapsed.TotalSeconds:0.0} s");
        var superuser = new NpgsqlConnectionStringBuilder(TestDatabase.SuperuserConnectionString())
        {
            Port = new NpgsqlConnectionStringBuilder(replicaUrl).Port, Database = "cms_test", Pooling = false,
        }.ConnectionString;

        var reads = new ConcurrentQueue<(string Source, string UseCase)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CmsMetrics.MeterName && instrument.Name == "cms.db.reads") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? source = null, useCase = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "cms.source") source = tag.Value as string;
                if (tag.Key == "cms.use_case") useCase = tag.Value as string;
            }
            reads.Enqueue((source ?? "?", useCase ?? "?"));
        });
        listener.Start();

        using var settings = Factory.WithOptions<ReadReplicaOptions>(o =>
        {
            o.ConnectionString = replicaUrl;
            o.ReadOnlyMaxLagSeconds = 3600;
            o.ReadOnlyCheckMilliseconds = 0; // every read looks again: no state carried between the steps
        });
        try
        {
            var (auditor, auditorCf, _) = await ActorAsync("Auditor");
            var holder = NewCf();
            await AddEntryAsync(holder);
            await WaitUntilAsync(async () => await TestDatabase.ScalarAsync<long>(superuser, Count(holder)) == 1, "the first entry replayed on the replica");

            // 1. Replica up, its replay paused: an entry written on the primary now is not in the answer, which came from the replica.
            await TestDatabase.ExecuteAsync(superuser, "SELECT pg_wal_replay_pause()");
            await AddEntryAsync(holder);
            reads.Clear();
            var report = await OkAsync(await auditor.GetAsync($"/api/v1/audit/subject-access/{holder}"));
            Assert.Equal(1, report.GetProperty("entries").GetArrayLength());
            await OkAsync(await auditor.GetAsync("/api/v1/audit/operations?limit=5"));
            await OkAsync(await auditor.GetAsync($"/api/v1/audit/statistics?from={Iso(Today)}&to={Iso(Today)}"));
            Assert.Equal(
                [("replica", "GetSubjectAccessQuery"), ("replica", "ListAuditOperationsQuery"), ("replica", "GetAuditStatisticsQuery")],
                reads.ToArray());
            // The auditor's own entries are on the primary (the replica, paused, has none of them).
            Assert.Equal(1L, await Factory.ScalarAsync<long>(
                "SELECT count(*) FROM audit.operations WHERE type = 'AUDIT_CONSULTATION' AND detail = 'subject-access' AND holder_codice_fiscale = @h AND operator_codice_fiscale = @a",
                ("h", holder), ("a", auditorCf)));
            Assert.Equal(3L, await Factory.ScalarAsync<long>(
                "SELECT count(*) FROM audit.operations WHERE type = 'AUDIT_CONSULTATION' AND operator_codice_fiscale = @a", ("a", auditorCf)));
            Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(superuser,
                $"SELECT count(*) FROM audit.operations WHERE type = 'AUDIT_CONSULTATION' AND operator_codice_fiscale = '{auditorCf}'"));

            // 2. Still paused, and now behind by more than the setting: the same read runs on the primary and sees everything.
            Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ReadReplicaOptions>>().Value.ReadOnlyMaxLagSeconds = 1;
            await WaitUntilAsync(async () => await TestDatabase.ScalarAsync<double>(superuser,
                "SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8") > 1.2, "the replica more than 1 s behind");
            reads.Clear();
            var onPrimary = await Factory.ScalarAsync<long>(Count(holder));
            report = await OkAsync(await auditor.GetAsync($"/api/v1/audit/subject-access/{holder}"));
            Assert.Equal(onPrimary, report.GetProperty("entries").GetArrayLength());
            Assert.True(onPrimary >= 3, $"{onPrimary} entries on the primary"); // two written, one consultation
            Assert.Equal([("primary", "GetSubjectAccessQuery")], reads.ToArray());
            Assert.Contains(Factory.Logs.Lines, l => l.Contains("fall back to the primary", StringComparison.Ordinal) && l.Contains("ReadOnlyMaxLagSeconds", StringComparison.Ordinal));

            // 3. Replay resumed and caught up, then the WAL receiver stopped (as by a partition, an invalidated slot or a rotated
            //    password): the replica has replayed all it received, but it is behind the primary and nothing streams to it.
            await TestDatabase.ExecuteAsync(superuser, "SELECT pg_wal_replay_resume()");
            await WaitUntilAsync(async () => await TestDatabase.ScalarAsync<long>(superuser, Count(holder)) == await Factory.ScalarAsync<long>(Count(holder)),
                "the replica caught up");
            await TestDatabase.ExecuteAsync(superuser, "ALTER SYSTEM SET primary_conninfo = ''");
            await TestDatabase.ExecuteAsync(superuser, "SELECT pg_reload_conf()");
            await WaitUntilAsync(async () => await TestDatabase.ScalarAsync<long>(superuser, "SELECT count(*) FROM pg_stat_wal_receiver") == 0,
                "the WAL receiver stopped");
            await AddEntryAsync(holder);
            await Task.Delay(TimeSpan.FromSeconds(1.5)); // past ReadOnlyMaxLagSeconds
            await WaitUntilAsync(async () => await TestDatabase.ScalarAsync<bool>(superuser, "SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"),
                "the replica replayed all it received"); // what the old probe took for "fresh"
            reads.Clear();
            onPrimary = await Factory.ScalarAsync<long>(Count(holder));
            report = await OkAsync(await auditor.GetAsync($"/api/v1/audit/subject-access/{holder}"));
            Assert.Equal(onPrimary, report.GetProperty("entries").GetArrayLength());
            Assert.Equal([("primary", "GetSubjectAccessQuery")], reads.ToArray());
            Assert.Contains(Factory.Logs.Lines, l => l.Contains("fall back to the primary: behind the primary and no WAL receiver streaming", StringComparison.Ordinal));

            // 4. The replica promoted (a forked standby: same system_identifier, its own timeline): not in recovery, yet not the
            //    primary, so not used.
            await TestDatabase.ExecuteAsync(superuser, "SELECT pg_promote()");
            await WaitUntilAsync(async () => !await TestDatabase.ScalarAsync<bool>(superuser, "SELECT pg_is_in_recovery()"), "the replica promoted");
            reads.Clear();
            await OkAsync(await auditor.GetAsync($"/api/v1/audit/subject-access/{holder}"));
            Assert.Equal([("primary", "GetSubjectAccessQuery")], reads.ToArray());
            Assert.Contains(Factory.Logs.Lines, l => l.Contains("not in recovery and not the primary", StringComparison.Ordinal));

            // 5. The replica stopped: the read still answers, from the primary.
            Db("replica", "stop");
            reads.Clear();
            var watch = Stopwatch.StartNew();
            onPrimary = await Factory.ScalarAsync<long>(Count(holder));
            report = await OkAsync(await auditor.GetAsync($"/api/v1/audit/subject-access/{holder}"));
            Assert.Equal(onPrimary, report.GetProperty("entries").GetArrayLength());
            Assert.Equal([("primary", "GetSubjectAccessQuery")], reads.ToArray());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the fallback took {watch.Elapsed.TotalSeconds:0.0} s");
            Assert.Contains(Factory.Logs.Lines, l => l.Contains("fall back to the primary: replica unreachable", StringComparison.Ordinal));
            Assert.DoesNotContain(Factory.Logs.Lines, l => l.Contains("cms-local-dev", StringComparison.Ordinal)); // no password in the log
            output.WriteLine($"done in {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            // The replica dropped with its slot, which would otherwise keep the primary's WAL for the rest of the suite.
            try
            {
                await TestDatabase.ExecuteAsync(superuser, "SELECT pg_wal_replay_resume()");
            }
            catch (NpgsqlException)
            {
            }
            Db("replica", "drop");
        }
    }

    private static string Count(string holder) => $"SELECT count(*) FROM audit.operations WHERE holder_codice_fiscale = '{holder}'";

    private Task AddEntryAsync(string holder) => Factory.ExecuteAsync(
        "INSERT INTO audit.operations (id, occurred_at, type, outcome, holder_codice_fiscale, detail) VALUES (gen_random_uuid(), now(), 'IDENTIFICATION', 'SUCCEEDED', @h, 'replica test')",
        ("h", holder));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>Runs scripts/db.sh with the test's environment (CMS_PG_PORT, CMS_PG_REPLICA_PORT) and returns its last line.</summary>
    private string Db(params string[] arguments)
    {
        var root = TestDatabase.RepositoryRoot();
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "db.sh"), .. arguments])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        output.WriteLine($"db.sh {string.Join(' ', arguments)} ({Environment.GetEnvironmentVariable(ReplicaPort) ?? "default port"}): {stderr.Result.Trim()}");
        Assert.True(process.ExitCode == 0, $"scripts/db.sh {string.Join(' ', arguments)} failed: {stderr.Result}");
        return stdout.Result.Trim().Split('\n').Last();
    }
}
