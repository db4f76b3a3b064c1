using Cms.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Reprint;

/// <summary>
/// The persistence Reprint's use cases see: its own tables (schema <c>reprint</c>) and the shared kernel's (<see cref="ICmsDbContext"/>).
/// Other modules' data comes through their <c>Contracts</c>; the architecture tests hold it.
/// </summary>
public interface IReprintData : ICmsDbContext
{
    DbSet<Cms.Domain.Reprint.ReprintRequest> ReprintRequests { get; }
}
