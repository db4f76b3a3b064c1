using Cms.Application.Common.Auditing;
using Npgsql;

namespace Cms.Infrastructure.Auditing;

/// <summary>
/// Chains and verifies the hash chain on audit.operations (migrations AuditChain and AuditChainer): chaining is
/// audit.chain_pending() in batches; the walk is one pass in SQL over the chained entries in chain order, recomputing each
/// hash from the entry's canonical text and the previous hash.
/// </summary>
public sealed class PostgresAuditTrail(NpgsqlDataSource dataSource, TimeProvider clock) : IAuditTrail
{
    private const string Walk = """
        WITH chain AS (
            SELECT o.chain_index, o.sequence, o.hash, o.previous_hash,
                   lag(o.hash) OVER w AS linked_hash, lag(o.chain_index) OVER w AS linked_index,
                   sha256(o.previous_hash || convert_to(audit.canonical(o), 'UTF8')) AS expected
            FROM audit.operations o
            WHERE o.chain_index IS NOT NULL
            WINDOW w AS (ORDER BY o.chain_index))
        SELECT chain_index, sequence,
               CASE WHEN chain_index <> coalesce(linked_index, 0) + 1 THEN 'REMOVED'
                    WHEN chain_index > @head_index THEN 'INSERTED'
                    WHEN hash <> expected THEN 'CHANGED'
                    ELSE 'RELINKED' END AS finding,
               coalesce(linked_index, 0) AS linked_index
        FROM chain
        WHERE chain_index <> coalesce(linked_index, 0) + 1
           OR chain_index > @head_index
           OR hash <> expected
           OR previous_hash <> coalesce(linked_hash, audit.genesis())
        ORDER BY chain_index
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
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One snapshot for the head and the walk: entries written meanwhile are not half-seen.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        long headIndex = 0;
        var headHash = "";
        await using (var head = new NpgsqlCommand(
            "SELECT coalesce((SELECT chain_index FROM audit.chain_head WHERE id = 1), 0), encode(coalesce((SELECT hash FROM audit.chain_head WHERE id = 1), audit.genesis()), 'hex')",
            connection, transaction))
        await using (var reader = await head.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            headIndex = reader.GetInt64(0);
            headHash = reader.GetString(1);
        }
        long count;
        long maxIndex;
        await using (var stats = new NpgsqlCommand("SELECT count(chain_index), coalesce(max(chain_index), 0) FROM audit.operations", connection, transaction))
        await using (var reader = await stats.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            count = reader.GetInt64(0);
            maxIndex = reader.GetInt64(1);
        }
        IntegrityBreak? found = null;
        await using (var walk = new NpgsqlCommand(Walk, connection, transaction) { CommandTimeout = 600 })
        {
            walk.Parameters.AddWithValue("head_index", headIndex);
            await using var reader = await walk.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                var index = reader.GetInt64(0);
                var sequence = reader.GetInt64(1);
                var linked = reader.GetInt64(3);
                found = reader.GetString(2) switch
                {
                    "REMOVED" => new IntegrityBreak(IntegrityFinding.Removed, linked + 1, null,
                        $"Mancano le voci dalla posizione {linked + 1} alla {index - 1} della catena."),
                    "INSERTED" => new IntegrityBreak(IntegrityFinding.Inserted, index, sequence,
                        $"La voce in posizione {index} non è registrata dalla testa della catena (ultima posizione {headIndex})."),
                    "CHANGED" => new IntegrityBreak(IntegrityFinding.Changed, index, sequence,
                        $"Il contenuto della voce in posizione {index} non corrisponde più al suo hash."),
                    _ => new IntegrityBreak(IntegrityFinding.Changed, linked, null,
                        $"La voce in posizione {linked} non ha più l'hash a cui è collegata la voce successiva ({index})."),
                };
            }
        }
        if (found is null && maxIndex < headIndex)
            found = new IntegrityBreak(IntegrityFinding.Removed, maxIndex + 1, null,
                $"Mancano le ultime voci: la testa della catena conta {headIndex} voci, ne restano {maxIndex}.");
        bool? anchorMatches = null;
        if (anchorIndex is not null)
        {
            await using var anchor = new NpgsqlCommand("SELECT encode(hash, 'hex') FROM audit.operations WHERE chain_index = @i", connection, transaction);
            anchor.Parameters.AddWithValue("i", anchorIndex.Value);
            anchorMatches = await anchor.ExecuteScalarAsync(cancellationToken) is string h && h == anchorHash;
        }
        await transaction.CommitAsync(cancellationToken);
        return new IntegrityReport(found is null && anchorMatches != false, count, new ChainHead(headIndex, headHash), found, anchorMatches,
            clock.GetUtcNow());
    }
}
