using Cms.Domain.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

internal sealed class OperationEntryConfiguration : IEntityTypeConfiguration<OperationEntry>
{
    public void Configure(EntityTypeBuilder<OperationEntry> b)
    {
        b.ToTable("operations", Schemas.Audit);
        b.HasKey(o => o.Sequence);
        b.Property(o => o.Sequence).UseIdentityAlwaysColumn();
        b.HasIndex(o => o.Id).IsUnique();
        b.Property(o => o.Type).HasConversion(new EnumText<OperationType>()).HasMaxLength(40);
        b.Property(o => o.Outcome).HasConversion(new EnumText<OperationOutcome>()).HasMaxLength(20);
        b.Property(o => o.OperatorCodiceFiscale).HasMaxLength(16);
        b.Property(o => o.CounterCode).HasMaxLength(40);
        b.Property(o => o.Region).HasMaxLength(3);
        b.Property(o => o.CardNumber).HasMaxLength(20);
        b.Property(o => o.HolderCodiceFiscale).HasMaxLength(16);
        b.Property(o => o.RequestId).HasMaxLength(64);
        b.Property(o => o.Detail).HasMaxLength(200);
        b.HasIndex(o => o.CardNumber);
        b.HasIndex(o => o.HolderCodiceFiscale);
        b.HasIndex(o => new { o.OperatorId, o.OccurredAt });
        b.HasIndex(o => o.OccurredAt);
    }
}
