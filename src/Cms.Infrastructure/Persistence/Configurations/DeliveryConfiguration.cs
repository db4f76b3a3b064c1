using Cms.Domain.Delivery;
using Cms.Domain.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

internal sealed class CodeMessageConfiguration : IEntityTypeConfiguration<CodeMessage>
{
    public void Configure(EntityTypeBuilder<CodeMessage> b)
    {
        b.ToTable("messages", Schemas.Delivery);
        b.HasKey(m => m.Id);
        b.Property(m => m.Channel).HasConversion(new EnumText<DeliveryChannel>()).HasMaxLength(10);
        b.Property(m => m.Status).HasConversion(new EnumText<DeliveryStatus>()).HasMaxLength(10);
        b.Property(m => m.Recipient).HasMaxLength(254);
        b.Property(m => m.CardNumber).HasMaxLength(20).IsFixedLength();
        b.Property(m => m.Purpose).HasMaxLength(30);
        b.Property(m => m.MessageId).HasMaxLength(120);
        b.Property(m => m.KeyId).HasMaxLength(40);
        b.Property(m => m.LastError).HasMaxLength(500);
        // The sweep looks for messages due now.
        b.HasIndex(m => new { m.Status, m.NextAttemptAt });
    }
}

internal sealed class RecipientProofConfiguration : IEntityTypeConfiguration<RecipientProof>
{
    public void Configure(EntityTypeBuilder<RecipientProof> b)
    {
        b.ToTable("recipient_proofs", Schemas.Delivery);
        b.HasKey(p => p.RequestId);
        b.Property(p => p.RequestId).ValueGeneratedNever();
        b.Property(p => p.Purpose).HasMaxLength(20);
        b.Property(p => p.CardNumber).HasMaxLength(20).IsFixedLength();
        b.Property(p => p.RecipientDigest).HasMaxLength(64);
        b.Property(p => p.CodeDigest).HasMaxLength(64);
        // The card's proofs of the last day (the caps per card), and the retention job's.
        b.HasIndex(p => new { p.CardNumber, p.LastSentAt });
        b.HasIndex(p => p.CreatedAt);
    }
}
