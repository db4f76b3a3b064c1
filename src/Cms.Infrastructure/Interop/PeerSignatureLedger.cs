using Cms.Application.Interop.Contracts;
using Npgsql;

namespace Cms.Infrastructure.Interop;

/// <summary>The seen signatures, on a connection of its own (the authentication runs before any command's transaction).</summary>
public sealed class PeerSignatureLedger(NpgsqlDataSource dataSource) : IPeerSignatureLedger
{
    public async Task<bool> FirstTimeAsync(string region, string signature, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // Two statements, read apart: the purge's count must never pass for a new signature (a replay would be let in
        // whenever an old one was cleared on the same call).
        await using (var purge = new NpgsqlCommand("DELETE FROM interop.seen_signatures WHERE seen_at < now() - interval '15 minutes'", connection))
            await purge.ExecuteNonQueryAsync(cancellationToken);
        await using var record = new NpgsqlCommand("""
            INSERT INTO interop.seen_signatures (peer_region, signature) VALUES (@region, @signature) ON CONFLICT DO NOTHING RETURNING true
            """, connection);
        record.Parameters.AddWithValue("region", region);
        record.Parameters.AddWithValue("signature", signature);
        return await record.ExecuteScalarAsync(cancellationToken) is true;
    }

    public async Task<bool> FirstTimeAllAsync(string region, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var purge = new NpgsqlCommand("DELETE FROM interop.seen_signatures WHERE seen_at < now() - interval '15 minutes'", connection))
            await purge.ExecuteNonQueryAsync(cancellationToken);
        // Every key inserted, or the call is a replay (a key already seen is not inserted again, so the count falls short).
        await using var record = new NpgsqlCommand("""
            INSERT INTO interop.seen_signatures (peer_region, signature) SELECT @region, k FROM unnest(@keys) AS k ON CONFLICT DO NOTHING
            """, connection);
        record.Parameters.AddWithValue("region", region);
        record.Parameters.AddWithValue("keys", keys.Distinct().ToArray());
        return await record.ExecuteNonQueryAsync(cancellationToken) == keys.Count && keys.Distinct().Count() == keys.Count;
    }
}
