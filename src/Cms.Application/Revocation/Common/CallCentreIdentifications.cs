using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Domain.Revocation;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Revocation.Common;

/// <summary>An identification of the calling operator, still valid: another operator's answers 404, an old one 409.</summary>
public sealed class CallCentreIdentifications(IRevocationData db, ICurrentUser user, TimeProvider clock)
{
    public async Task<CallCentreIdentification> LoadUsableAsync(Guid id, AuditScope audit, CancellationToken cancellationToken)
    {
        var identification = await db.CallCentreIdentifications.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, cancellationToken)
            ?? throw CallCentreIdentification.NotFound();
        identification.EnsureUsableBy(user.OperatorId!.Value, clock.GetUtcNow());
        audit.Touch(identification.CardNumber, identification.HolderCodiceFiscale);
        return identification;
    }
}
