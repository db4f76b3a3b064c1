using System.Text.Json;
using Cms.Infrastructure.Auditing;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Integration.Tests;

/// <summary>
/// The trail's proof does not live in the database it proves (decision 0028): the chain is recomputed by the application and
/// compared with checkpoints signed outside the database. Someone with every right on the database — its superuser here — who
/// cuts the tail, rewrites entries and recomputes the chain with the database's own functions, or replaces those functions,
/// is found, with the first entry that disagrees and the time window between the checkpoints.
/// </summary>
public class AuditCheckpointTests(CmsFactory factory) : ApiTest(factory)
{
    private AuditCheckpointOptions SigningOptions(string? url = null) => new()
    {
        CheckpointSigningKeyFile = Factory.Checkpoints.SigningKeyFile,
        CheckpointFolder = Factory.Checkpoints.Folder,
        CheckpointUrl = url,
        CheckpointEveryEntries = 1,
    };

    /// <summary>The chainer's checkpoint writer with the private key (the API's own settings have only the public one).</summary>
    private AuditCheckpointWriter Writer(NpgsqlDataSource dataSource, AuditCheckpointKeys keys, string? url = null,
        AuditCheckpointOptions? settings = null)
    {
        var options = Options.Create(settings ?? SigningOptions(url));
        return new AuditCheckpointWriter(dataSource, keys,
            new ConfiguredCheckpointSink(options, Factory.Services.GetRequiredService<IHttpClientFactory>(), NullLogger<ConfiguredCheckpointSink>.Instance),
            options, TimeProvider.System, NullLogger<AuditCheckpointWriter>.Instance);
    }

    /// <summary>A checkpoint of the head now, signed by the chainer's writer.</summary>
    private async Task<AuditCheckpoint> SignAsync()
    {
        await Factory.ChainAuditTrailAsync();
        await using var dataSource = NpgsqlDataSource.Create(Factory.ConnectionString);
        using var keys = new AuditCheckpointKeys(Options.Create(SigningOptions()));
        var checkpoint = await Writer(dataSource, keys).WriteIfDueAsync(CancellationToken.None);
        Assert.NotNull(checkpoint);
        Assert.True(File.Exists(Path.Combine(Factory.Checkpoints.Folder, checkpoint.FileName)));
        return checkpoint;
    }

    /// <summary>A trail with two checkpoints some entries apart, and the auditor who checks it.</summary>
    private async Task<(HttpClient Auditor, AuditCheckpoint First, AuditCheckpoint Second)> SignedTrailAsync()
    {
        var (auditor, _, _) = await ActorAsync("Auditor");
        await ActorAsync("Operator");
        var first = await SignAsync();
        await ActorAsync("Operator");
        await ActorAsync("Issuer");
        var second = await SignAsync();
        Assert.True(second.ChainIndex - first.ChainIndex >= 3, $"{first.ChainIndex} → {second.ChainIndex}");
        return (auditor, first, second);
    }

    /// <summary>As the database's superuser, in one transaction: triggers off for it, the chainer held off by a lock on the head.</summary>
    private static async Task AsSuperuserAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.SuperuserConnectionString());
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand($"""
            LOCK TABLE audit.chain_head IN EXCLUSIVE MODE;
            SET LOCAL session_replication_role = replica;
            {sql};
            """, connection, transaction))
            await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    private async Task<JsonElement> IntegrityAsync(HttpClient auditor) => await OkAsync(await auditor.GetAsync("/api/v1/audit/integrity"));

    private Task<long> SequenceAtAsync(long index) =>
        Factory.ScalarAsync<long>("SELECT sequence FROM audit.chain_links WHERE chain_index = @i", ("i", index));

    /// <summary>What a check inside the database, with the database's own functions, concludes: every link agrees.</summary>
    private Task<bool> TheDatabaseAloneFindsTheChainIntactAsync() => Factory.ScalarAsync<bool>("""
        SELECT bool_and(l.hash = sha256(l.previous_hash || convert_to(audit.canonical(o, l.chain_index), 'UTF8'))
                        AND l.previous_hash = coalesce(p.hash, audit.genesis()))
        FROM audit.chain_links l
        JOIN audit.operations o ON o.sequence = l.sequence
        LEFT JOIN audit.chain_links p ON p.chain_index = l.chain_index - 1
        """);

    private Task<int> CliVerifyAsync(StringWriter output) => Cms.Cli.CliApp.RunAsync(
        ["audit", "verify", "--checkpoints", Factory.Checkpoints.Folder, "--public-key", Factory.Checkpoints.PublicKeyFile], output, output,
        CancellationToken.None,
        [
            new("ConnectionStrings:Cms", Factory.ConnectionString),
            new("CodeEncryption:ActiveKeyId", "test-1"),
            new("CodeEncryption:Keys:test-1", Factory.CodeKey),
        ]);

    private static void AssertWindow(JsonElement report, AuditCheckpoint lastMatching, AuditCheckpoint firstMismatch, string finding, long firstIndex)
    {
        Assert.False(report.GetProperty("intact").GetBoolean(), report.GetRawText());
        var found = report.GetProperty("firstBreak");
        Assert.Equal(finding, found.GetProperty("finding").GetString());
        Assert.Equal(firstIndex, found.GetProperty("chainIndex").GetInt64());
        var checkpoints = report.GetProperty("checkpoints");
        Assert.True(checkpoints.GetProperty("enabled").GetBoolean());
        Assert.Equal(lastMatching.ChainIndex, checkpoints.GetProperty("lastMatching").GetProperty("chainIndex").GetInt64());
        Assert.Equal(lastMatching.SignedAt, checkpoints.GetProperty("lastMatching").GetProperty("signedAt").GetDateTimeOffset());
        Assert.Equal(firstMismatch.ChainIndex, checkpoints.GetProperty("firstMismatch").GetProperty("chainIndex").GetInt64());
        Assert.Equal(firstMismatch.SignedAt, checkpoints.GetProperty("firstMismatch").GetProperty("signedAt").GetDateTimeOffset());
        Assert.Equal(1, checkpoints.GetProperty("matching").GetInt32());
        Assert.Contains($"posizione {firstMismatch.ChainIndex}", checkpoints.GetProperty("explanation").GetString());
    }

    [Fact]
    public async Task An_untouched_trail_matches_its_checkpoints_in_the_api_and_the_cli()
    {
        var (auditor, first, second) = await SignedTrailAsync();
        var report = await IntegrityAsync(auditor);
        Assert.True(report.GetProperty("intact").GetBoolean(), report.GetRawText());
        var checkpoints = report.GetProperty("checkpoints");
        Assert.True(checkpoints.GetProperty("enabled").GetBoolean());
        Assert.Equal(2, checkpoints.GetProperty("checked").GetInt32());
        Assert.Equal(2, checkpoints.GetProperty("matching").GetInt32());
        Assert.Equal(second.ChainIndex, checkpoints.GetProperty("lastMatching").GetProperty("chainIndex").GetInt64());
        Assert.Equal(JsonValueKind.Null, checkpoints.GetProperty("firstMismatch").ValueKind);
        Assert.Empty(checkpoints.GetProperty("badSignatures").EnumerateArray());
        // The C# recomputation and the database's chainer agree on real entries: every link written by audit.chain_pending is
        // format 2 and verifies (a disagreement would be a CHANGED at the first link).
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.chain_links WHERE format <> 2"));
        Assert.True(first.ChainIndex > 1);

        var output = new StringWriter();
        Assert.Equal(0, await CliVerifyAsync(output));
        Assert.Contains("Registro integro", output.ToString());
        Assert.Contains("2 su 2 corrispondono", output.ToString());

        // A checkpoint file forged or altered in the folder is named: its signature does not verify.
        var forged = Path.Combine(Factory.Checkpoints.Folder, AuditCheckpoint.FileNameFor(first.ChainIndex + 1));
        await File.WriteAllTextAsync(forged, AuditCheckpointFolder.Serialize(first with { ChainIndex = first.ChainIndex + 1 }));
        report = await IntegrityAsync(auditor);
        Assert.False(report.GetProperty("intact").GetBoolean());
        Assert.Equal([Path.GetFileName(forged)], report.GetProperty("checkpoints").GetProperty("badSignatures").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("firma", report.GetProperty("checkpoints").GetProperty("explanation").GetString());
    }

    [Fact]
    public async Task A_tail_cut_with_the_head_pointed_back_is_found_by_the_checkpoint_beyond_the_end()
    {
        var (auditor, first, second) = await SignedTrailAsync();
        await AsSuperuserAsync($"""
            DELETE FROM audit.operations WHERE sequence IN (SELECT sequence FROM audit.chain_links WHERE chain_index > {first.ChainIndex});
            DELETE FROM audit.chain_links WHERE chain_index > {first.ChainIndex};
            UPDATE audit.chain_head SET chain_index = {first.ChainIndex}, hash = (SELECT hash FROM audit.chain_links WHERE chain_index = {first.ChainIndex})
            """);
        Assert.True(await TheDatabaseAloneFindsTheChainIntactAsync());
        var report = await IntegrityAsync(auditor);
        AssertWindow(report, first, second, "REMOVED", first.ChainIndex + 1);
        Assert.Contains("oltre la fine della catena", report.GetProperty("firstBreak").GetProperty("explanation").GetString());
    }

    [Fact]
    public async Task Entries_rewritten_with_the_chain_recomputed_by_the_database_functions_are_found_between_two_checkpoints()
    {
        var (auditor, first, second) = await SignedTrailAsync();
        var rewritten = first.ChainIndex + 2;
        await AsSuperuserAsync($"""
            UPDATE audit.operations SET detail = 'riscritta' WHERE sequence = (SELECT sequence FROM audit.chain_links WHERE chain_index = {rewritten});
            DO $$
            DECLARE
                r record;
                previous bytea := (SELECT hash FROM audit.chain_links WHERE chain_index = {rewritten} - 1);
            BEGIN
                FOR r IN SELECT l.chain_index, o FROM audit.chain_links l JOIN audit.operations o ON o.sequence = l.sequence
                         WHERE l.chain_index >= {rewritten} ORDER BY l.chain_index LOOP
                    UPDATE audit.chain_links SET previous_hash = previous,
                           hash = sha256(previous || convert_to(audit.canonical(r.o, r.chain_index), 'UTF8'))
                    WHERE chain_index = r.chain_index RETURNING hash INTO previous;
                END LOOP;
                UPDATE audit.chain_head SET hash = previous WHERE id = 1;
            END $$
            """);
        Assert.True(await TheDatabaseAloneFindsTheChainIntactAsync());
        var report = await IntegrityAsync(auditor);
        // The chain is consistent in itself: only the checkpoint tells, and the entries concerned are those after the first one.
        AssertWindow(report, first, second, "CHANGED", first.ChainIndex + 1);

        var output = new StringWriter();
        Assert.Equal(Cms.Cli.CliApp.TrailBroken, await CliVerifyAsync(output));
        Assert.Contains("Registro NON integro", output.ToString());
        Assert.Contains($"Prima voce in disaccordo: posizione {first.ChainIndex + 1}", output.ToString());
        Assert.Contains($"dopo la posizione {first.ChainIndex}", output.ToString());
        Assert.Contains($"fino alla posizione {second.ChainIndex}", output.ToString());
    }

    [Fact]
    public async Task A_replaced_chain_function_that_hides_an_edit_from_the_database_does_not_hide_it_from_the_application()
    {
        var (auditor, first, second) = await SignedTrailAsync();
        var edited = first.ChainIndex + 1;
        var sequence = await SequenceAtAsync(edited);
        var original = await Factory.ScalarAsync<string>("SELECT pg_get_functiondef('audit.canonical(audit.operations, bigint)'::regprocedure)");
        var originalDetail = await Factory.ScalarAsync<string>("SELECT quote_nullable(detail) FROM audit.operations WHERE sequence = @s", ("s", sequence));
        try
        {
            // The edit, and a canonical text that still gives the old detail for that entry: every link agrees in the database.
            Assert.Contains("o.detail::text", original);
            var replaced = original.Replace("o.detail::text",
                $"(CASE WHEN o.sequence = {sequence} THEN {originalDetail} ELSE o.detail END)::text", StringComparison.Ordinal);
            await AsSuperuserAsync($"""
                UPDATE audit.operations SET detail = 'modificata' WHERE sequence = {sequence};
                {replaced}
                """);
            Assert.True(await TheDatabaseAloneFindsTheChainIntactAsync());

            var report = await IntegrityAsync(auditor);
            Assert.Equal(sequence, report.GetProperty("firstBreak").GetProperty("sequence").GetInt64());
            AssertWindow(report, first, second, "CHANGED", edited);
        }
        finally
        {
            await TestDatabase.ExecuteAsync(TestDatabase.SuperuserConnectionString(), original);
        }
    }

    [Fact]
    public async Task The_chainer_signs_checkpoints_in_the_background_and_never_a_chain_that_does_not_extend_the_last()
    {
        await ActorAsync("Auditor");
        await using var dataSource = NpgsqlDataSource.Create(Factory.ConnectionString);
        await using var collector = new FakeExternalSystem(); // the HTTP sink: a log collector outside the database
        using var keys = new AuditCheckpointKeys(Options.Create(SigningOptions()));
        using var chainer = new AuditChainer(Factory.Services.GetRequiredService<Cms.Application.Common.Auditing.IAuditTrail>(),
            Writer(dataSource, keys, collector.Url),
            Options.Create(new AuditChainerOptions { ChainIntervalMilliseconds = 50 }), NullLogger<AuditChainer>.Instance);
        await chainer.StartAsync(CancellationToken.None);
        try
        {
            var until = DateTime.UtcNow.AddSeconds(20);
            // Written to the folder first, then posted.
            while (collector.Received.IsEmpty && DateTime.UtcNow < until) await Task.Delay(50);
            Assert.NotEmpty(Directory.GetFiles(Factory.Checkpoints.Folder, "checkpoint-*.json"));
            Assert.True(collector.Received.TryPeek(out var posted));
            var sent = posted.Body.Deserialize<AuditCheckpoint>(JsonSerializerOptions.Web)!;
            Assert.True(keys.Verify(sent));
            Assert.True(File.Exists(Path.Combine(Factory.Checkpoints.Folder, sent.FileName)));
            // The chain rewritten behind its back: the chainer signs nothing more, even as new entries are chained.
            var head = await Factory.ScalarAsync<long>("SELECT chain_index FROM audit.chain_head");
            await AsSuperuserAsync($"UPDATE audit.chain_links SET hash = sha256(hash) WHERE chain_index = {head}; UPDATE audit.chain_head SET hash = sha256(hash)");
            await Task.Delay(300); // a checkpoint of the chain before, signed in a snapshot taken before, may still land
            var written = Directory.GetFiles(Factory.Checkpoints.Folder, "checkpoint-*.json").Length;
            await ActorAsync("Operator");
            await Task.Delay(500);
            Assert.Equal(written, Directory.GetFiles(Factory.Checkpoints.Folder, "checkpoint-*.json").Length);
        }
        finally
        {
            await chainer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task After_a_declared_point_in_time_restore_signing_goes_on_and_the_gap_is_declared_in_the_trail()
    {
        var (_, first, second) = await SignedTrailAsync();
        // The restore to T, the time of the entry the first checkpoint covers: what came after is gone, the head points back.
        var t = first.LastEntryAt!.Value;
        await AsSuperuserAsync($"""
            DELETE FROM audit.operations WHERE sequence IN (SELECT sequence FROM audit.chain_links WHERE chain_index > {first.ChainIndex});
            DELETE FROM audit.chain_links WHERE chain_index > {first.ChainIndex};
            DELETE FROM audit.operations WHERE occurred_at > '{t.UtcDateTime:O}';
            DELETE FROM audit.pending_entries p WHERE NOT EXISTS (SELECT FROM audit.operations o WHERE o.sequence = p.sequence);
            UPDATE audit.chain_head SET chain_index = {first.ChainIndex}, hash = (SELECT hash FROM audit.chain_links WHERE chain_index = {first.ChainIndex})
            """);
        var restoredAt = DateTimeOffset.UtcNow;
        var settings = SigningOptions();
        settings.RestoredTo = t;
        settings.RestoredAt = restoredAt;
        await using var dataSource = NpgsqlDataSource.Create(Factory.ConnectionString);
        using var keys = new AuditCheckpointKeys(Options.Create(settings));
        var writer = Writer(dataSource, keys, settings: settings);

        // At start-up the declaration goes into the trail, once, however many instances start.
        await writer.DeclareRestoreAsync(CancellationToken.None);
        await writer.DeclareRestoreAsync(CancellationToken.None);
        Assert.False(await AuditRestoreDeclaration.EnsureAsync(dataSource, settings, TimeProvider.System, CancellationToken.None));
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations WHERE detail LIKE 'restore-declared %'"));

        // New work past the lost checkpoint's position: the writer continues from the checkpoint the restore kept.
        while (true)
        {
            await ActorAsync("Operator");
            await Factory.ChainAuditTrailAsync();
            if (await Factory.ScalarAsync<long>("SELECT chain_index FROM audit.chain_head") >= second.ChainIndex) break;
        }
        var signed = await writer.WriteIfDueAsync(CancellationToken.None);
        Assert.NotNull(signed);
        Assert.True(signed.ChainIndex >= second.ChainIndex);
        Assert.True(File.Exists(Path.Combine(Factory.Checkpoints.Folder, AuditCheckpoint.FileNameFor(signed.ChainIndex, restoredAt))));
        Assert.True(File.Exists(Path.Combine(Factory.Checkpoints.Folder, second.FileName))); // the lost one stays, in the declared gap

        var trail = new PostgresAuditTrail(dataSource, TimeProvider.System, keys, Options.Create(settings));
        var report = await trail.VerifyAsync(null, null, CancellationToken.None);
        var declaration = await Factory.ScalarAsync<long>(
            "SELECT l.chain_index FROM audit.chain_links l JOIN audit.operations o ON o.sequence = l.sequence WHERE o.detail LIKE 'restore-declared %'");
        Assert.True(report.Intact, report.Checkpoints!.Explanation);
        Assert.Equal(2, report.Checkpoints!.Matching);
        Assert.Equal(signed.ChainIndex, report.Checkpoints.LastMatching!.ChainIndex);
        Assert.Contains("Vuoto dichiarato del ripristino", report.Checkpoints.Explanation, StringComparison.Ordinal);
        Assert.Contains($"voce in posizione {declaration}", report.Checkpoints.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("non è una manomissione", report.Checkpoints.Explanation, StringComparison.Ordinal);

        // A chained entry written inside the declared window: a database restored to T cannot hold it; nothing is excused.
        await Factory.ExecuteAsync("""
            INSERT INTO audit.operations (id, occurred_at, type, outcome, detail) VALUES (gen_random_uuid(), @at, 'REVOCATION', 'SUCCEEDED', 'nel vuoto')
            """, ("at", t.AddTicks((restoredAt - t).Ticks / 2)));
        report = await trail.VerifyAsync(null, null, CancellationToken.None);
        Assert.False(report.Intact);
        // The lost checkpoint is no longer excused (the first break, before the entry's own position), and the window is named.
        Assert.Equal(first.ChainIndex + 1, report.FirstBreak!.ChainIndex);
        Assert.Contains("Ripristino dichiarato non credibile", report.Checkpoints!.Explanation, StringComparison.Ordinal);
        Assert.Contains("Audit:RestoredTo", report.Checkpoints.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("Vuoto dichiarato", report.Checkpoints!.Explanation, StringComparison.Ordinal);
    }
}
