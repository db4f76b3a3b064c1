using Cms.Client;

namespace Cms.Web.Pages.Attivazione;

/// <summary>The activation request as the operator fills it in; field names follow the API's, so its problems land beside them.</summary>
public sealed class ActivationForm
{
    public string? Mode { get; set; } = "DIRECT";
    public string? DelegationKind { get; set; }
    public PersonForm Delegate { get; set; } = new();
    public DocumentForm Document { get; set; } = new();
    public DeliveryForm Delivery { get; set; } = new() { Channel = "EMAIL" };
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

    public sealed class DeliveryForm
    {
        public string? Channel { get; set; }
        public string? Email { get; set; }
        public string? EmailConfirmation { get; set; }
        public string? Mobile { get; set; }
    }

    private static T? Parse<T>(string? value) where T : struct, Enum => Enum.TryParse<T>(value, out var v) ? v : null;

    private RequestMode? ParsedMode => Parse<RequestMode>(Mode);

    private DelegateInput? DelegateInput => ParsedMode is RequestMode.DELEGATED or RequestMode.HEALTH_DELEGATION
        ? new DelegateInput { CodiceFiscale = Delegate.CodiceFiscale?.Trim().ToUpperInvariant(), Surname = Delegate.Surname, GivenName = Delegate.GivenName }
        : null;

    private DocumentInput DocumentInput => new()
    {
        Type = Parse<DocumentType>(Document.Type), Number = Document.Number, IssuedBy = Document.IssuedBy,
        IssueDate = Document.IssueDate, ExpiryDate = Document.ExpiryDate,
    };

    private DeliveryInput DeliveryInput => Parse<DeliveryChannel>(Delivery.Channel) is DeliveryChannel.SMS
        ? new DeliveryInput { Channel = DeliveryChannel.SMS, Mobile = Delivery.Mobile }
        : new DeliveryInput { Channel = Parse<DeliveryChannel>(Delivery.Channel), Email = Delivery.Email, EmailConfirmation = Delivery.EmailConfirmation };

    public CreateActivationCommand ToCreate(string cardNumber) => new()
    {
        CardNumber = cardNumber, Mode = ParsedMode,
        DelegationKind = ParsedMode == RequestMode.DELEGATED ? Parse<DelegationKind>(DelegationKind) : null,
        Delegate = DelegateInput, Document = DocumentInput, Delivery = DeliveryInput, PrivacyConsent = PrivacyConsent,
        HealthDelegationDocumentsReceived = ParsedMode == RequestMode.HEALTH_DELEGATION ? HealthDelegationDocumentsReceived : null,
    };

    public UpdateActivationRequest ToUpdate() => new()
    {
        Mode = ParsedMode,
        DelegationKind = ParsedMode == RequestMode.DELEGATED ? Parse<DelegationKind>(DelegationKind) : null,
        Delegate = DelegateInput, Document = DocumentInput, Delivery = DeliveryInput, PrivacyConsent = PrivacyConsent,
        HealthDelegationDocumentsReceived = ParsedMode == RequestMode.HEALTH_DELEGATION ? HealthDelegationDocumentsReceived : null,
    };

    public static ActivationForm From(ActivationSummary s) => new()
    {
        Mode = s.Mode.ToString(),
        DelegationKind = s.DelegationKind?.ToString(),
        Delegate = new PersonForm { CodiceFiscale = s.Delegate?.CodiceFiscale, Surname = s.Delegate?.Surname, GivenName = s.Delegate?.GivenName },
        Document = new DocumentForm
        {
            Type = s.Document.Type.ToString(), Number = s.Document.Number, IssuedBy = s.Document.IssuedBy,
            IssueDate = s.Document.IssueDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ExpiryDate = s.Document.ExpiryDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        },
        Delivery = new DeliveryForm { Channel = s.Delivery.Channel.ToString(), Email = s.Delivery.Email, EmailConfirmation = s.Delivery.Email, Mobile = s.Delivery.Mobile },
        PrivacyConsent = s.PrivacyConsent,
        HealthDelegationDocumentsReceived = s.HealthDelegationDocumentsReceived,
    };

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
    };
}
