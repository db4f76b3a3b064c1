namespace Cms.Web.Services;

/// <summary>FSE consents as the operator records them, on the consent model in effect (the feeding consent only under the legacy one).</summary>
public sealed class ConsentForm : PersonPresentForm
{
    public ChoicesForm Consents { get; set; } = new();
    public bool DeclarationConfirmed { get; set; }
    public Guid? ActivationId { get; set; }

    public sealed class ChoicesForm
    {
        public bool InformationNoticeSeen { get; set; }
        public string? FeedingConsent { get; set; }
        public bool ConsultationConsent { get; set; }
        public string? NotificationEmail { get; set; }
        public string? NotificationEmailConfirmation { get; set; }
        public string? PastData { get; set; } = "NO_RECOVERY";
    }

    public ConsentRequestInput ToCreate(string cardNumber, ConsentModel model) => new()
    {
        CardNumber = cardNumber, Mode = ParsedMode, DelegationKind = ParsedDelegationKind, Delegate = DelegatePersonInput, Document = DocumentInput,
        PrivacyConsent = PrivacyConsent, HealthDelegationDocumentsReceived = HealthDocuments, DeclarationConfirmed = DeclarationConfirmed,
        ActivationId = ActivationId,
        Consents = new ConsentChoicesInput
        {
            InformationNoticeSeen = Consents.InformationNoticeSeen,
            FeedingConsent = model == ConsentModel.LEGACY ? Consents.FeedingConsent switch { "true" => true, "false" => false, _ => null } : null,
            ConsultationConsent = Consents.ConsultationConsent,
            NotificationEmail = string.IsNullOrWhiteSpace(Consents.NotificationEmail) ? null : Consents.NotificationEmail,
            NotificationEmailConfirmation = string.IsNullOrWhiteSpace(Consents.NotificationEmailConfirmation) ? null : Consents.NotificationEmailConfirmation,
            PastData = Parse<PastDataChoice>(Consents.PastData),
        },
    };

    public static readonly IReadOnlyDictionary<string, string> Rules = new Dictionary<string, string>(RuleFields, StringComparer.Ordinal)
    {
        ["feeding-consent-required"] = "consents.feedingConsent",
        ["consultation-without-feeding"] = "consents.consultationConsent",
        ["past-data-without-feeding"] = "consents.pastData",
        ["notification-email-without-consultation"] = "consents.notificationEmail",
        ["consent-declaration-required"] = "declarationConfirmed",
    };
}
