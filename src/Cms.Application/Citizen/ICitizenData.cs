using Cms.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Citizen;

/// <summary>
/// The persistence Citizen's use cases see: its own tables (schema <c>citizen</c>) and the shared kernel's (<see cref="ICmsDbContext"/>).
/// Other modules' data comes through their <c>Contracts</c>; the architecture tests hold it.
/// </summary>
public interface ICitizenData : ICmsDbContext
{
    DbSet<Cms.Domain.Citizen.Renewal> Renewals { get; }
}
