using Cms.Domain.Signature;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

/// <summary>Digital-signature certificate requests [S 7] in the Signature module's schema.</summary>
internal sealed class SignatureCertificateRequestConfiguration : IEntityTypeConfiguration<SignatureCertificateRequest>
{
    public void Configure(EntityTypeBuilder<SignatureCertificateRequest> b)
    {
        b.ToTable("certificate_requests", Schemas.Signature);
        CounterRequestMapping.MapAttended(b);
        b.Ignore(r => r.FormsPrinted);
    }
}
