using Cms.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Identification;

/// <summary>
/// The persistence Identification's use cases see: its own tables (schema <c>identification</c>) and the shared kernel's (<see cref="ICmsDbContext"/>).
/// Other modules' data comes through their <c>Contracts</c>; the architecture tests hold it.
/// </summary>
public interface IIdentificationData : ICmsDbContext
{
    DbSet<Cms.Domain.Identification.Holder> Holders { get; }
    DbSet<Cms.Domain.Identification.Card> Cards { get; }
}
