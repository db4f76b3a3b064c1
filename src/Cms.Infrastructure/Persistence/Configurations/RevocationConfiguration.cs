using Cms.Domain.Consents;
using Cms.Domain.Outbound;
using Cms.Domain.Readers;
using Cms.Domain.Requests;
using Cms.Domain.Revocation;
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

internal sealed class ReaderDeliveryConfiguration : IEntityTypeConfiguration<ReaderDelivery>
{
    public void Configure(EntityTypeBuilder<ReaderDelivery> b)
    {
        b.ToTable("deliveries", Schemas.Readers);
        CounterRequestMapping.MapLifecycle(b);
        b.Property(r => r.HouseholdId).HasMaxLength(40);
        b.Property(r => r.OverrideReason).HasMaxLength(300);
        b.Property(r => r.ReaderSerial).HasMaxLength(60);
        b.HasIndex(r => new { r.HolderCodiceFiscale, r.Status });
        b.HasIndex(r => new { r.HouseholdId, r.Status });
    }
}

internal sealed class ConsentRequestConfiguration : IEntityTypeConfiguration<ConsentRequest>
{
    /// <summary>The consents as chosen, the same columns in the requests and in the versions.</summary>
    public static void MapChoices<T>(EntityTypeBuilder<T> b, System.Linq.Expressions.Expression<Func<T, ConsentChoices?>> property) where T : class =>
        b.ComplexProperty(property, c =>
        {
            c.Property(x => x.InformationNoticeSeen).HasColumnName("information_notice_seen");
            c.Property(x => x.FeedingConsent).HasColumnName("feeding_consent");
            c.Property(x => x.ConsultationConsent).HasColumnName("consultation_consent");
            c.Property(x => x.NotificationEmail).HasColumnName("notification_email").HasMaxLength(254);
            c.Property(x => x.PastData).HasColumnName("past_data").HasConversion(new EnumText<PastDataChoice>()).HasMaxLength(40);
        });

    public void Configure(EntityTypeBuilder<ConsentRequest> b)
    {
        b.ToTable("consent_requests", Schemas.Consents);
        CounterRequestMapping.MapAttended(b);
        b.Property(r => r.Model).HasConversion(new EnumText<ConsentModel>()).HasMaxLength(20);
        MapChoices(b, r => r.Choices);
    }
}

internal sealed class ConsentVersionConfiguration : IEntityTypeConfiguration<ConsentVersion>
{
    public void Configure(EntityTypeBuilder<ConsentVersion> b)
    {
        b.ToTable("versions", Schemas.Consents);
        b.HasKey(v => v.Id);
        b.Property(v => v.HolderCodiceFiscale).HasMaxLength(16).IsFixedLength();
        b.Property(v => v.CardNumber).HasMaxLength(20).IsFixedLength();
        b.Property(v => v.Model).HasConversion(new EnumText<ConsentModel>()).HasMaxLength(20);
        b.Property(v => v.Mode).HasConversion(new EnumText<RequestMode>()).HasMaxLength(20);
        b.Property(v => v.CounterCode).HasMaxLength(40);
        ConsentRequestConfiguration.MapChoices(b, v => v.Choices);
        b.HasIndex(v => new { v.HolderCodiceFiscale, v.Number }).IsUnique();
    }
}
