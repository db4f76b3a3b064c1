using Cms.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Readers;

/// <summary>
/// The persistence Readers's use cases see: its own tables (schema <c>readers</c>) and the shared kernel's (<see cref="ICmsDbContext"/>).
/// Other modules' data comes through their <c>Contracts</c>; the architecture tests hold it.
/// </summary>
public interface IReadersData : ICmsDbContext
{
    DbSet<Cms.Domain.Readers.ReaderDelivery> ReaderDeliveries { get; }
}
