using Cms.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Interop;

/// <summary>
/// The persistence Interop's use cases see: its own tables (schema <c>interop</c>) and the shared kernel's (<see cref="ICmsDbContext"/>).
/// Other modules' data comes through their <c>Contracts</c>; the architecture tests hold it.
/// </summary>
public interface IInteropData : ICmsDbContext
{
    DbSet<Cms.Domain.Interop.Peer> Peers { get; }
    DbSet<Cms.Domain.Interop.InteropRequest> InteropRequests { get; }
    DbSet<Cms.Domain.Interop.InboundInteropRequest> InboundInteropRequests { get; }
}
