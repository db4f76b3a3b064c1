using Cms.Application.Common.Auditing;
using Cms.Infrastructure.Auditing;

namespace Cms.Unit.Tests;

/// <summary>
/// After a point-in-time restore (decision 0056): the checkpoints that cover entries after the time restored to, signed before the
/// restore was put into service, are the declared restore gap — only when the trail records the declaration and holds no chained
/// entry inside the window; otherwise a checkpoint that no longer matches is still tampering.
/// </summary>
public class RestoreGapTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset RestoredAt = T.AddMinutes(30);

    private static AuditCheckpoint Checkpoint(long index, string hash, DateTimeOffset signedAt) =>
        new(AuditCheckpoint.CurrentFormat, index, hash, signedAt.AddSeconds(-1), signedAt, "key", "sig");

    private static (AuditChainWalkResult Walk, List<AuditCheckpoint> Checkpoints) Restored()
    {
        // The restored chain: positions 1..100 as before T, then 101..120 written again after the restore (other entries).
        var walk = new AuditChainWalkResult { LastIndex = 120, Links = 120 };
        walk.RecomputedAt[50] = Convert.FromHexString("aa");
        walk.RecomputedAt[100] = Convert.FromHexString("bb");
        walk.RecomputedAt[110] = Convert.FromHexString("c1"); // a new entry where a lost one was
        var checkpoints = new List<AuditCheckpoint>
        {
            Checkpoint(50, "aa", T.AddMinutes(-20)),
            Checkpoint(100, "bb", T.AddMinutes(-1)),
            Checkpoint(110, "cc", T.AddMinutes(2)),  // lost with the restore: another entry stands at 110 now
            Checkpoint(160, "dd", T.AddMinutes(10)), // lost: beyond the restored chain's end
        };
        return (walk, checkpoints);
    }

    /// <summary>The restore as the trail records it: the declaration chained at 118, nothing written inside the window.</summary>
    private static RestoreDeclaration Declared(DateTimeOffset? to = null) =>
        new(to ?? T, RestoredAt) { DeclarationIndex = 118, DeclaredAt = RestoredAt.AddMinutes(1) };

    [Fact]
    public void Checkpoints_covering_entries_after_the_time_restored_to_are_the_declared_gap_named_with_the_declaration()
    {
        var (walk, checkpoints) = Restored();
        var comparison = AuditCheckpointComparison.Compare(true, checkpoints, [], walk, out var found, Declared());
        Assert.Null(found);
        Assert.Null(comparison.FirstMismatch);
        Assert.Equal(2, comparison.Matching);
        Assert.Equal(100, comparison.LastMatching!.ChainIndex);
        Assert.Contains("Vuoto dichiarato del ripristino", comparison.Explanation, StringComparison.Ordinal);
        Assert.Contains("registrata per configurazione il 04/12/2026 10:31:00 UTC (voce in posizione 118)", comparison.Explanation, StringComparison.Ordinal);
        Assert.Contains("2 punti di controllo che coprono voci successive a quell'istante (posizioni 110–160", comparison.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("non è una manomissione", comparison.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_restore_settings_or_outside_their_window_the_same_checkpoints_are_a_break()
    {
        var (walk, checkpoints) = Restored();
        AuditCheckpointComparison.Compare(true, checkpoints, [], walk, out var found);
        Assert.NotNull(found);
        Assert.Equal(IntegrityFinding.Changed, found.Finding);

        // Restored to a time after the entries the checkpoint at 110 covers: that one is not explained by the restore.
        AuditCheckpointComparison.Compare(true, checkpoints, [], walk, out found, Declared(T.AddMinutes(5)));
        Assert.NotNull(found);
        Assert.Equal(101, found.ChainIndex);

        // A checkpoint signed after the restore was put into service must match like any other.
        checkpoints.Add(Checkpoint(110, "ee", RestoredAt.AddMinutes(1)));
        var comparison = AuditCheckpointComparison.Compare(true, checkpoints, [], walk, out found, Declared());
        Assert.NotNull(found);
        Assert.Equal(RestoredAt.AddMinutes(1), comparison.FirstMismatch!.SignedAt);
    }

    [Fact]
    public void A_declared_window_holding_a_chained_entry_excuses_nothing_and_is_reported()
    {
        var (walk, checkpoints) = Restored();
        var declared = Declared() with { EntryInWindowIndex = 105, EntryInWindowAt = T.AddMinutes(3) };
        var comparison = AuditCheckpointComparison.Compare(true, checkpoints, [], walk, out var found, declared);
        Assert.NotNull(found);
        Assert.Equal(101, found.ChainIndex); // the checkpoint at 110 no longer matches: tampering after 100
        Assert.Equal(110, comparison.FirstMismatch!.ChainIndex);
        Assert.Contains("Ripristino dichiarato non credibile: la voce in posizione 105", comparison.Explanation, StringComparison.Ordinal);
        Assert.Contains("Audit:RestoredTo", comparison.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("Vuoto dichiarato", comparison.Explanation, StringComparison.Ordinal);

        // Even with every checkpoint matching, an entry inside the window is itself a finding.
        comparison = AuditCheckpointComparison.Compare(true, checkpoints.Take(2).ToList(), [], walk, out found, declared);
        Assert.NotNull(found);
        Assert.Equal(IntegrityFinding.Inserted, found.Finding);
        Assert.Equal(105, found.ChainIndex);
        Assert.Contains("Audit:RestoredAt", found.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_the_trail_does_not_record_excuse_nothing()
    {
        var (walk, checkpoints) = Restored();
        var comparison = AuditCheckpointComparison.Compare(true, checkpoints, [], walk, out var found, new RestoreDeclaration(T, RestoredAt));
        Assert.NotNull(found);
        Assert.Equal(101, found.ChainIndex);
        Assert.Contains("la dichiarazione del ripristino non è nel registro", comparison.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_signed_after_the_time_restored_to_that_covers_only_kept_entries_must_match()
    {
        var (walk, checkpoints) = Restored();
        // Signed two minutes after T, but its last entry is before T: the restore kept what it covers.
        checkpoints.Insert(2, new AuditCheckpoint(AuditCheckpoint.CurrentFormat, 100, "ff", T.AddMinutes(-1), T.AddMinutes(2), "key", "sig"));
        var comparison = AuditCheckpointComparison.Compare(true, checkpoints, [], walk, out var found, Declared());
        Assert.NotNull(found);
        Assert.Equal(IntegrityFinding.Changed, found.Finding);
        Assert.Equal(100, comparison.FirstMismatch!.ChainIndex);
        Assert.Equal(T.AddMinutes(2), comparison.FirstMismatch.SignedAt);
    }

    [Fact]
    public void A_lost_checkpoint_and_a_new_one_at_the_same_position_the_lost_in_the_gap_the_new_matching()
    {
        var (walk, checkpoints) = Restored();
        checkpoints.Add(Checkpoint(110, "c1", RestoredAt.AddMinutes(2)));
        checkpoints.Sort((a, b) => a.ChainIndex != b.ChainIndex ? a.ChainIndex.CompareTo(b.ChainIndex) : a.SignedAt.CompareTo(b.SignedAt));
        var comparison = AuditCheckpointComparison.Compare(true, checkpoints, [], walk, out var found, Declared());
        Assert.Null(found);
        Assert.Equal(3, comparison.Matching);
        Assert.Equal(RestoredAt.AddMinutes(2), comparison.LastMatching!.SignedAt);
        Assert.Contains("2 punti di controllo che coprono", comparison.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void After_a_restore_the_checkpoint_files_are_named_per_restore_generation()
    {
        Assert.Equal("checkpoint-0000000000000000110.json", AuditCheckpoint.FileNameFor(110, null));
        Assert.Equal("checkpoint-0000000000000000110-r20261204103000.json", AuditCheckpoint.FileNameFor(110, RestoredAt));
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData("2026-12-04T10:00:00Z", "2026-12-04T10:30:00Z", true)]
    [InlineData("2026-12-04T10:00:00Z", "2026-12-04T10:00:00Z", true)]
    [InlineData("2026-12-04T10:00:00Z", null, false)]
    [InlineData(null, "2026-12-04T10:30:00Z", false)]
    [InlineData("2026-12-04T10:30:00Z", "2026-12-04T10:00:00Z", false)]
    [InlineData("2026-12-04T10:00:00Z", "2999-01-01T00:00:00Z", false)]
    public void The_restore_settings_come_together_in_order(string? restoredTo, string? restoredAt, bool valid)
    {
        var options = new AuditCheckpointOptions
        {
            RestoredTo = restoredTo is null ? null : DateTimeOffset.Parse(restoredTo, System.Globalization.CultureInfo.InvariantCulture),
            RestoredAt = restoredAt is null ? null : DateTimeOffset.Parse(restoredAt, System.Globalization.CultureInfo.InvariantCulture),
        };
        Assert.Equal(valid, new AuditCheckpointOptionsValidator().Validate(null, options).Succeeded);
    }
}
