using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Administration.ListSessions;

/// <summary>The signed-in operator's live sessions, newest first, the current one marked [ASVS 3.3.4].</summary>
public sealed record ListSessionsQuery : IQuery<IReadOnlyList<SessionView>>;

/// <summary>
/// One live session: how and from where it started, its last request (to the minute), and when it ends if idle
/// (<see cref="IdleExpiresAt"/>) and at the latest (<see cref="ExpiresAt"/>).
/// </summary>
public sealed record SessionView(Guid Id, string Method, string? ClientAddress, DateTimeOffset StartedAt, DateTimeOffset LastSeenAt,
    DateTimeOffset IdleExpiresAt, DateTimeOffset ExpiresAt, bool Current);

public sealed class ListSessionsValidator : AbstractValidator<ListSessionsQuery>;

public sealed class ListSessionsHandler(IAdministrationData db, ICurrentUser user, IOptions<CmsOptions> options, TimeProvider clock)
    : IQueryHandler<ListSessionsQuery, IReadOnlyList<SessionView>>
{
    public async ValueTask<IReadOnlyList<SessionView>> Handle(ListSessionsQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var idle = options.Value.Sessions.IdleTimeout;
        var idleSince = now - idle;
        var sessions = await db.OperatorSessions.AsNoTracking()
            .Where(s => s.OperatorId == user.OperatorId && s.EndedAt == null && s.ExpiresAt > now && s.LastSeenAt > idleSince)
            .OrderByDescending(s => s.StartedAt).Take(100).ToListAsync(cancellationToken);
        return sessions.Select(s => new SessionView(s.Id, s.Method, s.ClientAddress, s.StartedAt, s.LastSeenAt,
            Min(s.LastSeenAt + idle, s.ExpiresAt), s.ExpiresAt, s.Id == user.SessionId)).ToList();
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
