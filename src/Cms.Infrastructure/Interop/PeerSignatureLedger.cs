using Cms.Application.Interop.Contracts;
using Npgsql;

namespace Cms.Infrastructure.Interop;

/// <summary>The seen signatures, on a connection of its own (the authentication runs before any command's transaction).</summary>
public sealed class PeerSignatureLedger(NpgsqlDataSource dataSource) : IPeerSignatureLedger
{
    public async Task<bool> FirstTimeAsync(string region, string signature, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            DELETE FROM interop.seen_signatures WHERE seen_at < now() - interval '15 minutes';
            INSERT INTO interop.seen_signatures (peer_region, signature) VALUES (@region, @signature) ON CONFLICT DO NOTHING;
            """, connection);
        command.Parameters.AddWithValue("region", region);
        command.Parameters.AddWithValue("signature", signature);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }
}
