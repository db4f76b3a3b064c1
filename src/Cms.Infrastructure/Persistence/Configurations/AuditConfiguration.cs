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
        // The auditor's listing of one counter's period (decision 0063): without it, every entry of the period is read.
        b.HasIndex(o => new { o.CounterCode, o.OccurredAt });
        b.HasIndex(o => o.OccurredAt);
    }
}

internal sealed class CounterDayCountConfiguration : IEntityTypeConfiguration<CounterDayCount>
{
    public void Configure(EntityTypeBuilder<CounterDayCount> b)
    {
        b.ToTable("counter_day_counts", Schemas.Audit);
        b.HasKey(c => new { c.Day, c.Region, c.CounterCode, c.Type });
        OperationCountColumns.Map(b);
        b.HasIndex(c => new { c.CounterCode, c.Day });
    }
}

internal sealed class CounterMonthCountConfiguration : IEntityTypeConfiguration<CounterMonthCount>
{
    public void Configure(EntityTypeBuilder<CounterMonthCount> b)
    {
        b.ToTable("counter_month_counts", Schemas.Audit);
        b.HasKey(c => new { c.Month, c.Region, c.CounterCode, c.Type });
        OperationCountColumns.Map(b);
    }
}

internal sealed class RegionDayCountConfiguration : IEntityTypeConfiguration<RegionDayCount>
{
    public void Configure(EntityTypeBuilder<RegionDayCount> b)
    {
        b.ToTable("region_day_counts", Schemas.Audit);
        b.HasKey(c => new { c.Day, c.Region, c.Type });
        OperationCountColumns.Map(b);
    }
}

internal static class OperationCountColumns
{
    public static void Map<T>(EntityTypeBuilder<T> b) where T : class
    {
        b.Property<string>("Region").HasMaxLength(3);
        if (b.Metadata.FindProperty("CounterCode") is not null) b.Property<string>("CounterCode").HasMaxLength(40);
        b.Property<OperationType>("Type").HasConversion(new EnumText<OperationType>()).HasMaxLength(40);
    }
}
