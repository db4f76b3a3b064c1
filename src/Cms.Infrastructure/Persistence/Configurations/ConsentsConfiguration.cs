using Cms.Domain.Consents.Contracts;
using Cms.Domain.Consents;
using Cms.Domain.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

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
