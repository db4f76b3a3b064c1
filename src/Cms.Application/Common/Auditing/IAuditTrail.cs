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

public sealed record IntegrityReport(bool Intact, long EntriesChecked, ChainHead Head, IntegrityBreak? FirstBreak, bool? AnchorMatches,
    DateTimeOffset CheckedAt);

/// <summary>The tamper-evident operations trail (hash chain kept by the database, see decisions 0011 and 0019).</summary>
public interface IAuditTrail
{
    /// <summary>
    /// Chains (and counts into the roll-ups) every entry committed so far and not yet chained, in its own short transaction;
    /// returns how many were chained. The chainer does this continuously; readers that need the chain or the counts to be up
    /// to the moment (integrity, statistics) call it first.
    /// </summary>
    Task<int> ChainPendingAsync(CancellationToken cancellationToken);

    /// <summary>Walks the whole chain and reports the first entry that was changed, removed or inserted.</summary>
    Task<IntegrityReport> VerifyAsync(long? anchorIndex, string? anchorHash, CancellationToken cancellationToken);
}
