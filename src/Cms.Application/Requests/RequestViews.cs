using Cms.Application.Common.Options;
using Cms.Domain.Requests;

namespace Cms.Application.Requests;

/// <param name="Source">TYPED by the operator, or read from the delegate's own CARD [M 2.4.1]; then <paramref name="CardNumber"/> names it.</param>
public sealed record DelegateView(string CodiceFiscale, string Surname, string GivenName, DelegateSource Source, string? CardNumber);
public sealed record DocumentView(DocumentType Type, string TypeLabel, string Number, string IssuedBy, DateOnly IssueDate, DateOnly ExpiryDate);
public sealed record DeliveryView(DeliveryChannel Channel, string? Email, string? Mobile);
public sealed record MedicalCertificateView(string Doctor, DateOnly IssueDate);

/// <summary>The manuals' exceptions recorded on an activation or reprint (decision 0044).</summary>
public sealed record SpecialCasesView(
    bool EmancipatedMinor, bool ExpiredDocumentDeclaration, MedicalCertificateView? MedicalCertificate, bool ImpedimentOverThreeMonths);

/// <summary>How every counter request shows its people, document and delivery in its summary.</summary>
public static class RequestViews
{
    public static DelegateView? Delegate(AttendedRequest r) =>
        r.Delegate is null ? null : new DelegateView(r.Delegate.CodiceFiscale, r.Delegate.Surname, r.Delegate.GivenName, r.Delegate.Source, r.Delegate.CardNumber);

    public static DocumentView Document(AttendedRequest r) =>
        new(r.Document.Type, DocumentTypes.Label(r.Document.Type), r.Document.Number, r.Document.IssuedBy, r.Document.IssueDate, r.Document.ExpiryDate);

    public static DeliveryView Delivery(CodeReleaseRequest r) => new(r.Delivery.Channel, r.Delivery.Email, r.Delivery.Mobile);

    public static SpecialCasesView Special(CodeReleaseRequest r)
    {
        var s = r.Special;
        return new(s.EmancipatedMinor, s.ExpiredDocumentDeclared,
            s.MedicalCertificate is { } m ? new MedicalCertificateView(m.Doctor, m.IssueDate) : null, s.ImpedimentOverThreeMonths);
    }

    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);

    public static TimeSpan PendingFor(CmsOptions options) => TimeSpan.FromMinutes(options.PendingRequestMinutes);
}
