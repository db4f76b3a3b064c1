using Cms.Domain.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cms.Infrastructure.Persistence.Configurations;

/// <summary>The columns every counter request shares, mapped the same way in each module's table.</summary>
internal static class CounterRequestMapping
{
    /// <summary>The delegate's codice fiscale and names, and the card they were read from (if so), in the owner's table.</summary>
    public static void MapDelegate<T>(EntityTypeBuilder<T> b, System.Linq.Expressions.Expression<Func<T, DelegatePerson?>> navigation) where T : class =>
        b.OwnsOne(navigation, d =>
        {
            d.Property(x => x.CodiceFiscale).HasColumnName("delegate_codice_fiscale").HasMaxLength(16);
            d.Property(x => x.Surname).HasColumnName("delegate_surname").HasMaxLength(100);
            d.Property(x => x.GivenName).HasColumnName("delegate_given_name").HasMaxLength(100);
            d.Property(x => x.CardNumber).HasColumnName("delegate_card_number").HasMaxLength(20);
            d.Ignore(x => x.Source);
        });

    /// <summary>The identity document shown at the counter.</summary>
    public static void MapDocument<T>(EntityTypeBuilder<T> b, System.Linq.Expressions.Expression<Func<T, IdentityDocument?>> property) where T : class =>
        b.ComplexProperty(property, d =>
        {
            d.Property(x => x.Type).HasColumnName("document_type").HasConversion(new EnumText<DocumentType>()).HasMaxLength(40);
            d.Property(x => x.Number).HasColumnName("document_number").HasMaxLength(40);
            d.Property(x => x.IssuedBy).HasColumnName("document_issued_by").HasMaxLength(100);
            d.Property(x => x.IssueDate).HasColumnName("document_issue_date");
            d.Property(x => x.ExpiryDate).HasColumnName("document_expiry_date");
        });

    /// <summary>The lifecycle columns.</summary>
    public static void MapLifecycle<T>(EntityTypeBuilder<T> b) where T : CounterRequest
    {
        b.HasKey(r => r.Id);
        b.Property(r => r.CardNumber).HasMaxLength(20).IsFixedLength();
        b.Property(r => r.HolderCodiceFiscale).HasMaxLength(16).IsFixedLength();
        b.Property(r => r.Status).HasConversion(new EnumText<RequestStatus>()).HasMaxLength(20);
        b.Property(r => r.CounterCode).HasMaxLength(40);
        b.Property(r => r.Version).HasColumnName("xmin").HasColumnType("xid").ValueGeneratedOnAddOrUpdate().IsConcurrencyToken();
        b.HasIndex(r => r.CardNumber);
        b.HasIndex(r => new { r.Status, r.ExpiresAt });
    }

    /// <summary>The lifecycle and the person at the counter with their document.</summary>
    public static void MapAttended<T>(EntityTypeBuilder<T> b) where T : AttendedRequest
    {
        MapLifecycle(b);
        b.Property(r => r.Mode).HasConversion(new EnumText<RequestMode>()).HasMaxLength(20);
        b.Property(r => r.DelegationKind).HasConversion(new EnumText<DelegationKind>()).HasMaxLength(20);
        MapDelegate(b, r => r.Delegate);
        MapDocument(b, r => r.Document);
    }

    /// <summary>Everything of a request that releases codes: the person, the document and the delivery address.</summary>
    public static void Map<T>(EntityTypeBuilder<T> b) where T : CodeReleaseRequest
    {
        MapAttended(b);
        b.ComplexProperty(r => r.Delivery, d =>
        {
            d.Property(x => x.Channel).HasColumnName("delivery_channel").HasConversion(new EnumText<DeliveryChannel>()).HasMaxLength(10);
            d.Property(x => x.Email).HasColumnName("delivery_email").HasMaxLength(254);
            d.Property(x => x.Mobile).HasColumnName("delivery_mobile").HasMaxLength(20);
            d.Ignore(x => x.Recipient);
        });
        // The manuals' exceptions (decision 0044): flat columns; Special is their view.
        b.Ignore(r => r.Special);
        b.Property(r => r.MedicalCertificateDoctor).HasMaxLength(100);
    }
}
