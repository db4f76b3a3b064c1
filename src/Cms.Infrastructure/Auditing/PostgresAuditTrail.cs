using Cms.Application.Common.Auditing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Auditing;

/// <summary>
/// Chains and verifies the hash chain of audit.operations (made by the baseline migration, 20261210100000_Baseline, decision
/// 0053; the functions and tables the squashed AuditChain… migrations built): chaining is audit.chain_pending() in batches; the verification (decision 0028) runs in the application and
/// uses no function stored in the database: one streamed pass over the chain's links in chain order, each joined with its
/// entry, recomputing each hash (<see cref="AuditChainWalk"/>), then the entries that are neither chained nor queued for the
/// chainer, then the chain compared with the signed checkpoints kept outside the database.
/// </summary>
public sealed class PostgresAuditTrail(NpgsqlDataSource dataSource, TimeProvider clock, AuditCheckpointKeys checkpointKeys,
    IOptions<AuditCheckpointOptions> checkpointOptions) : IAuditTrail
{
    private const string Unchained = """
        SELECT o.sequence FROM audit.operations o
        WHERE NOT EXISTS (SELECT FROM audit.chain_links l WHERE l.sequence = o.sequence)
          AND NOT EXISTS (SELECT FROM audit.pending_entries p WHERE p.sequence = o.sequence)
        ORDER BY o.sequence
        LIMIT 1
        """;

    /// <summary>Entries chained per transaction: the head is held for one batch at a time.</summary>
    public const int ChainBatch = 5000;

    public async Task<int> ChainPendingAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        while (true)
        {
            await using var chain = new NpgsqlCommand("SELECT audit.chain_pending(@batch)", connection) { CommandTimeout = 600 };
            chain.Parameters.AddWithValue("batch", ChainBatch);
            var chainedNow = (int)(await chain.ExecuteScalarAsync(cancellationToken))!;
            total += chainedNow;
            if (chainedNow < ChainBatch) return total;
        }
    }

    public async Task<IntegrityReport> VerifyAsync(long? anchorIndex, string? anchorHash, CancellationToken cancellationToken)
    {
        // Everything committed before the check is in the chain when it is walked.
        await ChainPendingAsync(cancellationToken);
        var (checkpoints, badSignatures) = ReadCheckpoints();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for the head and the walk: entries written meanwhile are not half-seen.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var (headIndex, headHash) = await ReadHeadAsync(connection, transaction, cancellationToken);
        var walk = await AuditChainWalk.WalkAsync(connection, transaction, 0, AuditCanonical.Genesis, long.MaxValue, headIndex, anchorIndex,
            checkpoints.Select(c => c.ChainIndex).ToHashSet(), cancellationToken);
        var found = walk.FirstBreak;
        if (found is null)
        {
            await using var unchained = new NpgsqlCommand(Unchained, connection, transaction) { CommandTimeout = 0 };
            if (await unchained.ExecuteScalarAsync(cancellationToken) is long sequence)
                found = new IntegrityBreak(IntegrityFinding.Inserted, 0, sequence,
                    $"La voce n. {sequence} è nel registro senza un posto nella catena: è stata scritta alle spalle dell'applicazione.");
        }
        var restore = await AuditRestoreDeclaration.ReadAsync(connection, transaction, checkpointOptions.Value, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var comparison = AuditCheckpointComparison.Compare(checkpointKeys.CanVerify, checkpoints, badSignatures, walk, out var checkpointBreak,
            restore);
        // The first entry that disagrees: a checkpoint that no longer matches may point before the walk's first break (a
        // consistent rewrite before an inconsistent edit); an entry outside the chain (position 0) comes after both.
        if (checkpointBreak is not null && (found is null || found.ChainIndex == 0 || checkpointBreak.ChainIndex < found.ChainIndex))
            found = checkpointBreak;
        bool? anchorMatches = anchorIndex is null ? null : walk.HashAtAnchor is { } hash && Convert.ToHexStringLower(hash) == anchorHash;
        return new IntegrityReport(found is null && anchorMatches != false && comparison.BadSignatures.Count == 0, walk.Links,
            new ChainHead(headIndex, Convert.ToHexStringLower(headHash)), found, anchorMatches, clock.GetUtcNow(), comparison);
    }

    /// <summary>The chain's head as the database records it (position 0 and the genesis hash before the first link).</summary>
    private static async Task<(long Index, byte[] Hash)> ReadHeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        await using var head = new NpgsqlCommand("SELECT chain_index, hash FROM audit.chain_head WHERE id = 1", connection, transaction);
        await using var reader = await head.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)) : (0, AuditCanonical.Genesis);
    }

    /// <summary>The checkpoints of the configured folder whose signature verifies, and the names of those that do not.</summary>
    private (List<AuditCheckpoint> Valid, List<string> BadSignatures) ReadCheckpoints()
    {
        var folder = checkpointOptions.Value.CheckpointFolder;
        if (!checkpointKeys.CanVerify || string.IsNullOrEmpty(folder)) return ([], []);
        var (all, unreadable) = AuditCheckpointFolder.Read(folder);
        var verified = all.ToLookup(checkpointKeys.Verify);
        return ([.. verified[true]], [.. unreadable, .. verified[false].Select(c => c.FileName)]);
    }
}
