using Cms.Domain.Identification.Contracts;
using Cms.Domain.Identification;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

internal sealed class HolderConfiguration : IEntityTypeConfiguration<Holder>
{
    public void Configure(EntityTypeBuilder<Holder> b)
    {
        b.ToTable("holders", Schemas.Identification);
        b.HasKey(h => h.CodiceFiscale);
        b.Property(h => h.CodiceFiscale).HasMaxLength(16).IsFixedLength();
        b.Property(h => h.Surname).HasMaxLength(100);
        b.Property(h => h.GivenName).HasMaxLength(100);
        b.Property(h => h.Sex).HasColumnType("character(1)");
        b.Property(h => h.BirthPlace).HasMaxLength(100);
        b.Property(h => h.BirthProvince).HasMaxLength(2);
        b.Property(h => h.BirthCountry).HasMaxLength(StateOfBirth.MaxLength);
        b.Property(h => h.Citizenship).HasMaxLength(60);
        b.Property(h => h.HouseholdId).HasMaxLength(40);
        b.HasIndex(h => h.HouseholdId).HasFilter("household_id IS NOT NULL");
        b.Property(h => h.HealthAuthority).HasMaxLength(3).IsFixedLength();
        b.ComplexProperty(h => h.Residence, r =>
        {
            r.Property(x => x.Address).HasColumnName("residence_address").HasMaxLength(200);
            r.Property(x => x.Postcode).HasColumnName("residence_postcode").HasMaxLength(5);
            r.Property(x => x.Municipality).HasColumnName("residence_municipality").HasMaxLength(100);
            r.Property(x => x.Province).HasColumnName("residence_province").HasMaxLength(2);
        });
    }
}

internal sealed class CardConfiguration : IEntityTypeConfiguration<Card>
{
    public void Configure(EntityTypeBuilder<Card> b)
    {
        b.ToTable("cards", Schemas.Identification);
        b.HasKey(c => c.CardNumber);
        b.Property(c => c.CardNumber).HasMaxLength(20).IsFixedLength();
        b.Property(c => c.HolderCodiceFiscale).HasMaxLength(16).IsFixedLength();
        b.Property(c => c.IssuerRegion).HasMaxLength(3).IsFixedLength();
        b.Property(c => c.State).HasConversion(new EnumText<CardState>()).HasMaxLength(20);
        b.Property(c => c.LoadedAt).HasDefaultValueSql("now()");
        b.HasOne(c => c.Holder).WithMany().HasForeignKey(c => c.HolderCodiceFiscale).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => c.HolderCodiceFiscale);
        b.Property(c => c.CertificateSerial).HasMaxLength(40);
        b.Property(c => c.CertificateIssuer).HasMaxLength(500);
        b.HasIndex(c => c.CertificateSerial).HasFilter("certificate_serial IS NOT NULL");
        b.Property(c => c.ActivationMode).HasConversion(new EnumText<ActivationMode>()).HasMaxLength(20);
        b.ComplexProperty(c => c.Codes, e =>
        {
            e.Property(x => x.KeyId).HasColumnName("codes_key_id").HasMaxLength(40);
            e.Property(x => x.Ciphertext).HasColumnName("codes_ciphertext");
        });
    }
}
