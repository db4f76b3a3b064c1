using Cms.Application.Common.Auditing;
using Npgsql;

namespace Cms.Infrastructure.Auditing;

/// <summary>
/// Chains and verifies the hash chain of audit.operations (migrations AuditChain, AuditChainer, AuditChainLinks): chaining is
/// audit.chain_pending() in batches; the walk is one pass in SQL over the chain's links in chain order, each joined with its
/// entry, recomputing each hash from the entry's canonical text and the previous hash, and finding the entries that are
/// neither chained nor queued for the chainer.
/// </summary>
public sealed class PostgresAuditTrail(NpgsqlDataSource dataSource, TimeProvider clock) : IAuditTrail
{
    private const string Walk = """
        WITH chain AS (
            SELECT l.chain_index, coalesce(l.sequence, o.sequence) AS sequence, l.hash, l.previous_hash, o.sequence IS NULL AS entry_missing,
                   lag(l.hash) OVER w AS linked_hash, lag(l.chain_index) OVER w AS linked_index,
                   sha256(l.previous_hash || convert_to(audit.canonical(o, l.chain_index), 'UTF8')) AS expected
            FROM audit.chain_links l
            FULL JOIN audit.operations o ON o.sequence = l.sequence
            WHERE l.sequence IS NOT NULL OR NOT EXISTS (SELECT FROM audit.pending_entries p WHERE p.sequence = o.sequence)
            WINDOW w AS (ORDER BY l.chain_index))
        SELECT coalesce(chain_index, 0), sequence,
               CASE WHEN chain_index IS NULL THEN 'UNCHAINED'
                    WHEN chain_index <> coalesce(linked_index, 0) + 1 THEN 'REMOVED'
                    WHEN chain_index > @head_index THEN 'INSERTED'
                    WHEN entry_missing THEN 'MISSING'
                    WHEN hash <> expected THEN 'CHANGED'
                    ELSE 'RELINKED' END AS finding,
               coalesce(linked_index, 0) AS linked_index
        FROM chain
        WHERE chain_index IS NULL
           OR chain_index <> coalesce(linked_index, 0) + 1
           OR chain_index > @head_index
           OR entry_missing
           OR hash <> expected
           OR previous_hash <> coalesce(linked_hash, audit.genesis())
        ORDER BY chain_index NULLS LAST, sequence
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
        await using (var stats = new NpgsqlCommand("SELECT count(*), coalesce(max(chain_index), 0) FROM audit.chain_links", connection, transaction))
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
                    "MISSING" => new IntegrityBreak(IntegrityFinding.Removed, index, sequence,
                        $"La voce in posizione {index} (n. {sequence}) non è più nel registro."),
                    "UNCHAINED" => new IntegrityBreak(IntegrityFinding.Inserted, 0, sequence,
                        $"La voce n. {sequence} è nel registro senza un posto nella catena: è stata scritta alle spalle dell'applicazione."),
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
            await using var anchor = new NpgsqlCommand("SELECT encode(hash, 'hex') FROM audit.chain_links WHERE chain_index = @i", connection, transaction);
            anchor.Parameters.AddWithValue("i", anchorIndex.Value);
            anchorMatches = await anchor.ExecuteScalarAsync(cancellationToken) is string h && h == anchorHash;
        }
        await transaction.CommitAsync(cancellationToken);
        return new IntegrityReport(found is null && anchorMatches != false, count, new ChainHead(headIndex, headHash), found, anchorMatches,
            clock.GetUtcNow());
    }
}
