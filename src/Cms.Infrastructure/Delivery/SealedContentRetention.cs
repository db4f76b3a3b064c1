using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Delivery;

/// <summary>
/// How long the interoperability's sealed answers are kept: the Interop module's setting (<c>Interop:PurgeAnswersAfterDays</c>),
/// handed to this job where the options are registered, so the kernel names no module (decision 0052).
/// </summary>
public sealed class SealedContentRetentionOptions
{
    public int InteropAnswersAfterDays { get; set; } = 7;
}

/// <summary>How many sealed values one run erased, by kind.</summary>
public sealed record PurgedCounts(int CodeMessages, int InteropFirstHalves, int InteropAnswers, int RecipientProofs = 0);

/// <summary>
/// Keeps no code half longer than it serves (issue 23): erases the sealed content of code messages SENT more than
/// <see cref="DeliveryOptions.PurgeSentAfterDays"/> ago (or FAILED, counted from their creation: nothing sends them again), the
/// first halves of interop requests completed more than <see cref="SealedContentRetentionOptions.InteropAnswersAfterDays"/> (<c>Interop:PurgeAnswersAfterDays</c>) ago, and the
/// sealed answers given to peers' requests received that long ago. The rows stay, with their status and dates. The
/// recipient proofs (decision 0036), whose codes live minutes, are deleted 30 days after their last use. A recurring job;
/// batches keep each transaction short.
/// </summary>
public sealed class SealedContentRetention(
    NpgsqlDataSource dataSource, IOptions<DeliveryOptions> delivery, IOptions<SealedContentRetentionOptions> retention, ILogger<SealedContentRetention> logger)
{
    private const int Batch = 5_000;

    public async Task<PurgedCounts> PurgeAsync(CancellationToken cancellationToken)
    {
        var messagesAfter = TimeSpan.FromDays(delivery.Value.PurgeSentAfterDays);
        var answersAfter = TimeSpan.FromDays(retention.Value.InteropAnswersAfterDays);
        var counts = new PurgedCounts(
            await PurgeAsync("delivery.messages", "key_id = NULL, content_ciphertext = NULL", """
                content_ciphertext IS NOT NULL
                AND ((status = 'SENT' AND sent_at < now() - @after) OR (status = 'FAILED' AND created_at < now() - @after))
                """, messagesAfter, cancellationToken),
            await PurgeAsync("interop.requests", "first_halves_key_id = NULL, first_halves_ciphertext = NULL",
                "first_halves_ciphertext IS NOT NULL AND status = 'COMPLETED' AND completed_at < now() - @after", answersAfter, cancellationToken),
            await PurgeAsync("interop.inbound_requests", "answer_key_id = NULL, answer_ciphertext = NULL",
                "answer_ciphertext IS NOT NULL AND received_at < now() - @after", answersAfter, cancellationToken),
            await PurgeAsync("delivery.recipient_proofs", null,
                "coalesce(verified_at, last_sent_at, created_at) < now() - @after", RecipientProofsAfter, cancellationToken));
        if (counts != new PurgedCounts(0, 0, 0))
            logger.LogInformation(
                "Sealed content erased: {CodeMessages} code message(s), {FirstHalves} interop first halves, {Answers} interop answer(s), {Proofs} recipient proof(s)",
                counts.CodeMessages, counts.InteropFirstHalves, counts.InteropAnswers, counts.RecipientProofs);
        return counts;
    }

    /// <summary>A proof's row is its request's count of wrong tries: kept well beyond any request's life.</summary>
    public static readonly TimeSpan RecipientProofsAfter = TimeSpan.FromDays(30);

    /// <summary>Erases <paramref name="erase"/> in the rows due, or deletes them when it is null.</summary>
    private async Task<int> PurgeAsync(string table, string? erase, string due, TimeSpan after, CancellationToken cancellationToken)
    {
        var purged = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        while (true)
        {
            var rows = $"ctid = ANY (ARRAY(SELECT ctid FROM {table} WHERE {due} LIMIT @batch))";
            await using var command = new NpgsqlCommand(erase is null ? $"DELETE FROM {table} WHERE {rows}" : $"UPDATE {table} SET {erase} WHERE {rows}",
                connection);
            command.Parameters.AddWithValue("after", after);
            command.Parameters.AddWithValue("batch", Batch);
            var erased = await command.ExecuteNonQueryAsync(cancellationToken);
            purged += erased;
            if (erased < Batch) return purged;
        }
    }
}
