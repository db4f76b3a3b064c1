using Cms.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Activation;

/// <summary>
/// The persistence Activation's use cases see: its own tables (schema <c>activation</c>) and the shared kernel's (<see cref="ICmsDbContext"/>).
/// Other modules' data comes through their <c>Contracts</c>; the architecture tests hold it.
/// </summary>
public interface IActivationData : ICmsDbContext
{
    DbSet<Cms.Domain.Activation.ActivationRequest> ActivationRequests { get; }
}
