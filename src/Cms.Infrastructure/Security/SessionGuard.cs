using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Security;

/// <summary>
/// The check of every authenticated request, in one round trip on the primary: the session is live (not ended, not idle
/// past the timeout, before its absolute end), belongs to the token's operator, and the operator is still enabled for the
/// CMS. The last request is written at most once per <see cref="SessionOptions.ActivityResolution"/>, in the same
/// statement. No cache: a session ended on one instance is refused by every instance on the next request.
/// </summary>
public sealed class SessionGuard(NpgsqlDataSource dataSource, IOptions<CmsOptions> options, TimeProvider clock) : ISessionGuard
{
    private const string Sql = """
        WITH live AS (
            SELECT s.id, s.last_seen_at
              FROM administration.operator_sessions s
              JOIN administration.operators o ON o.id = s.operator_id
             WHERE s.id = $1 AND s.operator_id = $2 AND s.ended_at IS NULL
               AND s.expires_at > $3 AND s.last_seen_at > $4 AND o.enabled_for_cms),
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
