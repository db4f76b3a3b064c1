using Cms.Domain.Common;
using Cms.Domain.Administration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

internal sealed class CounterConfiguration : IEntityTypeConfiguration<Counter>
{
    public void Configure(EntityTypeBuilder<Counter> b)
    {
        b.ToTable("counters", Schemas.Administration);
        b.HasKey(c => c.Code);
        b.Property(c => c.Code).HasMaxLength(40);
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Type).HasConversion(new EnumText<CounterType>()).HasMaxLength(30);
        b.Property(c => c.Region).HasMaxLength(3).IsFixedLength();
    }
}

internal sealed class NoticeConfiguration : IEntityTypeConfiguration<Notice>
{
    public void Configure(EntityTypeBuilder<Notice> b)
    {
        b.ToTable("notices", Schemas.Administration);
        b.HasKey(n => n.Id);
        b.Property(n => n.Title).HasMaxLength(200);
        b.Property(n => n.Body).HasMaxLength(4000);
        b.HasIndex(n => n.VisibleFrom);
    }
}

internal sealed class OperatorConfiguration : IEntityTypeConfiguration<Operator>
{
    public void Configure(EntityTypeBuilder<Operator> b)
    {
        b.ToTable("operators", Schemas.Administration);
        b.HasKey(o => o.Id);
        b.HasIndex(o => o.CodiceFiscale).IsUnique();
        b.Property(o => o.CodiceFiscale).HasMaxLength(16).IsFixedLength();
        b.Property(o => o.GivenName).HasMaxLength(100);
        b.Property(o => o.Surname).HasMaxLength(100);
        b.Property(o => o.CounterCode).HasMaxLength(40);
        b.Property(o => o.PasswordHash).HasMaxLength(200);
        b.Property(o => o.Roles).HasColumnType("text[]");
        b.Property(o => o.Version).HasColumnName("xmin").HasColumnType("xid").ValueGeneratedOnAddOrUpdate().IsConcurrencyToken();
        b.HasOne<Counter>().WithMany().HasForeignKey(o => o.CounterCode).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OperatorSessionConfiguration : IEntityTypeConfiguration<OperatorSession>
{
    public void Configure(EntityTypeBuilder<OperatorSession> b)
    {
        b.ToTable("operator_sessions", Schemas.Administration);
        b.HasKey(s => s.Id);
        b.Property(s => s.Method).HasMaxLength(10);
        b.Property(s => s.ClientAddress).HasMaxLength(64);
        b.Property(s => s.EndReason).HasConversion(new EnumText<SessionEndReason>()).HasMaxLength(30);
        b.HasOne<Operator>().WithMany().HasForeignKey(s => s.OperatorId).OnDelete(DeleteBehavior.Cascade);
        // The live sessions of an operator: listed, and all ended at once when what the token says changes.
        b.HasIndex(s => s.OperatorId).HasFilter("ended_at IS NULL");
    }
}

internal sealed class SignInThrottleConfiguration : IEntityTypeConfiguration<SignInThrottle>
{
    public void Configure(EntityTypeBuilder<SignInThrottle> b)
    {
        b.ToTable("sign_in_throttles", Schemas.Administration);
        b.HasKey(t => t.Key);
        b.Property(t => t.Key).HasMaxLength(64).IsFixedLength();
        b.HasIndex(t => t.LastFailureAt);
    }
}

internal sealed class RecipientUseConfiguration : IEntityTypeConfiguration<RecipientUse>
{
    public void Configure(EntityTypeBuilder<RecipientUse> b)
    {
        b.ToTable("recipient_uses", Schemas.Administration);
        b.HasKey(u => u.Id);
        b.Property(u => u.RecipientKey).HasMaxLength(64).IsFixedLength();
        b.Property(u => u.HolderKey).HasMaxLength(64).IsFixedLength();
        b.Property(u => u.HouseholdKey).HasMaxLength(64).IsFixedLength();
        // The confirm's look-up: one address's uses within the window.
        b.HasIndex(u => new { u.RecipientKey, u.UsedAt });
        // The retention job.
        b.HasIndex(u => u.UsedAt);
    }
}

internal sealed class RecipientApprovalConfiguration : IEntityTypeConfiguration<RecipientApproval>
{
    public void Configure(EntityTypeBuilder<RecipientApproval> b)
    {
        b.ToTable("recipient_approvals", Schemas.Administration);
        b.HasKey(a => a.Id);
        b.Property(a => a.Channel).HasConversion(new EnumText<Cms.Domain.Requests.DeliveryChannel>()).HasMaxLength(10);
        b.Property(a => a.RecipientKey).HasMaxLength(64).IsFixedLength();
        b.Property(a => a.MaskedRecipient).HasMaxLength(260);
        b.Property(a => a.HolderCodiceFiscale).HasMaxLength(16).IsFixedLength();
        b.Property(a => a.Reason).HasMaxLength(500);
        b.HasIndex(a => a.RecipientKey);
        b.HasOne<Operator>().WithMany().HasForeignKey(a => a.ApprovedBy).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Operator>().WithMany().HasForeignKey(a => a.RevokedBy).OnDelete(DeleteBehavior.Restrict);
    }
}
