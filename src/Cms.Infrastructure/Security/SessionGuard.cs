using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Security;

/// <summary>
/// The check of every authenticated request, in one round trip on the primary: the session is live (not ended, not idle
/// past the timeout, before its absolute end), belongs to the token's operator, and the operator is still enabled for the
/// CMS at an active counter (also when a sign-in raced a counter's deactivation). The last request is written at most once per <see cref="SessionOptions.ActivityResolution"/>, in the same
/// statement. No cache: a session ended on one instance is refused by every instance on the next request.
/// </summary>
public sealed class SessionGuard(NpgsqlDataSource dataSource, IOptions<CmsOptions> options, TimeProvider clock) : ISessionGuard
{
    private const string Sql = """
        WITH live AS (
            SELECT s.id, s.last_seen_at
              FROM administration.operator_sessions s
              JOIN administration.operators o ON o.id = s.operator_id
              LEFT JOIN administration.counters c ON c.code = o.counter_code
             WHERE s.id = $1 AND s.operator_id = $2 AND s.ended_at IS NULL
               AND s.expires_at > $3 AND s.last_seen_at > $4 AND o.enabled_for_cms
               AND (o.counter_code IS NULL OR c.active)),
        touched AS (
            UPDATE administration.operator_sessions t SET last_seen_at = $3
              FROM live WHERE t.id = live.id AND live.last_seen_at <= $5
            RETURNING t.id)
        SELECT count(*) FROM live
        """;

    public async Task<bool> CheckAsync(Guid sessionId, Guid operatorId, CancellationToken cancellationToken)
    {
        var sessions = options.Value.Sessions;
        var now = clock.GetUtcNow();
        await using var command = dataSource.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = sessionId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = operatorId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - sessions.IdleTimeout });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - sessions.ActivityResolution });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }
}

/// <summary>
/// Deletes sessions whose absolute end is older than <see cref="SessionOptions.RetentionDays"/>: a session row holds the
/// operator's address and how their session ended, kept for the security officer's questions and not longer (the trail keeps
/// the sign-in and sign-out entries). A recurring job; batches keep each transaction short.
/// </summary>
public sealed class SessionRetention(NpgsqlDataSource dataSource, IOptions<CmsOptions> options, TimeProvider clock)
{
    private const int Batch = 10_000;

    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - TimeSpan.FromDays(options.Value.Sessions.RetentionDays);
        var purged = 0;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        while (true)
        {
            await using var command = new NpgsqlCommand("""
                DELETE FROM administration.operator_sessions WHERE id = ANY (ARRAY(
                    SELECT id FROM administration.operator_sessions WHERE expires_at < $1 LIMIT $2))
                """, connection);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = before });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Batch });
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            purged += deleted;
            if (deleted < Batch) return purged;
        }
    }
}
