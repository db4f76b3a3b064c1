using Cms.Domain.Common;
using Cms.Application.Common.Abstractions;
using Cms.Domain.Administration;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.Common;

/// <summary>Ends sessions in the same unit of work as the change that calls for it: both commit, or neither.</summary>
public static class OperatorSessions
{
    /// <summary>Ends every live session of the operators given, for the reason given; returns how many.</summary>
    public static async Task<int> EndAllAsync(IAdministrationData db, IReadOnlyCollection<Guid> operatorIds, SessionEndReason reason,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (operatorIds.Count == 0) return 0;
        var live = await db.OperatorSessions.Where(s => operatorIds.Contains(s.OperatorId) && s.EndedAt == null)
            .ToListAsync(cancellationToken);
        foreach (var session in live) session.End(reason, now);
        return live.Count;
    }

    public static Task<int> EndAllAsync(IAdministrationData db, Guid operatorId, SessionEndReason reason, DateTimeOffset now,
        CancellationToken cancellationToken) => EndAllAsync(db, [operatorId], reason, now, cancellationToken);
}
