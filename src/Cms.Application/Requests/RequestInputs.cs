using System.Text.RegularExpressions;
using Cms.Application.Common.Validation;
using Cms.Domain.Common;
using Cms.Domain.Requests;
using FluentValidation;

namespace Cms.Application.Requests;

public sealed record DelegateInput(string? CodiceFiscale, string? Surname, string? GivenName);

public sealed record DocumentInput(DocumentType? Type, string? Number, string? IssuedBy, string? IssueDate, string? ExpiryDate);

public sealed record DeliveryInput(DeliveryChannel? Channel, string? Email, string? EmailConfirmation, string? Mobile);

/// <summary>The medical certificate of a delegation for health reasons [S 6.4.4]: who signed it and when (ISO date).</summary>
public sealed record MedicalCertificateInput(string? Doctor, string? IssueDate);

/// <summary>
/// The manuals' exceptions of an activation or reprint (decision 0044): <c>emancipatedMinor</c> — the minor holder in person with the
/// declaration of emancipation [S 6.4.2]; <c>expiredDocumentDeclaration</c> — the requester declares that the data of the expired document
/// have not changed (art. 45 c. 3 d.p.r. 445/2000, when the region accepts it [TM 8.1.2]); for the delegation for health reasons the
/// <c>medicalCertificate</c> and <c>impedimentOverThreeMonths</c> [S 6.4.4].
/// </summary>
public sealed record SpecialCasesInput(
    bool? EmancipatedMinor, bool? ExpiredDocumentDeclaration, MedicalCertificateInput? MedicalCertificate, bool? ImpedimentOverThreeMonths);

/// <summary>Format checks of the parts every counter request shares (400 with every bad field).</summary>
public static partial class RequestInputRules
{
    public static void DelegateRules<T>(AbstractValidator<T> v, Func<T, DelegateInput?> get)
    {
        v.RuleFor(x => get(x)!.CodiceFiscale).ValidCodiceFiscale().OverridePropertyName("delegate.codiceFiscale").When(x => get(x) is not null);
        v.RuleFor(x => get(x)!.Surname).NotEmpty().MaximumLength(100).OverridePropertyName("delegate.surname").When(x => get(x) is not null);
        v.RuleFor(x => get(x)!.GivenName).NotEmpty().MaximumLength(100).OverridePropertyName("delegate.givenName").When(x => get(x) is not null);
    }

    public static void DocumentRules<T>(AbstractValidator<T> v, Func<T, DocumentInput?> get)
    {
        v.RuleFor(x => get(x)).NotNull().OverridePropertyName("document").WithMessage("Indicare il documento di riconoscimento.");
        v.RuleFor(x => get(x)!.Type).NotNull().IsInEnum().OverridePropertyName("document.type").When(x => get(x) is not null);
        v.RuleFor(x => get(x)!.Number).NotEmpty().MaximumLength(40).OverridePropertyName("document.number").When(x => get(x) is not null);
        v.RuleFor(x => get(x)!.IssuedBy).NotEmpty().MaximumLength(100).OverridePropertyName("document.issuedBy").When(x => get(x) is not null);
        v.RuleFor(x => get(x)!.IssueDate).NotEmpty().IsoDate().OverridePropertyName("document.issueDate").When(x => get(x) is not null);
        v.RuleFor(x => get(x)!.ExpiryDate).NotEmpty().IsoDate().OverridePropertyName("document.expiryDate").When(x => get(x) is not null);
    }

    public static void DeliveryRules<T>(AbstractValidator<T> v, Func<T, DeliveryInput?> get)
    {
        v.RuleFor(x => get(x)).NotNull().OverridePropertyName("delivery").WithMessage("Indicare come inviare la seconda parte dei codici.");
        v.RuleFor(x => get(x)!.Channel).NotNull().IsInEnum().OverridePropertyName("delivery.channel").When(x => get(x) is not null);
        v.RuleFor(x => get(x)!.Email).NotEmpty().MaximumLength(254).Matches(@"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$").WithMessage("Indirizzo e-mail non valido.")
            .WithErrorCode("invalid-email").OverridePropertyName("delivery.email")
            .When(x => get(x)?.Channel == DeliveryChannel.Email);
        v.RuleFor(x => get(x)!.EmailConfirmation).NotEmpty().OverridePropertyName("delivery.emailConfirmation")
            .When(x => get(x)?.Channel == DeliveryChannel.Email);
        v.RuleFor(x => get(x)!.Mobile).Must(m => NormaliseMobile(m) is not null).WithErrorCode("invalid-mobile")
            .WithMessage("Indicare un numero di cellulare italiano (es. +393331234567).").OverridePropertyName("delivery.mobile")
            .When(x => get(x)?.Channel == DeliveryChannel.Sms);
    }

    /// <summary>An Italian mobile number in E.164 (+39 3xx…), from what a person typed; null when it is not one.</summary>
    public static string? NormaliseMobile(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed)) return null;
        var digits = Spaces().Replace(typed, "");
        if (digits.StartsWith("0039", StringComparison.Ordinal)) digits = "+39" + digits[4..];
        else if (digits.StartsWith('3')) digits = "+39" + digits;
        return MobilePattern().IsMatch(digits) ? digits : null;
    }

    [GeneratedRegex(@"[\s\-./()]")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^\+393[0-9]{8,9}$")]
    private static partial Regex MobilePattern();

    /// <summary>Builds the domain shapes; rules that need no database but are business rules have their own type.</summary>
    public static IdentityDocument ToDocument(DocumentInput d)
    {
        RuleExtensions.TryParseDate(d.IssueDate, out var issue);
        RuleExtensions.TryParseDate(d.ExpiryDate, out var expiry);
        return new IdentityDocument(d.Type!.Value, d.Number!.Trim().ToUpperInvariant(), d.IssuedBy!.Trim().ToUpperInvariant(), issue, expiry);
    }

    public static DeliveryAddress ToDelivery(DeliveryInput d)
    {
        if (d.Channel == DeliveryChannel.Email)
        {
            if (!string.Equals(d.Email!.Trim(), d.EmailConfirmation?.Trim(), StringComparison.OrdinalIgnoreCase))
                throw new DomainRuleException("email-confirmation-mismatch", "L'indirizzo e-mail e la sua conferma non coincidono.");
            return new DeliveryAddress(DeliveryChannel.Email, d.Email.Trim().ToLowerInvariant(), null);
        }
        return new DeliveryAddress(DeliveryChannel.Sms, null, NormaliseMobile(d.Mobile));
    }

    public static DelegatePerson? ToDelegate(DelegateInput? d) =>
        d is null ? null : new DelegatePerson(d.CodiceFiscale!, d.Surname!.Trim().ToUpperInvariant(), d.GivenName!.Trim().ToUpperInvariant());
}

/// <summary>The person at the counter in a request body: mode, delegate, document, privacy consent.</summary>
public interface IAttendeeInput
{
    RequestMode? Mode { get; }
    DelegationKind? DelegationKind { get; }
    DelegateInput? Delegate { get; }
    DocumentInput? Document { get; }
    bool? PrivacyConsent { get; }
    bool? HealthDelegationDocumentsReceived { get; }
}

/// <summary>The people part of a code-release request body: the person at the counter and where the second halves go.</summary>
public interface IPeopleInput : IAttendeeInput
{
    DeliveryInput? Delivery { get; }

    /// <summary>The manuals' exceptions (activation and reprint at the counter; other bodies carry none).</summary>
    SpecialCasesInput? SpecialCases => null;
}

public static class AttendeeInputRules
{
    public static void Apply<T>(AbstractValidator<T> v) where T : IAttendeeInput
    {
        v.RuleFor(x => x.Mode).NotNull().IsInEnum();
        v.RuleFor(x => x.DelegationKind).IsInEnum();
        RequestInputRules.DelegateRules<T>(v, x => x.Delegate);
        RequestInputRules.DocumentRules<T>(v, x => x.Document);
        v.RuleFor(x => x.PrivacyConsent).NotNull();
    }

    public static AttendeeDetails ToDetails(IAttendeeInput input) => new(
        input.Mode!.Value, input.DelegationKind, RequestInputRules.ToDelegate(input.Delegate),
        RequestInputRules.ToDocument(input.Document!), input.PrivacyConsent == true, input.HealthDelegationDocumentsReceived == true);
}

public static class PeopleInputRules
{
    public static void Apply<T>(AbstractValidator<T> v) where T : IPeopleInput
    {
        AttendeeInputRules.Apply(v);
        RequestInputRules.DeliveryRules<T>(v, x => x.Delivery);
        v.RuleFor(x => x.SpecialCases!.MedicalCertificate!.Doctor).NotEmpty().MaximumLength(100)
            .OverridePropertyName("specialCases.medicalCertificate.doctor").When(x => x.SpecialCases?.MedicalCertificate is not null);
        v.RuleFor(x => x.SpecialCases!.MedicalCertificate!.IssueDate).NotEmpty().IsoDate()
            .OverridePropertyName("specialCases.medicalCertificate.issueDate").When(x => x.SpecialCases?.MedicalCertificate is not null);
    }

    public static PeopleDetails ToDetails(IPeopleInput input) => new(
        input.Mode!.Value, input.DelegationKind, RequestInputRules.ToDelegate(input.Delegate),
        RequestInputRules.ToDocument(input.Document!), RequestInputRules.ToDelivery(input.Delivery!),
        input.PrivacyConsent == true, input.HealthDelegationDocumentsReceived == true, ToSpecialCases(input.SpecialCases));

    public static SpecialCases? ToSpecialCases(SpecialCasesInput? s)
    {
        if (s is null) return null;
        MedicalCertificate? certificate = null;
        if (s.MedicalCertificate is { } m)
        {
            RuleExtensions.TryParseDate(m.IssueDate, out var issued);
            certificate = new MedicalCertificate(m.Doctor!.Trim(), issued);
        }
        return new SpecialCases(s.EmancipatedMinor == true, s.ExpiredDocumentDeclaration == true, certificate, s.ImpedimentOverThreeMonths == true);
    }
}
