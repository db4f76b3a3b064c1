namespace Cms.Web.Services;

/// <summary>
/// Who is at the counter and with which document — the part every counter request shares (activation, reprint,
/// revocation, consents). Field names follow the API's, so its problems land beside them.
/// </summary>
public class PersonPresentForm
{
    public string? Mode { get; set; } = "DIRECT";
    public string? DelegationKind { get; set; }
    public PersonForm Delegate { get; set; } = new();
    public DocumentForm Document { get; set; } = new();
    public bool PrivacyConsent { get; set; }
    public bool HealthDelegationDocumentsReceived { get; set; }

    public sealed class PersonForm
    {
        public string? CodiceFiscale { get; set; }
        public string? Surname { get; set; }
        public string? GivenName { get; set; }
    }

    public sealed class DocumentForm
    {
        public string? Type { get; set; }
        public string? Number { get; set; }
        public string? IssuedBy { get; set; }
        public string? IssueDate { get; set; }
        public string? ExpiryDate { get; set; }
    }

    public static T? Parse<T>(string? value) where T : struct, Enum => Enum.TryParse<T>(value, out var v) ? v : null;

    public RequestMode? ParsedMode => Parse<RequestMode>(Mode);

    public DelegationKind? ParsedDelegationKind => ParsedMode == RequestMode.DELEGATED ? Parse<DelegationKind>(DelegationKind) : null;

    public bool? HealthDocuments => ParsedMode == RequestMode.HEALTH_DELEGATION ? HealthDelegationDocumentsReceived : null;

    public DelegateInput? DelegateInput => ParsedMode is RequestMode.DELEGATED or RequestMode.HEALTH_DELEGATION
        ? new DelegateInput { CodiceFiscale = Delegate.CodiceFiscale?.Trim().ToUpperInvariant(), Surname = Delegate.Surname, GivenName = Delegate.GivenName }
        : null;

    public DocumentInput DocumentInput => new()
    {
        Type = Parse<DocumentType>(Document.Type), Number = Document.Number, IssuedBy = Document.IssuedBy,
        IssueDate = Document.IssueDate, ExpiryDate = Document.ExpiryDate,
    };

    protected void CopyFrom(RequestMode mode, DelegationKind? kind, DelegateView? person, DocumentView document, bool privacy, bool healthDocuments)
    {
        Mode = mode.ToString();
        DelegationKind = kind?.ToString();
        Delegate = new PersonForm { CodiceFiscale = person?.CodiceFiscale, Surname = person?.Surname, GivenName = person?.GivenName };
        Document = new DocumentForm
        {
            Type = document.Type.ToString(), Number = document.Number, IssuedBy = document.IssuedBy,
            IssueDate = Iso(document.IssueDate), ExpiryDate = Iso(document.ExpiryDate),
        };
        PrivacyConsent = privacy;
        HealthDelegationDocumentsReceived = healthDocuments;
    }

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Rules the API checks across fields, and the field each concerns.</summary>
    public static readonly IReadOnlyDictionary<string, string> RuleFields = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["minor-direct-activation"] = "mode",
        ["mode-not-allowed"] = "mode",
        ["parental-authority-adult-holder"] = "delegationKind",
        ["delegation-kind-required"] = "delegationKind",
        ["delegate-required"] = "delegate.codiceFiscale",
        ["delegate-is-holder"] = "delegate.codiceFiscale",
        ["document-expired"] = "document.expiryDate",
        ["document-not-yet-issued"] = "document.issueDate",
        ["email-confirmation-mismatch"] = "delivery.emailConfirmation",
        ["privacy-consent-required"] = "privacyConsent",
        ["health-delegation-documents-missing"] = "healthDelegationDocumentsReceived",
        ["reprint-outside-health-authority"] = "outsideHealthAuthorityReason",
        ["emancipation-not-applicable"] = "specialCases.emancipatedMinor",
        ["expired-document-declaration-required"] = "specialCases.expiredDocumentDeclaration",
        ["medical-certificate-required"] = "specialCases.medicalCertificate.doctor",
        ["medical-certificate-date-invalid"] = "specialCases.medicalCertificate.issueDate",
        ["health-impediment-too-short"] = "specialCases.impedimentOverThreeMonths",
    };
}

/// <summary>Where the second halves of the codes go.</summary>
public sealed class DeliveryForm
{
    public string? Channel { get; set; } = "EMAIL";
    public string? Email { get; set; }
    public string? EmailConfirmation { get; set; }
    public string? Mobile { get; set; }

    public DeliveryInput ToInput() => PersonPresentForm.Parse<DeliveryChannel>(Channel) is DeliveryChannel.SMS
        ? new DeliveryInput { Channel = DeliveryChannel.SMS, Mobile = Mobile }
        : new DeliveryInput { Channel = PersonPresentForm.Parse<DeliveryChannel>(Channel), Email = Email, EmailConfirmation = EmailConfirmation };

    public static DeliveryForm From(DeliveryView d) => new() { Channel = d.Channel.ToString(), Email = d.Email, EmailConfirmation = d.Email, Mobile = d.Mobile };
}

/// <summary>A request that releases codes in two halves: the activation and the reprint of PIN/PUK.</summary>
public sealed class CodeRequestForm : PersonPresentForm
{
    public DeliveryForm Delivery { get; set; } = new();

    /// <summary>The reprint's reason (SMARRIMENTO, DIMENTICANZA…) and its note.</summary>
    public string? Reason { get; set; }
    public string? ReasonNote { get; set; }
    /// <summary>The reprint's reason for a counter outside the holder's health authority.</summary>
    public string? OutsideHealthAuthorityReason { get; set; }

    /// <summary>The manuals' exceptions (decision 0044); field names follow the API's <c>specialCases</c>.</summary>
    public SpecialCasesForm SpecialCases { get; set; } = new();

    public sealed class SpecialCasesForm
    {
        public bool EmancipatedMinor { get; set; }
        public bool ExpiredDocumentDeclaration { get; set; }
        public CertificateForm MedicalCertificate { get; set; } = new();
        public bool ImpedimentOverThreeMonths { get; set; }
    }

    public sealed class CertificateForm
    {
        public string? Doctor { get; set; }
        public string? IssueDate { get; set; }
    }

    /// <summary>What the API receives: the emancipation only in person, the certificate and the impediment only for health reasons.</summary>
    public SpecialCasesInput SpecialCasesInput
    {
        get
        {
            var health = ParsedMode == RequestMode.HEALTH_DELEGATION;
            var c = SpecialCases.MedicalCertificate;
            return new SpecialCasesInput
            {
                EmancipatedMinor = ParsedMode == RequestMode.DIRECT && SpecialCases.EmancipatedMinor,
                ExpiredDocumentDeclaration = SpecialCases.ExpiredDocumentDeclaration,
                MedicalCertificate = health && (!string.IsNullOrWhiteSpace(c.Doctor) || !string.IsNullOrWhiteSpace(c.IssueDate))
                    ? new MedicalCertificateInput { Doctor = c.Doctor, IssueDate = c.IssueDate }
                    : null,
                ImpedimentOverThreeMonths = health && SpecialCases.ImpedimentOverThreeMonths,
            };
        }
    }

    public static CodeRequestForm From(CodeRequestView v)
    {
        var form = new CodeRequestForm
        {
            Delivery = DeliveryForm.From(v.Delivery), Reason = v.Reason, ReasonNote = v.ReasonNote, OutsideHealthAuthorityReason = v.OutsideHealthAuthorityReason,
        };
        form.CopyFrom(v.Mode, v.DelegationKind, v.Delegate, v.Document, v.PrivacyConsent, v.HealthDocuments);
        if (v.SpecialCases is { } s)
            form.SpecialCases = new SpecialCasesForm
            {
                EmancipatedMinor = s.EmancipatedMinor, ExpiredDocumentDeclaration = s.ExpiredDocumentDeclaration,
                ImpedimentOverThreeMonths = s.ImpedimentOverThreeMonths,
                MedicalCertificate = new CertificateForm
                {
                    Doctor = s.MedicalCertificate?.Doctor,
                    IssueDate = s.MedicalCertificate?.IssueDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                },
            };
        return form;
    }
}
