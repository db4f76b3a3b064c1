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

    public DelegatePersonInput? DelegatePersonInput => ParsedMode is RequestMode.DELEGATED or RequestMode.HEALTH_DELEGATION
        ? new DelegatePersonInput { CodiceFiscale = Delegate.CodiceFiscale?.Trim().ToUpperInvariant(), Surname = Delegate.Surname, GivenName = Delegate.GivenName }
        : null;

    public DocumentInput DocumentInput => new()
    {
        Type = Parse<DocumentType>(Document.Type), Number = Document.Number, IssuedBy = Document.IssuedBy,
        IssueDate = Document.IssueDate, ExpiryDate = Document.ExpiryDate,
    };

    protected void CopyFrom(RequestMode mode, DelegationKind? kind, DelegatePerson? person, Document document, bool privacy, bool healthDocuments)
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
        ["delegate-card-is-holder"] = "delegate.codiceFiscale",
        ["delegate-card-not-found"] = "delegate.codiceFiscale",
        ["delegate-card-mismatch"] = "delegate.codiceFiscale",
        ["delegate-card-not-valid"] = "delegate.codiceFiscale",
        ["delegate-card-minor"] = "delegate.codiceFiscale",
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

    public CodeDeliveryInput ToInput() => PersonPresentForm.Parse<DeliveryChannel>(Channel) is DeliveryChannel.SMS
        ? new CodeDeliveryInput { Channel = DeliveryChannel.SMS, Mobile = Mobile }
        : new CodeDeliveryInput { Channel = PersonPresentForm.Parse<DeliveryChannel>(Channel), Email = Email, EmailConfirmation = EmailConfirmation };

    public static DeliveryForm From(CodeDelivery d) => new() { Channel = d.Channel.ToString(), Email = d.Email, EmailConfirmation = d.Email, Mobile = d.Mobile };
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

    /// <summary>The reading of the delegate's own TS-CNS ("Recupera dati delegato" [M 2.4.1]), kept in the form until it is sent.</summary>
    public ChipForm DelegateCard { get; set; } = new();
    /// <summary>The operator's choice to send the reading (unticked: the delegate's data count as typed).</summary>
    public bool UseDelegateCard { get; set; } = true;
    /// <summary>The card a saved request's delegate was read from (shown on a change; the API keeps it while the delegate stays the same).</summary>
    public string? DelegateReadFrom { get; set; }

    public sealed class ChipForm
    {
        public string? CardNumber { get; set; }
        public string? CodiceFiscale { get; set; }
        public string? Surname { get; set; }
        public string? GivenName { get; set; }
        public string? BirthDate { get; set; }
        public string? ExpiryDate { get; set; }
    }

    public bool HasDelegateCard => !string.IsNullOrEmpty(DelegateCard.CardNumber);

    public ChipData? DelegateCardInput => DelegatePersonInput is not null && UseDelegateCard && HasDelegateCard
        ? new ChipData
        {
            CardNumber = DelegateCard.CardNumber, CodiceFiscale = DelegateCard.CodiceFiscale, Surname = DelegateCard.Surname,
            GivenName = DelegateCard.GivenName, BirthDate = DelegateCard.BirthDate, ExpiryDate = DelegateCard.ExpiryDate,
        }
        : null;

    /// <summary>The delegate read from their card: the reading is kept for the API, the delegate's fields are filled from it.</summary>
    public void ApplyDelegateCard(ChipData chip)
    {
        DelegateCard = new ChipForm
        {
            CardNumber = chip.CardNumber, CodiceFiscale = chip.CodiceFiscale, Surname = chip.Surname, GivenName = chip.GivenName,
            BirthDate = chip.BirthDate, ExpiryDate = chip.ExpiryDate,
        };
        UseDelegateCard = true;
        Delegate = new PersonForm { CodiceFiscale = chip.CodiceFiscale, Surname = chip.Surname, GivenName = chip.GivenName };
        if (ParsedMode is not (RequestMode.DELEGATED or RequestMode.HEALTH_DELEGATION)) Mode = RequestMode.DELEGATED.ToString();
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
        form.DelegateReadFrom = v.Delegate?.Source == DelegateSource.CARD ? v.Delegate.CardNumber : null;
        return form;
    }
}
