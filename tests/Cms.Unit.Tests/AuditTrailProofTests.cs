using Cms.Application.Common.Auditing;
using Cms.Infrastructure.Auditing;
using Microsoft.Extensions.Options;

namespace Cms.Unit.Tests;

/// <summary>The canonical text of the trail's links (decision 0028) and the signed checkpoints.</summary>
public class AuditTrailProofTests
{
    private static AuditEntryFields Entry(string? counter = "090-001", string? region = "090", string? detail = "confirm", string? request = null) =>
        new(42, Guid.Parse("0192f0a4-7b1c-7d3e-9a55-0123456789ab"), new DateTime(2026, 12, 2, 13, 0, 0, DateTimeKind.Utc).AddTicks(1234560),
            "ACTIVATION", "SUCCEEDED", null, "RSSMRA80A01H501U", counter, region, "80380000900000000001", null, request, detail);

    [Fact]
    public void The_current_form_tells_apart_entries_whose_fields_differ_only_by_where_a_separator_or_a_null_sits()
    {
        // A '|' moved from one field into the next, a NULL against the text the old form wrote for it, NULL against empty.
        (AuditEntryFields, AuditEntryFields)[] pairs =
        [
            (Entry(counter: "090-001|090", region: "x"), Entry(counter: "090-001", region: "090|x")),
            (Entry(detail: null), Entry(detail: "-")),
            (Entry(detail: null), Entry(detail: "")),
            (Entry(request: null, detail: "a"), Entry(request: "a", detail: null)),
        ];
        foreach (var (one, other) in pairs)
            Assert.NotEqual(AuditCanonical.Text(AuditCanonical.CurrentFormat, 7, one), AuditCanonical.Text(AuditCanonical.CurrentFormat, 7, other));
        // The old form could not: it is kept for the links chained before, and only for them.
        Assert.Equal(AuditCanonical.Text(AuditCanonical.LegacyFormat, 7, pairs[0].Item1), AuditCanonical.Text(AuditCanonical.LegacyFormat, 7, pairs[0].Item2));
        Assert.Equal(AuditCanonical.Text(AuditCanonical.LegacyFormat, 7, pairs[1].Item1), AuditCanonical.Text(AuditCanonical.LegacyFormat, 7, pairs[1].Item2));
    }

    [Fact]
    public void Both_forms_are_written_as_the_database_writes_them()
    {
        var entry = Entry(detail: "città|è");
        Assert.Equal("7|42|0192f0a4-7b1c-7d3e-9a55-0123456789ab|2026-12-02T13:00:00.123456Z|ACTIVATION|SUCCEEDED|-|RSSMRA80A01H501U|090-001|090|" +
            "80380000900000000001|-|-|città|è", AuditCanonical.Text(AuditCanonical.LegacyFormat, 7, entry));
        // Lengths in UTF-8 bytes: "città|è" is 9.
        Assert.Equal("cms-audit-2|1:7|2:42|36:0192f0a4-7b1c-7d3e-9a55-0123456789ab|27:2026-12-02T13:00:00.123456Z|10:ACTIVATION|9:SUCCEEDED|~|" +
            "16:RSSMRA80A01H501U|7:090-001|3:090|20:80380000900000000001|~|~|9:città|è", AuditCanonical.Text(AuditCanonical.CurrentFormat, 7, entry));
    }

    [Fact]
    public async Task A_checkpoint_verifies_under_its_public_key_only_as_signed()
    {
        var folder = Directory.CreateTempSubdirectory("cms-checkpoint-keys-").FullName;
        try
        {
            var keyFile = Path.Combine(folder, "signing.pem");
            using var signer = new AuditCheckpointKeys(Options.Create(new AuditCheckpointOptions
            {
                CheckpointSigningKeyFile = keyFile, CheckpointGenerateIfMissing = true,
            }));
            Assert.True(signer.CanSign);
            Assert.Contains("PRIVATE KEY", File.ReadAllText(keyFile));
            var checkpoint = signer.Sign(1000, new string('a', 64), DateTimeOffset.UtcNow.AddSeconds(-1), DateTimeOffset.UtcNow);
            Assert.True(signer.Verify(checkpoint));
            Assert.False(signer.Verify(checkpoint with { ChainIndex = 999 }));
            Assert.False(signer.Verify(checkpoint with { Hash = new string('b', 64) }));
            Assert.False(signer.Verify(checkpoint with { Signature = "AAAA" }));

            // Another key's public half refuses it; written and read back through the folder, it still verifies.
            using var stranger = new AuditCheckpointKeys(Options.Create(new AuditCheckpointOptions
            {
                CheckpointSigningKeyFile = Path.Combine(folder, "other.pem"), CheckpointGenerateIfMissing = true,
            }));
            Assert.False(stranger.Verify(checkpoint));
            var checkpoints = Path.Combine(folder, "checkpoints");
            Assert.True(await AuditCheckpointFolder.WriteAsync(checkpoints, checkpoint, CancellationToken.None));
            // Never overwritten.
            Assert.False(await AuditCheckpointFolder.WriteAsync(checkpoints, checkpoint with { Hash = new string('c', 64) }, CancellationToken.None));
            var (read, unreadable) = AuditCheckpointFolder.Read(checkpoints);
            Assert.Empty(unreadable);
            Assert.True(signer.Verify(Assert.Single(read)));
            Assert.Equal(checkpoint.Hash, read[0].Hash);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_checkpoints_that_match_bound_the_window_of_the_entries_changed()
    {
        var signedAt = new DateTimeOffset(2026, 12, 2, 13, 0, 0, TimeSpan.Zero);
        AuditCheckpoint Checkpoint(long index, string hash) =>
            new(AuditCheckpoint.CurrentFormat, index, hash, signedAt.AddMinutes(index - 1), signedAt.AddMinutes(index), "k", "s");
        var walk = new AuditChainWalkResult { LastIndex = 25 };
        walk.RecomputedAt[10] = [0x0a];
        walk.RecomputedAt[20] = [0x0b];
        AuditCheckpoint[] checkpoints = [Checkpoint(10, "0a"), Checkpoint(20, "0c"), Checkpoint(30, "0d")];

        var comparison = AuditCheckpointComparison.Compare(true, checkpoints, [], walk, out var found);
        Assert.Equal((3, 1), (comparison.Checked, comparison.Matching));
        Assert.Equal(10, comparison.LastMatching!.ChainIndex);
        Assert.Equal(20, comparison.FirstMismatch!.ChainIndex);
        Assert.Equal(signedAt.AddMinutes(20), comparison.FirstMismatch.SignedAt);
        Assert.Equal((IntegrityFinding.Changed, 11L), (found!.Finding, found.ChainIndex));
        Assert.Contains("dalla posizione 11 alla 20", found.Explanation);

        // Only the checkpoint beyond the end disagrees: the tail was cut after position 20.
        walk.RecomputedAt[20] = [0x0c];
        AuditCheckpointComparison.Compare(true, checkpoints, ["checkpoint-x.json"], walk, out found);
        Assert.Equal((IntegrityFinding.Removed, 21L), (found!.Finding, found.ChainIndex));
        Assert.Contains("oltre la fine della catena (ultima posizione 25)", found.Explanation);

        // Without a public key nothing is compared, and the answer says so.
        var off = AuditCheckpointComparison.Compare(false, checkpoints, [], walk, out found);
        Assert.False(off.Enabled);
        Assert.Null(found);
    }
}
