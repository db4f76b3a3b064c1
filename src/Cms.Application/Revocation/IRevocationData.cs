using Cms.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Revocation;

/// <summary>
/// The persistence Revocation's use cases see: its own tables (schema <c>revocation</c>) and the shared kernel's (<see cref="ICmsDbContext"/>).
/// Other modules' data comes through their <c>Contracts</c>; the architecture tests hold it.
/// </summary>
public interface IRevocationData : ICmsDbContext
{
    DbSet<Cms.Domain.Revocation.RevocationRequest> RevocationRequests { get; }
    DbSet<Cms.Domain.Revocation.CipAttempt> CipAttempts { get; }
    DbSet<Cms.Domain.Revocation.IssuerRevocation> IssuerRevocations { get; }
    DbSet<Cms.Domain.Revocation.StateChange> StateChanges { get; }
    DbSet<Cms.Domain.Revocation.CallCentreIdentification> CallCentreIdentifications { get; }
    DbSet<Cms.Domain.Revocation.CallCentreStateChange> CallCentreStateChanges { get; }
}
