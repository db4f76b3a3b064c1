using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

internal sealed class IdempotencyKeyConfiguration : IEntityTypeConfiguration<IdempotencyKey>
{
    public void Configure(EntityTypeBuilder<IdempotencyKey> b)
    {
        b.ToTable("idempotency_keys", Schemas.Platform);
        b.HasKey(k => new { k.OperatorId, k.Key });
        b.Property(k => k.Key).HasMaxLength(100);
        b.Property(k => k.Method).HasMaxLength(10);
        b.Property(k => k.Path).HasMaxLength(300);
        b.Property(k => k.RequestHash).HasMaxLength(64);
        b.Property(k => k.ContentType).HasMaxLength(100);
        b.Property(k => k.Location).HasMaxLength(300);
        b.Property(k => k.KeyId).HasMaxLength(40);
        b.HasIndex(k => k.CreatedAt);
    }
}
