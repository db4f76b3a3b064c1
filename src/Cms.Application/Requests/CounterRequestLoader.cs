using Cms.Application.Common.Abstractions;
using Cms.Domain.Common;
using Cms.Domain.Requests;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Requests;

/// <summary>
/// Loads a counter request of any operation: visible only to the counter that created it (others get 404), and, for a
/// change, locked until the command's transaction ends — which serialises two confirms of the same request.
/// </summary>
public sealed class CounterRequestLoader(ICmsDbContext db, ICurrentUser user)
{
    public async Task<T> LoadAsync<T>(Guid id, string notFound, CancellationToken cancellationToken, bool forUpdate = false) where T : CounterRequest
    {
        var request = forUpdate
            ? await db.RowForUpdate<T>(id).SingleOrDefaultAsync(cancellationToken)
            : await db.Requests<T>().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null || request.CounterCode != user.CounterCode)
            throw new DomainRuleException("request-not-found", notFound, RuleKind.NotFound);
        return request;
    }
}
