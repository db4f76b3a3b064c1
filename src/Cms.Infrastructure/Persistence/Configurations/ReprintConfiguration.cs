using Cms.Domain.Reprint.Contracts;
using Cms.Domain.Reprint;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

internal sealed class ReprintRequestConfiguration : IEntityTypeConfiguration<ReprintRequest>
{
    public void Configure(EntityTypeBuilder<ReprintRequest> b)
    {
        b.ToTable("reprint_requests", Schemas.Reprint);
        CounterRequestMapping.Map(b);
        b.Property(r => r.Reason).HasConversion(new EnumText<ReprintReason>()).HasMaxLength(30);
        b.Property(r => r.ReasonNote).HasMaxLength(300);
        b.Property(r => r.OutsideHealthAuthorityReason).HasMaxLength(ReprintPlace.ReasonMaxLength);
    }
}
