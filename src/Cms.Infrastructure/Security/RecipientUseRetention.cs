using Cms.Application.Common.Options;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Security;

/// <summary>
/// Deletes the uses of delivery addresses older than <see cref="RecipientOptions.SharedWindowDays"/> (decision 0034): past the
/// window they no longer refuse anything, and the index keeps no more than it needs. A recurring job; batches keep each
/// transaction short.
/// </summary>
public sealed class RecipientUseRetention(NpgsqlDataSource dataSource, IOptions<CmsOptions> options, TimeProvider clock)
{
    private const int Batch = 10_000;

    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - TimeSpan.FromDays(options.Value.Recipients.SharedWindowDays);
        var purged = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        while (true)
        {
            await using var command = new NpgsqlCommand("""
                DELETE FROM administration.recipient_uses WHERE id = ANY (ARRAY(
                    SELECT id FROM administration.recipient_uses WHERE used_at < $1 LIMIT $2))
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = before });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Batch });
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            purged += deleted;
            if (deleted < Batch) return purged;
        }
    }
}
