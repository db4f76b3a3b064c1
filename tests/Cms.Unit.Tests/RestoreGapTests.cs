using Cms.Application.Common.Auditing;
using Cms.Infrastructure.Auditing;

namespace Cms.Unit.Tests;

/// <summary>
/// After a point-in-time restore (decision 0056): the checkpoints signed after the time restored to, and until the restore was
/// put into service, are the restore's expected gap; outside that window a checkpoint that no longer matches is still tampering.
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

    [Fact]
    public void Checkpoints_signed_between_the_time_restored_to_and_the_restore_are_the_expected_gap_not_tampering()
    {
        var (walk, checkpoints) = Restored();
        var comparison = AuditCheckpointComparison.Compare(true, checkpoints, [], walk, out var found, T, RestoredAt);
        Assert.Null(found);
        Assert.Null(comparison.FirstMismatch);
        Assert.Equal(2, comparison.Matching);
        Assert.Equal(100, comparison.LastMatching!.ChainIndex);
        Assert.Contains("Vuoto atteso del ripristino", comparison.Explanation, StringComparison.Ordinal);
        Assert.Contains("2 punti di controllo firmati dopo quell'istante (posizioni 110–160", comparison.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_restore_settings_or_outside_their_window_the_same_checkpoints_are_a_break()
    {
        var (walk, checkpoints) = Restored();
        AuditCheckpointComparison.Compare(true, checkpoints, [], walk, out var found);
        Assert.NotNull(found);
        Assert.Equal(IntegrityFinding.Changed, found.Finding);

        // Restored to a time after the checkpoint at 110 was signed: that one is not explained by the restore.
        AuditCheckpointComparison.Compare(true, checkpoints, [], walk, out found, T.AddMinutes(5), RestoredAt);
        Assert.NotNull(found);
        Assert.Equal(101, found.ChainIndex);

        // A checkpoint signed after the restore was put into service must match like any other.
        checkpoints.Add(Checkpoint(110, "ee", RestoredAt.AddMinutes(1)));
        var comparison = AuditCheckpointComparison.Compare(true, checkpoints, [], walk, out found, T, RestoredAt);
        Assert.NotNull(found);
        Assert.Equal(RestoredAt.AddMinutes(1), comparison.FirstMismatch!.SignedAt);
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
