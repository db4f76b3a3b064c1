using Cms.Domain.Common;
using Cms.Domain.Identification.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Delivery;
using Cms.Application.Interop.Common;
using Cms.Application.Interop.ReceiveInteropRequest;
using Cms.Domain.Identification;
using Cms.Infrastructure.Persistence;
using Npgsql;

namespace Cms.Infrastructure.Security;

/// <summary>How many sealed values of one kind were sealed again under the active key, and how many were already under it.</summary>
public sealed record ResealCount(string What, int Resealed, int AlreadyActive);

/// <summary>
/// The last step of a key rotation (<c>cms reseal</c>): every value sealed under an older key of the ring — card codes, peer
/// secrets, code messages, interop CIPs, first halves and answers, stored idempotent answers — is opened and sealed again
/// under the active key, row by row, each update conditional on the row still holding the ciphertext that was read (a value
/// changed meanwhile is left to its writer, who used the active key). Afterwards the old key can leave the ring.
/// </summary>
public sealed class Resealer(NpgsqlDataSource dataSource, ICodeCipher cipher)
{
    private const int Batch = 1000;

    /// <summary>One kind of sealed value: its table, the columns of its key id and ciphertext, and how its context is made.</summary>
    private sealed record SealedColumn(string What, string Table, string Keys, string KeyIdColumn, string CipherColumn,
        Func<NpgsqlDataReader, string> Context);

    private static readonly SealedColumn[] Columns =
    [
        new("peer secrets", "interop.peers", "region_code", "secret_key_id", "secret_ciphertext", r => PeerSecrets.Context(r.GetString(0).Trim())),
        new("code messages", "delivery.messages", "id", "key_id", "content_ciphertext", r => CodeMessageOutbox.Context(r.GetGuid(0))),
        new("interop CIPs", "interop.requests", "id", "secret_key_id", "secret_ciphertext", r => InteropRequests.SecretContext(r.GetGuid(0))),
        new("interop first halves", "interop.requests", "id", "first_halves_key_id", "first_halves_ciphertext",
            r => InteropRequests.FirstHalvesContext(r.GetGuid(0))),
        new("interop answers", "interop.inbound_requests", "peer_region, request_id", "answer_key_id", "answer_ciphertext",
            r => ReceiveInteropRequestHandler.AnswerContext(r.GetString(0).Trim(), r.GetGuid(1))),
        new("idempotent answers", "platform.idempotency_keys", "operator_id, key", "key_id", "body_ciphertext",
            r => IdempotencyStore.Context(r.GetGuid(0), r.GetString(1))),
    ];

    public async Task<IReadOnlyList<ResealCount>> ResealAllAsync(CancellationToken cancellationToken)
    {
        var counts = new List<ResealCount> { await ResealCardCodesAsync(cancellationToken) };
        foreach (var column in Columns) counts.Add(await ResealAsync(column, cancellationToken));
        return counts;
    }

    private async Task<ResealCount> ResealCardCodesAsync(CancellationToken cancellationToken)
    {
        var resealed = 0;
        var after = "";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        while (true)
        {
            var rows = new List<(string Number, string KeyId, byte[] Ciphertext)>();
            await using (var read = new NpgsqlCommand("""
                SELECT card_number, codes_key_id, codes_ciphertext FROM identification.cards
                WHERE codes_key_id <> @active AND card_number > @after ORDER BY card_number LIMIT @batch
                """, connection))
            {
                read.Parameters.AddWithValue("active", cipher.ActiveKeyId);
                read.Parameters.AddWithValue("after", after);
                read.Parameters.AddWithValue("batch", Batch);
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) rows.Add((reader.GetString(0), reader.GetString(1), (byte[])reader[2]));
            }
            if (rows.Count == 0) break;
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var (number, keyId, ciphertext) in rows)
            {
                var sealedAgain = cipher.Seal(number, cipher.Open(number, new EncryptedCodes(keyId, ciphertext)));
                await using var update = new NpgsqlCommand("""
                    UPDATE identification.cards SET codes_key_id = @k, codes_ciphertext = @c
                    WHERE card_number = @n AND codes_ciphertext = @old
                    """, connection, transaction);
                update.Parameters.AddWithValue("k", sealedAgain.KeyId);
                update.Parameters.AddWithValue("c", sealedAgain.Ciphertext);
                update.Parameters.AddWithValue("n", number);
                update.Parameters.AddWithValue("old", ciphertext);
                resealed += await update.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            after = rows[^1].Number;
        }
        return new ResealCount("card codes", resealed, await CountActiveAsync(connection, "identification.cards", "codes_key_id", cancellationToken));
    }

    private async Task<ResealCount> ResealAsync(SealedColumn column, CancellationToken cancellationToken)
    {
        var resealed = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var keyColumns = column.Keys.Split(',', StringSplitOptions.TrimEntries);
        var match = string.Join(" AND ", keyColumns.Select((k, i) => $"{k} = @k{i}"));
        while (true)
        {
            var rows = new List<(object[] Keys, string KeyId, byte[] Ciphertext, string Context)>();
            await using (var read = new NpgsqlCommand($"""
                SELECT {column.Keys}, {column.KeyIdColumn}, {column.CipherColumn} FROM {column.Table}
                WHERE {column.KeyIdColumn} IS NOT NULL AND {column.KeyIdColumn} <> @active AND {column.CipherColumn} IS NOT NULL
                ORDER BY {column.Keys} LIMIT @batch
                """, connection))
            {
                read.Parameters.AddWithValue("active", cipher.ActiveKeyId);
                read.Parameters.AddWithValue("batch", Batch);
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var keys = keyColumns.Select((_, i) => reader.GetValue(i)).ToArray();
                    rows.Add((keys, reader.GetString(keyColumns.Length), (byte[])reader[keyColumns.Length + 1], column.Context(reader)));
                }
            }
            if (rows.Count == 0) break;
            var changedInBatch = 0;
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var (keys, keyId, ciphertext, context) in rows)
            {
                var (newKeyId, newCiphertext) = cipher.SealBytes(cipher.OpenBytes(keyId, ciphertext, context), context);
                await using var update = new NpgsqlCommand($"""
                    UPDATE {column.Table} SET {column.KeyIdColumn} = @newKey, {column.CipherColumn} = @new
                    WHERE {match} AND {column.CipherColumn} = @old
                    """, connection, transaction);
                for (var i = 0; i < keys.Length; i++) update.Parameters.AddWithValue($"k{i}", keys[i]);
                update.Parameters.AddWithValue("newKey", newKeyId);
                update.Parameters.AddWithValue("new", newCiphertext);
                update.Parameters.AddWithValue("old", ciphertext);
                changedInBatch += await update.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            resealed += changedInBatch;
            if (changedInBatch == 0) break; // every row read was rewritten meanwhile, by writers sealing under the active key
        }
        return new ResealCount(column.What, resealed, await CountActiveAsync(connection, column.Table, column.KeyIdColumn, cancellationToken));
    }

    private async Task<int> CountActiveAsync(NpgsqlConnection connection, string table, string keyIdColumn, CancellationToken cancellationToken)
    {
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE {keyIdColumn} = @active", connection);
        count.Parameters.AddWithValue("active", cipher.ActiveKeyId);
        return (int)(long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }
}
