namespace Cms.Application.Common.Auditing;

/// <summary>What is wrong at one place of the chain.</summary>
public enum IntegrityFinding
{
    /// <summary>The entry's content no longer gives its hash, or the next entry was chained to another hash.</summary>
    Changed,
    /// <summary>Entries are missing: a gap in the chain's positions, or fewer entries than the chain's head counts.</summary>
    Removed,
    /// <summary>An entry the chain's head does not account for, or written without its link.</summary>
    Inserted,
}

/// <summary>The first break of the chain: its position (0 for an entry that has no place in the chain at all) and the entry's sequence.</summary>
public sealed record IntegrityBreak(IntegrityFinding Finding, long ChainIndex, long? Sequence, string Explanation);

/// <summary>The chain's head: an auditor may note it and later ask whether that entry still has that hash.</summary>
public sealed record ChainHead(long ChainIndex, string Hash);

/// <summary>A signed checkpoint of the chain's head, kept outside the database: its position and hash, when the entry there was written, when it was signed.</summary>
public sealed record CheckpointMark(long ChainIndex, string Hash, DateTimeOffset? LastEntryAt, DateTimeOffset SignedAt);

/// <summary>
/// The chain compared with the signed checkpoints (decision 0028). Enabled is false when no checkpoint key is configured. The
/// checkpoints that match form a prefix: the entries changed are after <see cref="LastMatching"/> and up to
/// <see cref="FirstMismatch"/> — the time window between the two. BadSignatures names the files whose signature does not verify.
/// </summary>
public sealed record CheckpointComparison(bool Enabled, int Checked, int Matching, CheckpointMark? LastMatching, CheckpointMark? FirstMismatch,
    IReadOnlyList<string> BadSignatures, string Explanation);

public sealed record IntegrityReport(bool Intact, long EntriesChecked, ChainHead Head, IntegrityBreak? FirstBreak, bool? AnchorMatches,
    DateTimeOffset CheckedAt, CheckpointComparison? Checkpoints = null);

/// <summary>
/// The tamper-evident operations trail (hash chain kept by the database, see decisions 0011 and 0019; verified by the
/// application against signed checkpoints kept outside the database, decision 0028).
/// </summary>
public interface IAuditTrail
{
    /// <summary>
    /// Chains (and counts into the roll-ups) every entry committed so far and not yet chained, in its own short transaction;
    /// returns how many were chained. The chainer does this continuously; readers that need the chain or the counts to be up
    /// to the moment (integrity, statistics) call it first.
    /// </summary>
    Task<int> ChainPendingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Walks the whole chain, recomputing every hash in the application, compares it with the signed checkpoints and reports
    /// the first entry that was changed, removed or inserted.
    /// </summary>
    Task<IntegrityReport> VerifyAsync(long? anchorIndex, string? anchorHash, CancellationToken cancellationToken);
}
