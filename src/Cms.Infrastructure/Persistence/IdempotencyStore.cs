using Cms.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Cms.Infrastructure.Persistence;

/// <summary>
/// Table platform.idempotency_keys; answers are kept 24 hours, sealed with the code key; a request is known by its keyed
/// fingerprint (<see cref="RequestFingerprint"/>), never by a plain hash of its body. Reservations are written and given
/// back on connections of their own (a retry must see them at once); answers in the request's transaction.
/// </summary>
public sealed class IdempotencyStore(NpgsqlDataSource dataSource, CmsDbContext db, ICodeCipher cipher,
    Microsoft.Extensions.Options.IOptions<IdempotencyOptions> options)
    : IIdempotencyStore
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>
    /// The citizen's self-activation (decision 0047): its answer carries the whole codes, so it is replayed (to the same certificate)
    /// only this long — enough for a double click or a retry after a timeout — and deleted soon after (<see cref="PurgeCitizenAsync"/>).
    /// </summary>
    public static readonly TimeSpan CitizenRetention = TimeSpan.FromMinutes(10);

    /// <summary>The requests kept only <see cref="CitizenRetention"/>.</summary>
    public const string CitizenPathPrefix = "/api/v1/citizen";

    /// <summary>SQL: how long a row is kept, by its path (<c>k</c> the row's alias).</summary>
    private const string RetentionOf = "CASE WHEN starts_with(lower(k.path), '" + CitizenPathPrefix + "/') THEN @citizen_retention ELSE @retention END";

    public async Task<IdempotencyBegin> BeginAsync(Guid operatorId, string key, string method, string path, RequestFingerprint request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (path.StartsWith(CitizenPathPrefix + "/", StringComparison.OrdinalIgnoreCase)) await PurgeCitizenAsync(connection, cancellationToken);
        await using (var reserve = new NpgsqlCommand($"""
            INSERT INTO platform.idempotency_keys AS k (operator_id, key, method, path, request_hash, created_at)
            VALUES (@o, @k, @m, @p, @h, now())
            ON CONFLICT (operator_id, key) DO UPDATE
                SET method = excluded.method, path = excluded.path, request_hash = excluded.request_hash, created_at = now(),
                    status_code = NULL, content_type = NULL, location = NULL, key_id = NULL, body_ciphertext = NULL, completed_at = NULL
                WHERE (k.status_code IS NULL AND k.created_at < now() - @lease) OR k.created_at < now() - {RetentionOf}
            """, connection))
        {
            reserve.Parameters.AddWithValue("citizen_retention", CitizenRetention);
            // A key older than the retention is new again (its answer is forgotten, as the retention job would have).
            // A reservation without an answer older than the lease was left by a process that died (or lost its database)
            // mid-request: the retry takes it over. Nothing of that run committed (its answer commits with its effects), unless
            // it is still running, stuck past the lease: then the first of the two to commit answers, the other rolls back.
            reserve.Parameters.AddWithValue("retention", Retention);
            reserve.Parameters.AddWithValue("lease", TimeSpan.FromSeconds(options.Value.InProgressLeaseSeconds));
            reserve.Parameters.AddWithValue("o", operatorId);
            reserve.Parameters.AddWithValue("k", key);
            reserve.Parameters.AddWithValue("m", method);
            reserve.Parameters.AddWithValue("p", path);
            reserve.Parameters.AddWithValue("h", request.Current);
            if (await reserve.ExecuteNonQueryAsync(cancellationToken) == 1) return new IdempotencyBegin(IdempotencyOutcome.Reserved, null);
        }
        await using var read = new NpgsqlCommand("""
            SELECT method, path, request_hash, status_code, content_type, location, key_id, body_ciphertext
            FROM platform.idempotency_keys WHERE operator_id = @o AND key = @k
            """, connection);
        read.Parameters.AddWithValue("o", operatorId);
        read.Parameters.AddWithValue("k", key);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return new IdempotencyBegin(IdempotencyOutcome.InProgress, null);
        if (reader.GetString(0) != method || reader.GetString(1) != path || !request.Matches(reader.GetString(2)))
            return new IdempotencyBegin(IdempotencyOutcome.Mismatch, null);
        if (reader.IsDBNull(3)) return new IdempotencyBegin(IdempotencyOutcome.InProgress, null);
        var body = cipher.OpenBytes(reader.GetString(6), (byte[])reader[7], Context(operatorId, key));
        return new IdempotencyBegin(IdempotencyOutcome.Replay, new StoredResponse(reader.GetInt32(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), body));
    }

    public async Task<bool> CompleteAsync(Guid operatorId, string key, string method, string path, RequestFingerprint request, StoredResponse response,
        CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not { } transaction)
            throw new InvalidOperationException("The answer is written in the request's transaction.");
        var (keyId, ciphertext) = cipher.SealBytes(response.Body, Context(operatorId, key));
        // An upsert: a run that gave the key back (it failed while this one, which took the key over, was running) has deleted
        // the reservation. The answer is written only over this request's own unanswered reservation.
        await using var command = new NpgsqlCommand("""
            INSERT INTO platform.idempotency_keys AS k (operator_id, key, method, path, request_hash, created_at,
                                                        status_code, content_type, location, key_id, body_ciphertext, completed_at)
            VALUES (@o, @k, @m, @p, @h, now(), @s, @c, @l, @kid, @b, clock_timestamp())
            ON CONFLICT (operator_id, key) DO UPDATE
                SET status_code = excluded.status_code, content_type = excluded.content_type, location = excluded.location,
                    key_id = excluded.key_id, body_ciphertext = excluded.body_ciphertext, completed_at = excluded.completed_at
                WHERE k.status_code IS NULL AND k.method = excluded.method AND k.path = excluded.path AND k.request_hash = ANY (@all)
            """, (NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction());
        command.Parameters.AddWithValue("o", operatorId);
        command.Parameters.AddWithValue("k", key);
        command.Parameters.AddWithValue("m", method);
        command.Parameters.AddWithValue("p", path);
        command.Parameters.AddWithValue("h", request.Current);
        command.Parameters.AddWithValue("all", request.Digests.ToArray());
        command.Parameters.AddWithValue("s", response.StatusCode);
        command.Parameters.AddWithValue("c", (object?)response.ContentType ?? DBNull.Value);
        command.Parameters.AddWithValue("l", (object?)response.Location ?? DBNull.Value);
        command.Parameters.AddWithValue("kid", keyId);
        command.Parameters.AddWithValue("b", ciphertext);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task AbandonAsync(Guid operatorId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "DELETE FROM platform.idempotency_keys WHERE operator_id = @o AND key = @k AND status_code IS NULL", connection);
        command.Parameters.AddWithValue("o", operatorId);
        command.Parameters.AddWithValue("k", key);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The citizens' answers past <see cref="CitizenRetention"/> are deleted at each citizen's request and by the hourly job.</summary>
    internal static async Task<int> PurgeCitizenAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "DELETE FROM platform.idempotency_keys WHERE created_at < now() - @citizen_retention AND starts_with(lower(path), '" + CitizenPathPrefix + "/')",
            connection);
        command.Parameters.AddWithValue("citizen_retention", CitizenRetention);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static string Context(Guid operatorId, string key) => $"idempotency:{operatorId:N}:{key}";
}

/// <summary>Section <c>Idempotency</c>.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>A key reserved this long without an answer was left by a process that died mid-request: a retry takes it over.</summary>
    public int InProgressLeaseSeconds { get; set; } = 30;

    /// <summary>When the keys and answers older than <see cref="IdempotencyStore.Retention"/> are deleted (Hangfire cron, hourly).</summary>
    public string RetentionCron { get; set; } = "17 * * * *";
}

/// <summary>
/// Deletes the keys and their stored answers (sealed, a confirm's carry first halves) once they are older than
/// <see cref="IdempotencyStore.Retention"/>: a retry after that runs as a new request. A recurring job; batches keep each
/// transaction short.
/// </summary>
public sealed class IdempotencyRetention(NpgsqlDataSource dataSource)
{
    private const int Batch = 10_000;

    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var purged = await IdempotencyStore.PurgeCitizenAsync(connection, cancellationToken);
        while (true)
        {
            await using var command = new NpgsqlCommand("""
                DELETE FROM platform.idempotency_keys WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM platform.idempotency_keys WHERE created_at < now() - @retention LIMIT @batch))
                """, connection);
            command.Parameters.AddWithValue("retention", IdempotencyStore.Retention);
            command.Parameters.AddWithValue("batch", Batch);
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            purged += deleted;
            if (deleted < Batch) return purged;
        }
    }
}

/// <summary>Only for the migration: the table the store above works on.</summary>
public sealed class IdempotencyKey
{
    public Guid OperatorId { get; set; }
    public string Key { get; set; } = null!;
    public string Method { get; set; } = null!;
    public string Path { get; set; } = null!;
    public string RequestHash { get; set; } = null!;
    public int? StatusCode { get; set; }
    public string? ContentType { get; set; }
    public string? Location { get; set; }
    public string? KeyId { get; set; }
    public byte[]? BodyCiphertext { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}
