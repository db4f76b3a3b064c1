using Cms.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration;

/// <summary>
/// The persistence Administration's use cases see: its own tables (schema <c>administration</c>) and the shared kernel's (<see cref="ICmsDbContext"/>).
/// Other modules' data comes through their <c>Contracts</c>; the architecture tests hold it.
/// </summary>
public interface IAdministrationData : ICmsDbContext
{
    DbSet<Cms.Domain.Administration.Counter> Counters { get; }
    DbSet<Cms.Domain.Administration.Operator> Operators { get; }
    DbSet<Cms.Domain.Administration.OperatorSession> OperatorSessions { get; }
    DbSet<Cms.Domain.Administration.Notice> Notices { get; }
    DbSet<Cms.Domain.Administration.RecipientUse> RecipientUses { get; }
    DbSet<Cms.Domain.Administration.RecipientApproval> RecipientApprovals { get; }
    DbSet<Cms.Domain.Administration.SignInThrottle> SignInThrottles { get; }
}
