using Cms.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Consents;

/// <summary>
/// The persistence Consents's use cases see: its own tables (schema <c>consents</c>) and the shared kernel's (<see cref="ICmsDbContext"/>).
/// Other modules' data comes through their <c>Contracts</c>; the architecture tests hold it.
/// </summary>
public interface IConsentsData : ICmsDbContext
{
    DbSet<Cms.Domain.Consents.ConsentRequest> ConsentRequests { get; }
    DbSet<Cms.Domain.Consents.ConsentVersion> ConsentVersions { get; }
}
