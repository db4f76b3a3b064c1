using System.Globalization;
using Cms.Application.Common.Auditing;

namespace Cms.Infrastructure.Auditing;

/// <summary>
/// The chain recomputed by the application, compared with the signed checkpoints: at each checkpoint's position the chain must
/// have exactly the checkpoint's hash. A rewrite (even one recomputed consistently with the database's own functions), a cut
/// tail or a replaced function shows as the first checkpoint that does not match; the entries concerned lie between the last
/// checkpoint that matches and that one. After a point-in-time restore (<c>Audit:RestoredTo</c>, <c>Audit:RestoredAt</c>,
/// decision 0056) the checkpoints signed between the two that no longer match are the restore's expected gap: named, not a break.
/// </summary>
public static class AuditCheckpointComparison
{
    public static CheckpointComparison Compare(bool enabled, IReadOnlyList<AuditCheckpoint> checkpoints, IReadOnlyList<string> badSignatures,
        AuditChainWalkResult walk, out IntegrityBreak? checkpointBreak, DateTimeOffset? restoredTo = null, DateTimeOffset? restoredAt = null)
    {
        checkpointBreak = null;
        if (!enabled)
            return new CheckpointComparison(false, 0, 0, null, null, [],
                "Punti di controllo firmati non configurati (nessuna chiave pubblica): la catena è verificata solo rispetto a sé stessa.");
        CheckpointMark? lastMatching = null;
        CheckpointMark? firstMismatch = null;
        var matching = 0;
        var gap = new List<AuditCheckpoint>();
        foreach (var checkpoint in checkpoints)
        {
            var matches = walk.RecomputedAt.TryGetValue(checkpoint.ChainIndex, out var hash) && Convert.ToHexStringLower(hash) == checkpoint.Hash;
            if (!matches && restoredTo is { } to && restoredAt is { } at && checkpoint.SignedAt > to && checkpoint.SignedAt <= at)
            {
                gap.Add(checkpoint);
                continue;
            }
            var mark = new CheckpointMark(checkpoint.ChainIndex, checkpoint.Hash, checkpoint.LastEntryAt, checkpoint.SignedAt);
            if (matches) matching++;
            if (matches && firstMismatch is null) lastMatching = mark;
            if (!matches) firstMismatch ??= mark;
        }
        var signatures = badSignatures.Count == 0 ? ""
            : $" La firma di {badSignatures.Count} punti di controllo non è valida: {string.Join(", ", badSignatures)}.";
        if (gap.Count > 0)
            signatures = $" Vuoto atteso del ripristino: il database è stato ripristinato al {Time(restoredTo)} (il {Time(restoredAt)}); " +
                         $"{gap.Count} punti di controllo firmati dopo quell'istante (posizioni {gap.Min(c => c.ChainIndex)}–{gap.Max(c => c.ChainIndex)}, " +
                         $"firmati dal {Time(gap.Min(c => c.SignedAt))} al {Time(gap.Max(c => c.SignedAt))}) descrivono voci perse con il ripristino " +
                         "e non corrispondono più: non è una manomissione." + signatures;
        if (firstMismatch is null)
        {
            var explanation = matching == 0 ? "Nessun punto di controllo firmato da confrontare."
                : $"La catena corrisponde a tutti i {matching} punti di controllo firmati (l'ultimo in posizione {lastMatching!.ChainIndex}, " +
                  $"firmato il {Time(lastMatching.SignedAt)}).";
            return new CheckpointComparison(true, checkpoints.Count, matching, lastMatching, null, badSignatures, explanation + signatures);
        }
        var from = (lastMatching?.ChainIndex ?? 0) + 1;
        var since = lastMatching is null ? "dall'inizio del registro" : $"dopo il punto di controllo in posizione {lastMatching.ChainIndex} " +
            $"(firmato il {Time(lastMatching.SignedAt)}, ultima voce del {Time(lastMatching.LastEntryAt)}, che corrisponde ancora)";
        var cut = firstMismatch.ChainIndex > walk.LastIndex;
        var text = cut
            ? $"Il punto di controllo firmato il {Time(firstMismatch.SignedAt)} in posizione {firstMismatch.ChainIndex} va oltre la fine della catena " +
              $"(ultima posizione {walk.LastIndex}): le ultime voci sono state tolte, {since}."
            : $"La catena non ha più l'hash firmato il {Time(firstMismatch.SignedAt)} nel punto di controllo in posizione {firstMismatch.ChainIndex} " +
              $"(ultima voce del {Time(firstMismatch.LastEntryAt)}): le voci dalla posizione {from} alla {firstMismatch.ChainIndex} sono state modificate, " +
              $"tolte o riscritte, {since}.";
        checkpointBreak = new IntegrityBreak(cut ? IntegrityFinding.Removed : IntegrityFinding.Changed, from, null, text);
        return new CheckpointComparison(true, checkpoints.Count, matching, lastMatching, firstMismatch, badSignatures, text + signatures);
    }

    private static string Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("dd/MM/yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "—";
}
