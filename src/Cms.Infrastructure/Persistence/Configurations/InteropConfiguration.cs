using Cms.Domain.Interop;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

internal sealed class PeerConfiguration : IEntityTypeConfiguration<Peer>
{
    public void Configure(EntityTypeBuilder<Peer> b)
    {
        b.ToTable("peers", Schemas.Interop);
        b.HasKey(p => p.RegionCode);
        b.Property(p => p.RegionCode).HasMaxLength(3).IsFixedLength();
        b.HasIndex(p => p.Id).IsUnique();
        b.Property(p => p.Name).HasMaxLength(100);
        b.Property(p => p.BaseUrl).HasMaxLength(300);
        b.Property(p => p.SecretKeyId).HasMaxLength(40);
        b.Property(p => p.TrustCertificates).HasMaxLength(40_000);
        b.Property(p => p.CertificateSubject).HasMaxLength(500);
        b.Property(p => p.PdndClientId).HasMaxLength(100);
        b.Ignore(p => p.CounterCode);
    }
}

internal sealed class InteropRequestConfiguration : IEntityTypeConfiguration<InteropRequest>
{
    public void Configure(EntityTypeBuilder<InteropRequest> b)
    {
        b.ToTable("requests", Schemas.Interop);
        b.HasKey(r => r.Id);
        b.Property(r => r.Kind).HasConversion(new EnumText<InteropKind>()).HasMaxLength(20);
        b.Property(r => r.Status).HasConversion(new EnumText<InteropStatus>()).HasMaxLength(20);
        b.Property(r => r.TargetRegion).HasMaxLength(3).IsFixedLength();
        b.Property(r => r.CardNumber).HasMaxLength(20).IsFixedLength();
        b.Property(r => r.HolderCodiceFiscale).HasMaxLength(16).IsFixedLength();
        b.Property(r => r.Payload).HasColumnType("jsonb");
        b.Property(r => r.SecretKeyId).HasMaxLength(40);
        b.Property(r => r.FirstHalvesKeyId).HasMaxLength(40);
        b.Property(r => r.CounterCode).HasMaxLength(40);
        b.Property(r => r.ConfirmedBy).HasMaxLength(16);
        b.Property(r => r.ConfirmedLoA).HasMaxLength(20).HasColumnName("confirmed_loa");
        b.Property(r => r.LastError).HasMaxLength(500);
        b.Property(r => r.PeerRule).HasMaxLength(80);
        b.Property(r => r.PeerDetail).HasMaxLength(500);
        b.Property(r => r.Version).HasColumnName("xmin").HasColumnType("xid").ValueGeneratedOnAddOrUpdate().IsConcurrencyToken();
        b.HasIndex(r => r.CardNumber);
        b.HasIndex(r => new { r.Status, r.NextAttemptAt });
    }
}

internal sealed class InboundInteropRequestConfiguration : IEntityTypeConfiguration<InboundInteropRequest>
{
    public void Configure(EntityTypeBuilder<InboundInteropRequest> b)
    {
        b.ToTable("inbound_requests", Schemas.Interop);
        b.HasKey(r => new { r.PeerRegion, r.RequestId });
        b.Property(r => r.PeerRegion).HasMaxLength(3).IsFixedLength();
        b.Property(r => r.Kind).HasConversion(new EnumText<InteropKind>()).HasMaxLength(20);
        b.Property(r => r.CardNumber).HasMaxLength(20).IsFixedLength();
        b.Property(r => r.AnswerKeyId).HasMaxLength(40);
        b.Property(r => r.TrackingEvidence).HasMaxLength(20_000);
        b.HasIndex(r => r.CardNumber);
    }
}
