using Cms.Domain.Readers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

internal sealed class ReaderDeliveryConfiguration : IEntityTypeConfiguration<ReaderDelivery>
{
    public void Configure(EntityTypeBuilder<ReaderDelivery> b)
    {
        b.ToTable("deliveries", Schemas.Readers);
        CounterRequestMapping.MapLifecycle(b);
        b.Property(r => r.HouseholdId).HasMaxLength(40);
        b.Property(r => r.OverrideReason).HasMaxLength(300);
        b.Property(r => r.ReaderSerial).HasMaxLength(60);
        b.HasIndex(r => new { r.HolderCodiceFiscale, r.Status });
        b.HasIndex(r => new { r.HouseholdId, r.Status });
    }
}
