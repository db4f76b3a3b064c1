using Cms.Application.Common.Auditing;
using Npgsql;

namespace Cms.Infrastructure.Auditing;

/// <summary>What a walk over the chain found.</summary>
public sealed class AuditChainWalkResult
{
    /// <summary>Links read.</summary>
    public long Links { get; set; }

    /// <summary>The last position read (the start when none was).</summary>
    public long LastIndex { get; set; }

    /// <summary>The chain recomputed by the application from its start: the hash at <see cref="LastIndex"/>, or null once it cannot be followed (a gap, an entry gone).</summary>
    public byte[]? Recomputed { get; set; }

    public IntegrityBreak? FirstBreak { get; set; }

    /// <summary>The stored hash of the link at the position asked about (the anchor), when there is one.</summary>
    public byte[]? HashAtAnchor { get; set; }

    /// <summary>For each position asked about (the checkpoints'), the hash of the chain recomputed up to it.</summary>
    public Dictionary<long, byte[]> RecomputedAt { get; } = [];
}

/// <summary>
/// Walks the chain in one streamed read of its links in chain order, each joined with its entry, and checks every link in
/// the application (decision 0028): the hash from the entry's fields and the previous hash (<see cref="AuditCanonical"/>), the
/// link to the previous link's hash, the positions without gaps, the head. Uses no function stored in the database.
/// </summary>
public static class AuditChainWalk
{
    private const string Links = """
        SELECT l.chain_index, l.sequence, l.previous_hash, l.hash, l.format, o.sequence IS NULL AS entry_missing, o.id, o.occurred_at,
               o.type, o.outcome, o.operator_id, o.operator_codice_fiscale, o.counter_code, o.region, o.card_number,
               o.holder_codice_fiscale, o.request_id, o.detail
        FROM audit.chain_links l
        LEFT JOIN audit.operations o ON o.sequence = l.sequence
        WHERE l.chain_index > @from AND l.chain_index <= @to
        ORDER BY l.chain_index
        """;

    /// <summary>
    /// Walks the links after <paramref name="fromIndex"/> (whose hash is <paramref name="fromHash"/>: 0 and the genesis for the
    /// whole chain) up to <paramref name="toIndex"/>; <paramref name="headIndex"/> is where the chain's head says the chain ends.
    /// </summary>
    public static async Task<AuditChainWalkResult> WalkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long fromIndex,
        byte[] fromHash, long toIndex, long headIndex, long? anchorIndex, IReadOnlySet<long> recomputeAt, CancellationToken cancellationToken)
    {
        var result = new AuditChainWalkResult { LastIndex = fromIndex, Recomputed = fromHash };
        // A full walk of a large trail takes minutes: the reader streams it, the cancellation token bounds it.
        await using var command = new NpgsqlCommand(Links, connection, transaction) { CommandTimeout = 0 };
        command.Parameters.AddWithValue("from", fromIndex);
        command.Parameters.AddWithValue("to", toIndex);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        var linkedIndex = fromIndex;
        var linkedHash = fromHash;
        while (await reader.ReadAsync(cancellationToken))
        {
            var index = reader.GetInt64(0);
            var sequence = reader.GetInt64(1);
            var previousHash = reader.GetFieldValue<byte[]>(2);
            var hash = reader.GetFieldValue<byte[]>(3);
            var format = reader.GetInt16(4);
            var entryMissing = reader.GetBoolean(5);
            AuditEntryFields? entry = entryMissing ? null : new AuditEntryFields(sequence, reader.GetGuid(6), reader.GetDateTime(7),
                reader.GetString(8), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetGuid(10), Text(reader, 11), Text(reader, 12),
                Text(reader, 13), Text(reader, 14), Text(reader, 15), Text(reader, 16), Text(reader, 17));
            result.Links++;
            if (index == anchorIndex) result.HashAtAnchor = hash;

            var contiguous = index == linkedIndex + 1;
            byte[]? expected = null;
            if (entry is not null)
            {
                var text = AuditCanonical.Text(format, index, entry);
                expected = AuditCanonical.Hash(previousHash, text);
                result.Recomputed = !contiguous || result.Recomputed is null ? null
                    : result.Recomputed.AsSpan().SequenceEqual(previousHash) ? expected
                    : AuditCanonical.Hash(result.Recomputed, text);
            }
            else result.Recomputed = null;
            if (result.Recomputed is not null && recomputeAt.Contains(index)) result.RecomputedAt[index] = result.Recomputed;

            result.FirstBreak ??= !contiguous
                ? new IntegrityBreak(IntegrityFinding.Removed, linkedIndex + 1, null,
                    $"Mancano le voci dalla posizione {linkedIndex + 1} alla {index - 1} della catena.")
                : index > headIndex
                    ? new IntegrityBreak(IntegrityFinding.Inserted, index, sequence,
                        $"La voce in posizione {index} non è registrata dalla testa della catena (ultima posizione {headIndex}).")
                    : entry is null
                        ? new IntegrityBreak(IntegrityFinding.Removed, index, sequence,
                            $"La voce in posizione {index} (n. {sequence}) non è più nel registro.")
                        : !hash.AsSpan().SequenceEqual(expected!)
                            ? new IntegrityBreak(IntegrityFinding.Changed, index, sequence,
                                $"Il contenuto della voce in posizione {index} non corrisponde più al suo hash.")
                            : !previousHash.AsSpan().SequenceEqual(linkedHash)
                                ? new IntegrityBreak(IntegrityFinding.Changed, linkedIndex, null,
                                    $"La voce in posizione {linkedIndex} non ha più l'hash a cui è collegata la voce successiva ({index}).")
                                : null;
            linkedIndex = index;
            linkedHash = hash;
            result.LastIndex = index;
        }
        if (result.FirstBreak is null && result.LastIndex < Math.Min(headIndex, toIndex))
            result.FirstBreak = new IntegrityBreak(IntegrityFinding.Removed, result.LastIndex + 1, null,
                $"Mancano le ultime voci: la testa della catena conta {headIndex} voci, ne restano {result.LastIndex}.");
        return result;
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
