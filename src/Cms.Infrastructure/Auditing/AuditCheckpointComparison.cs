using System.Globalization;
using Cms.Application.Common.Auditing;

namespace Cms.Infrastructure.Auditing;

/// <summary>
/// A point-in-time restore declared by configuration (<c>Audit:RestoredTo</c> = T, <c>Audit:RestoredAt</c>, decision 0056), with
/// what the trail says about it: the declaration's own entry (written once at start-up, chained like any other) and the first
/// chained entry whose time falls inside the declared window (T, RestoredAt) — which a database restored to T cannot hold.
/// </summary>
public sealed record RestoreDeclaration(DateTimeOffset RestoredTo, DateTimeOffset RestoredAt)
{
    /// <summary>The chain position of the declaration's entry; null when the trail does not hold it.</summary>
    public long? DeclarationIndex { get; init; }

    public DateTimeOffset? DeclaredAt { get; init; }

    /// <summary>The first chained entry (other than the declaration) written inside the declared window, if any.</summary>
    public long? EntryInWindowIndex { get; init; }

    public DateTimeOffset? EntryInWindowAt { get; init; }
}

/// <summary>
/// The chain recomputed by the application, compared with the signed checkpoints: at each checkpoint's position the chain must
/// have exactly the checkpoint's hash. A rewrite (even one recomputed consistently with the database's own functions), a cut
/// tail or a replaced function shows as the first checkpoint that does not match; the entries concerned lie between the last
/// checkpoint that matches and that one. After a point-in-time restore declared by configuration (decision 0056) the
/// checkpoints that cover entries after the time restored to (their last entry after T) and were signed before the restore was
/// put into service, and no longer match, are the declared restore gap — named with the declaration, not excused silently. The
/// declaration is credible only when the trail holds its entry and no chained entry was written inside the declared window;
/// otherwise nothing is excused and a window holding an entry is itself reported.
/// </summary>
public static class AuditCheckpointComparison
{
    public static CheckpointComparison Compare(bool enabled, IReadOnlyList<AuditCheckpoint> checkpoints, IReadOnlyList<string> badSignatures,
        AuditChainWalkResult walk, out IntegrityBreak? checkpointBreak, RestoreDeclaration? restore = null)
    {
        checkpointBreak = null;
        if (!enabled)
            return new CheckpointComparison(false, 0, 0, null, null, [],
                "Punti di controllo firmati non configurati (nessuna chiave pubblica): la catena è verificata solo rispetto a sé stessa.");
        var credible = restore is { DeclarationIndex: not null, EntryInWindowIndex: null };
        CheckpointMark? lastMatching = null;
        CheckpointMark? firstMismatch = null;
        var matching = 0;
        var gap = new List<AuditCheckpoint>();
        foreach (var checkpoint in checkpoints)
        {
            var matches = walk.RecomputedAt.TryGetValue(checkpoint.ChainIndex, out var hash) && Convert.ToHexStringLower(hash) == checkpoint.Hash;
            // What a checkpoint covers decides, not when it was signed: one signed after T that covers only entries up to T
            // describes entries the restore kept, and must match.
            if (!matches && credible && checkpoint.LastEntryAt is { } lastEntry && lastEntry > restore!.RestoredTo
                && checkpoint.SignedAt <= restore.RestoredAt)
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
        IntegrityBreak? restoreBreak = null;
        var restoreText = "";
        if (restore is not null)
        {
            var settings = $"le impostazioni Audit:RestoredTo ({Time(restore.RestoredTo)}) e Audit:RestoredAt ({Time(restore.RestoredAt)})";
            if (restore.EntryInWindowIndex is { } inside)
            {
                restoreText = $" Ripristino dichiarato non credibile: la voce in posizione {inside}, del {Time(restore.EntryInWindowAt)}, è nella catena " +
                              $"dentro la finestra dichiarata da {settings}; un database ripristinato a quell'istante non può contenerla. " +
                              "Nessun punto di controllo è giustificato dal ripristino: possibile manomissione o configurazione errata da verificare.";
                restoreBreak = new IntegrityBreak(IntegrityFinding.Inserted, inside, null, restoreText.Trim());
            }
            else if (restore.DeclarationIndex is null)
                restoreText = $" Sono presenti {settings}, ma la dichiarazione del ripristino non è nel registro: nessun punto di controllo è giustificato dal ripristino.";
            else
            {
                restoreText = $" Vuoto dichiarato del ripristino: {settings} dichiarano un ripristino del database al {Time(restore.RestoredTo)}, " +
                              $"messo in servizio il {Time(restore.RestoredAt)}; la dichiarazione è stata registrata per configurazione il " +
                              $"{Time(restore.DeclaredAt)} (voce in posizione {restore.DeclarationIndex}).";
                if (gap.Count > 0)
                    restoreText += $" {gap.Count} punti di controllo che coprono voci successive a quell'istante (posizioni " +
                                   $"{gap.Min(c => c.ChainIndex)}–{gap.Max(c => c.ChainIndex)}, ultime voci dal {Time(gap.Min(c => c.LastEntryAt))} al " +
                                   $"{Time(gap.Max(c => c.LastEntryAt))}, firmati dal {Time(gap.Min(c => c.SignedAt))} al {Time(gap.Max(c => c.SignedAt))}) " +
                                   "non corrispondono più: secondo la dichiarazione descrivono voci perse con il ripristino.";
            }
        }
        signatures = restoreText + signatures;
        if (firstMismatch is null)
        {
            var explanation = matching == 0 ? "Nessun punto di controllo firmato da confrontare."
                : $"La catena corrisponde a tutti i {matching} punti di controllo firmati (l'ultimo in posizione {lastMatching!.ChainIndex}, " +
                  $"firmato il {Time(lastMatching.SignedAt)}).";
            checkpointBreak = restoreBreak;
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
        if (restoreBreak is not null && restoreBreak.ChainIndex < checkpointBreak.ChainIndex) checkpointBreak = restoreBreak;
        return new CheckpointComparison(true, checkpoints.Count, matching, lastMatching, firstMismatch, badSignatures, text + signatures);
    }

    private static string Time(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString("dd/MM/yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "—";
}
