namespace Cms.Web.Services;

/// <summary>
/// A request to another region [T 2.11, S 8]: the card's full number, the holder as read from the card, the person at the
/// counter and their document, then what the operation needs — where the second halves go (activation, reprint), the
/// reprint's reason, or the revocation's reason, evidence and the holder's CIP.
/// </summary>
public sealed class InteropForm : PersonPresentForm
{
    public string? CardNumber { get; set; }
    public HolderForm Holder { get; set; } = new();
    public DeliveryForm Delivery { get; set; } = new();
    public string? Reason { get; set; }
    /// <summary>A reprint from another region is outside the holder's health authority: the operator states why.</summary>
    public string? OutsideHealthAuthorityReason { get; set; }
    public string? RevocationReason { get; set; }
    public RevocationForm.EvidenceForm Evidence { get; set; } = new();
    public string? Cip { get; set; }

    public sealed class HolderForm
    {
        public string? CodiceFiscale { get; set; }
        public string? Surname { get; set; }
        public string? GivenName { get; set; }
        public string? BirthDate { get; set; }
    }

    public static readonly Dictionary<string, (InteropKind Kind, string Label)> Operations = new(StringComparer.Ordinal)
    {
        ["attivazione"] = (InteropKind.ACTIVATION, "Attivazione"),
        ["ristampa"] = (InteropKind.REPRINT, "Ristampa PIN/PUK"),
        ["revoca"] = (InteropKind.REVOCATION, "Revoca"),
    };

    public InteropRequestInput ToCommand(InteropKind kind) => new()
    {
        Kind = kind,
        CardNumber = CardNumber?.Replace(" ", "").Trim(),
        Holder = new InteropHolderInput
        {
            CodiceFiscale = Holder.CodiceFiscale?.Trim().ToUpperInvariant(), Surname = Holder.Surname, GivenName = Holder.GivenName,
            BirthDate = Holder.BirthDate,
        },
        Mode = ParsedMode, DelegationKind = ParsedDelegationKind, Delegate = DelegatePersonInput, Document = DocumentInput, PrivacyConsent = PrivacyConsent,
        HealthDelegationDocumentsReceived = HealthDocuments,
        Delivery = kind == InteropKind.REVOCATION ? null : Delivery.ToInput(),
        Reason = kind == InteropKind.REPRINT ? Parse<ReprintReason>(Reason) : null,
        OutsideHealthAuthorityReason = kind == InteropKind.REPRINT && !string.IsNullOrWhiteSpace(OutsideHealthAuthorityReason) ? OutsideHealthAuthorityReason : null,
        RevocationReason = kind == InteropKind.REVOCATION ? Parse<RevocationReason>(RevocationReason) : null,
        Evidence = kind == InteropKind.REVOCATION && Parse<LossEvidenceKind>(Evidence.Kind) is { } evidence
            ? new InteropEvidenceInput { Kind = evidence, Reference = string.IsNullOrWhiteSpace(Evidence.Reference) ? null : Evidence.Reference }
            : null,
        Cip = kind == InteropKind.REVOCATION ? Cip?.Trim() : null,
    };

    public static readonly IReadOnlyDictionary<string, string> Rules = new Dictionary<string, string>(RuleFields, StringComparer.Ordinal)
    {
        ["card-in-local-registry"] = "cardNumber",
        ["peer-not-registered"] = "cardNumber",
        ["loss-evidence-required"] = "evidence.kind",
        ["police-report-reference-required"] = "evidence.reference",
    };

    public static string Status(InteropStatus status) => status switch
    {
        InteropStatus.PENDING => "in attesa di conferma",
        InteropStatus.QUEUED => "in coda per l'invio alla Regione emittente",
        InteropStatus.SENT => "inviata, in attesa della risposta della Regione emittente",
        InteropStatus.COMPLETED => "completata dalla Regione emittente",
        InteropStatus.FAILED => "rifiutata o non consegnata",
        InteropStatus.CANCELLED => "annullata",
        _ => "scaduta",
    };
}
