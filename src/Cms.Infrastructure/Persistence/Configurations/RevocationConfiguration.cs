using Cms.Domain.Revocation.Contracts;
using Cms.Domain.Requests;
using Cms.Domain.Revocation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

internal sealed class RevocationRequestConfiguration : IEntityTypeConfiguration<RevocationRequest>
{
    public void Configure(EntityTypeBuilder<RevocationRequest> b)
    {
        b.ToTable("revocation_requests", Schemas.Revocation);
        CounterRequestMapping.MapAttended(b);
        b.Property(r => r.Reason).HasConversion(new EnumText<RevocationReason>()).HasMaxLength(40);
        b.Property(r => r.EvidenceKind).HasConversion(new EnumText<LossEvidenceKind>()).HasMaxLength(30);
        b.Property(r => r.EvidenceReference).HasMaxLength(100);
    }
}

internal sealed class CipAttemptConfiguration : IEntityTypeConfiguration<CipAttempt>
{
    public void Configure(EntityTypeBuilder<CipAttempt> b)
    {
        b.ToTable("cip_attempts", Schemas.Revocation);
        b.HasKey(a => a.Id);
        b.Property(a => a.CardNumber).HasMaxLength(20).IsFixedLength();
        b.Property(a => a.CounterCode).HasMaxLength(40);
        b.HasIndex(a => new { a.CardNumber, a.At });
    }
}

internal sealed class IssuerRevocationConfiguration : IEntityTypeConfiguration<IssuerRevocation>
{
    public void Configure(EntityTypeBuilder<IssuerRevocation> b)
    {
        b.ToTable("issuer_revocations", Schemas.Revocation);
        b.HasKey(r => r.Id);
        b.Property(r => r.CardNumber).HasMaxLength(20).IsFixedLength();
        b.Property(r => r.HolderCodiceFiscale).HasMaxLength(16).IsFixedLength();
        b.Property(r => r.Reason).HasConversion(new EnumText<IssuerRevocationReason>()).HasMaxLength(40);
        b.Property(r => r.Note).HasMaxLength(300);
        b.HasIndex(r => r.CardNumber);
    }
}

internal sealed class StateChangeConfiguration : IEntityTypeConfiguration<StateChange>
{
    public void Configure(EntityTypeBuilder<StateChange> b)
    {
        b.ToTable("state_changes", Schemas.Revocation);
        b.HasKey(r => r.Id);
        b.Property(r => r.Kind).HasConversion(new EnumText<StateChangeKind>()).HasMaxLength(20);
        b.Property(r => r.CardNumber).HasMaxLength(20).IsFixedLength();
        b.Property(r => r.HolderCodiceFiscale).HasMaxLength(16).IsFixedLength();
        b.Property(r => r.Mode).HasConversion(new EnumText<RequestMode>()).HasMaxLength(20);
        b.Property(r => r.DelegationKind).HasConversion(new EnumText<DelegationKind>()).HasMaxLength(20);
        b.Property(r => r.Reason).HasConversion(new EnumText<SuspensionReason>()).HasMaxLength(30);
        b.Property(r => r.Note).HasMaxLength(300);
        b.Property(r => r.CounterCode).HasMaxLength(40);
        CounterRequestMapping.MapDelegate(b, r => r.Delegate);
        CounterRequestMapping.MapDocument(b, r => r.Document);
        b.HasIndex(r => r.CardNumber);
    }
}

internal sealed class CallCentreIdentificationConfiguration : IEntityTypeConfiguration<CallCentreIdentification>
{
    public void Configure(EntityTypeBuilder<CallCentreIdentification> b)
    {
        b.ToTable("call_centre_identifications", Schemas.Revocation);
        b.HasKey(i => i.Id);
        b.Property(i => i.CardNumber).HasMaxLength(20).IsFixedLength();
        b.Property(i => i.HolderCodiceFiscale).HasMaxLength(16).IsFixedLength();
        b.HasIndex(i => i.CardNumber);
    }
}

internal sealed class CallCentreStateChangeConfiguration : IEntityTypeConfiguration<CallCentreStateChange>
{
    public void Configure(EntityTypeBuilder<CallCentreStateChange> b)
    {
        b.ToTable("call_centre_state_changes", Schemas.Revocation);
        b.HasKey(c => c.Id);
        b.Property(c => c.Kind).HasConversion(new EnumText<StateChangeKind>()).HasMaxLength(20);
        b.Property(c => c.CardNumber).HasMaxLength(20).IsFixedLength();
        b.Property(c => c.HolderCodiceFiscale).HasMaxLength(16).IsFixedLength();
        b.Property(c => c.Reason).HasConversion(new EnumText<SuspensionReason>()).HasMaxLength(30);
        b.Property(c => c.Note).HasMaxLength(300);
        b.HasOne<CallCentreIdentification>().WithMany().HasForeignKey(c => c.IdentificationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(c => c.CardNumber);
    }
}
