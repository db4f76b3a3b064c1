using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Auditing;

/// <summary>
/// Signs the chain's head after a chaining pass when a checkpoint is due (every <c>CheckpointEveryEntries</c> entries or
/// <c>CheckpointEveryMinutes</c> minutes, decision 0028) and hands it to the sink. A checkpoint is signed only for a chain that
/// extends the last one: the links in between are checked in the application first, so a chain rewritten or cut behind the
/// application's back is never signed (the chainer says so in its log and signs again once the chain is repaired). The first
/// checkpoint of an instance continues from the newest one in the folder — after a declared restore, the newest that does not
/// cover entries the restore gave up (decision 0056); with none, it takes the head as it finds it.
/// </summary>
public sealed class AuditCheckpointWriter(NpgsqlDataSource dataSource, AuditCheckpointKeys keys, IAuditCheckpointSink sink,
    IOptions<AuditCheckpointOptions> options, TimeProvider clock, ILogger<AuditCheckpointWriter> logger)
{
    private const string Head = """
        SELECT h.chain_index, h.hash, o.occurred_at
        FROM audit.chain_head h
        LEFT JOIN audit.chain_links l ON l.chain_index = h.chain_index
        LEFT JOIN audit.operations o ON o.sequence = l.sequence
        WHERE h.id = 1
        """;

    private readonly SemaphoreSlim writing = new(1, 1);
    private AuditCheckpoint? last;
    private bool lastLoaded;
    private bool refusing;

    /// <summary>Signs and writes a checkpoint of the current head when one is due; returns it, or null.</summary>
    public async Task<AuditCheckpoint?> WriteIfDueAsync(CancellationToken cancellationToken)
    {
        if (!keys.CanSign) return null;
        await writing.WaitAsync(cancellationToken);
        try
        {
            return await WriteAsync(cancellationToken);
        }
        finally
        {
            writing.Release();
        }
    }

    private async Task<AuditCheckpoint?> WriteAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!lastLoaded)
        {
            last = string.IsNullOrEmpty(o.CheckpointFolder) ? null
                : AuditCheckpointFolder.Read(o.CheckpointFolder).Checkpoints.Where(keys.Verify).LastOrDefault(c => StillCovered(c, o));
            lastLoaded = true;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        long headIndex;
        byte[] headHash;
        DateTimeOffset? lastEntryAt;
        await using (var head = new NpgsqlCommand(Head, connection, transaction))
        await using (var reader = await head.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken)) return null;
            headIndex = reader.GetInt64(0);
            headHash = reader.GetFieldValue<byte[]>(1);
            lastEntryAt = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2);
        }
        var now = clock.GetUtcNow();
        if (headIndex == 0) return null;
        if (last is not null)
        {
            if (headIndex < last.ChainIndex) return Refuse($"the chain's head is behind the last checkpoint ({headIndex} < {last.ChainIndex})");
            if (headIndex == last.ChainIndex) return null;
            var due = headIndex - last.ChainIndex >= Math.Max(o.CheckpointEveryEntries, 1)
                      || now - last.SignedAt >= TimeSpan.FromMinutes(Math.Max(o.CheckpointEveryMinutes, 0));
            if (!due) return null;
            var walk = await AuditChainWalk.WalkAsync(connection, transaction, last.ChainIndex, Convert.FromHexString(last.Hash), headIndex,
                headIndex, null, new HashSet<long>(), cancellationToken);
            if (walk.FirstBreak is { } found)
                return Refuse($"the chain does not extend the last checkpoint ({found.Finding} at {found.ChainIndex})");
            if (walk.Recomputed is null || !walk.Recomputed.AsSpan().SequenceEqual(headHash))
                return Refuse($"the chain's head does not have the hash recomputed from the last checkpoint ({last.ChainIndex})");
        }
        await transaction.CommitAsync(cancellationToken);
        var checkpoint = keys.Sign(headIndex, Convert.ToHexStringLower(headHash), lastEntryAt, now);
        await sink.WriteAsync(checkpoint, cancellationToken);
        if (refusing) logger.LogInformation("Audit checkpoints: signing again at {ChainIndex}", headIndex);
        refusing = false;
        last = checkpoint;
        return checkpoint;
    }

    /// <summary>
    /// After a declared restore (decision 0056) the checkpoints that cover entries after the time restored to and were signed
    /// before the restore went into service describe entries the restore gave up: signing continues from the newest one that
    /// covers only kept entries, or one signed since (whether it still matches the chain is checked by the walk before signing).
    /// </summary>
    private static bool StillCovered(AuditCheckpoint checkpoint, AuditCheckpointOptions o) =>
        o.RestoredTo is not { } to || o.RestoredAt is not { } at || checkpoint.SignedAt > at || checkpoint.LastEntryAt is { } entry && entry <= to;

    private bool declared;

    /// <summary>Writes the restore declared by configuration into the trail, once (see <see cref="AuditRestoreDeclaration"/>).</summary>
    public async Task DeclareRestoreAsync(CancellationToken cancellationToken)
    {
        if (declared) return;
        var o = options.Value;
        if (await AuditRestoreDeclaration.EnsureAsync(dataSource, o, clock, cancellationToken))
            logger.LogWarning("Audit: restore declared by configuration written into the trail (restored to {RestoredTo}, in service at {RestoredAt})",
                o.RestoredTo, o.RestoredAt);
        declared = true;
    }

    private AuditCheckpoint? Refuse(string reason)
    {
        // Positions and findings only: never an entry's content.
        if (!refusing) logger.LogWarning("Audit checkpoints: no checkpoint signed, {Reason}", reason);
        refusing = true;
        return null;
    }
}
