using Cms.Domain.Outbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

internal sealed class OutboundCallConfiguration : IEntityTypeConfiguration<OutboundCall>
{
    public void Configure(EntityTypeBuilder<OutboundCall> b)
    {
        b.ToTable("calls", Schemas.Outbound);
        b.HasKey(c => c.Id);
        b.Property(c => c.Target).HasConversion(new EnumText<OutboundTarget>()).HasMaxLength(30);
        b.Property(c => c.Status).HasConversion(new EnumText<OutboundCallStatus>()).HasMaxLength(10);
        b.Property(c => c.Kind).HasMaxLength(30);
        b.Property(c => c.Reference).HasMaxLength(60);
        b.Property(c => c.Payload).HasColumnType("jsonb");
        b.Property(c => c.LastError).HasMaxLength(500);
        b.HasIndex(c => new { c.Status, c.NextAttemptAt });
    }
}
