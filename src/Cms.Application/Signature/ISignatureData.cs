using Cms.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Signature;

/// <summary>
/// The persistence Signature's use cases see: its own tables (schema <c>signature</c>) and the shared kernel's (<see cref="ICmsDbContext"/>).
/// Other modules' data comes through their <c>Contracts</c>; the architecture tests hold it.
/// </summary>
public interface ISignatureData : ICmsDbContext
{
    DbSet<Cms.Domain.Signature.SignatureCertificateRequest> SignatureRequests { get; }
}
