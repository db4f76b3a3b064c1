namespace Cms.Web.Services;

/// <summary>A revocation as the operator fills it in: the reason, the theft or loss evidence and the person at the counter.</summary>
public sealed class RevocationForm : PersonPresentForm
{
    public string? Reason { get; set; }
    public EvidenceForm Evidence { get; set; } = new();

    public sealed class EvidenceForm
    {
        public string? Kind { get; set; }
        public string? Reference { get; set; }
    }

    private LossEvidenceInput? EvidenceInput => Parse<LossEvidenceKind>(Evidence.Kind) is { } kind
        ? new LossEvidenceInput { Kind = kind, Reference = string.IsNullOrWhiteSpace(Evidence.Reference) ? null : Evidence.Reference }
        : null;

    public RevocationRequestInput ToCreate(string cardNumber) => new()
    {
        CardNumber = cardNumber, Mode = ParsedMode, DelegationKind = ParsedDelegationKind, Delegate = DelegatePersonInput, Document = DocumentInput,
        PrivacyConsent = PrivacyConsent, HealthDelegationDocumentsReceived = HealthDocuments, Reason = Parse<RevocationReason>(Reason),
        Evidence = EvidenceInput,
    };

    public static readonly IReadOnlyDictionary<string, string> Rules = new Dictionary<string, string>(RuleFields, StringComparer.Ordinal)
    {
        ["loss-evidence-required"] = "evidence.kind",
    };
}

/// <summary>A suspension or a reactivation (where the region provides them): the person at the counter, the reason, a note.</summary>
public sealed class StateChangeForm : PersonPresentForm
{
    public string? Reason { get; set; }
    public string? Note { get; set; }

    public SuspensionInput ToSuspend(string cardNumber) => new()
    {
        CardNumber = cardNumber, Mode = ParsedMode, DelegationKind = ParsedDelegationKind, Delegate = DelegatePersonInput, Document = DocumentInput,
        PrivacyConsent = PrivacyConsent, HealthDelegationDocumentsReceived = HealthDocuments, Reason = Parse<SuspensionReason>(Reason),
        Note = string.IsNullOrWhiteSpace(Note) ? null : Note.Trim(),
    };

    public ReactivationInput ToReactivate(string cardNumber) => new()
    {
        CardNumber = cardNumber, Mode = ParsedMode, DelegationKind = ParsedDelegationKind, Delegate = DelegatePersonInput, Document = DocumentInput,
        PrivacyConsent = PrivacyConsent, HealthDelegationDocumentsReceived = HealthDocuments,
        Note = string.IsNullOrWhiteSpace(Note) ? null : Note.Trim(),
    };
}
