using Cms.Domain.Citizen;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

internal sealed class RenewalConfiguration : IEntityTypeConfiguration<Renewal>
{
    public void Configure(EntityTypeBuilder<Renewal> b)
    {
        b.ToTable("renewals", Schemas.Citizen);
        b.HasKey(r => r.Id);
        b.Property(r => r.Protocol).HasMaxLength(20);
        b.HasIndex(r => r.Protocol).IsUnique();
        b.Property(r => r.CodiceFiscale).HasMaxLength(16).IsFixedLength();
        b.Property(r => r.PreviousCardNumber).HasMaxLength(20).IsFixedLength();
        b.Property(r => r.CardNumber).HasMaxLength(20).IsFixedLength();
        b.HasIndex(r => r.CardNumber).IsUnique();
        b.HasIndex(r => r.CodiceFiscale);
    }
}
