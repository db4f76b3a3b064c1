using Cms.Domain.Common;

namespace Cms.Domain.Requests;

/// <summary>
/// What every counter operation shares: created PENDING with a summary, modifiable while pending, then
/// confirmed or cancelled; it expires when left pending too long. Each operation's table lives in its module's schema.
/// </summary>
public abstract class CounterRequest : ICancellableRequest
{
    protected CounterRequest() { }

    protected CounterRequest(Guid id, string cardNumber, string holderCodiceFiscale, Guid operatorId, string counterCode, DateTimeOffset now)
    {
        Id = id;
        CardNumber = cardNumber;
        HolderCodiceFiscale = holderCodiceFiscale;
        OperatorId = operatorId;
        CounterCode = counterCode;
        CreatedAt = now;
        Status = RequestStatus.Pending;
    }

    public Guid Id { get; protected set; }
    public string CardNumber { get; protected set; } = null!;
    public string HolderCodiceFiscale { get; protected set; } = null!;
    public RequestStatus Status { get; protected set; }
    public Guid OperatorId { get; protected set; }
    public string CounterCode { get; protected set; } = null!;
    public DateTimeOffset CreatedAt { get; protected set; }
    public DateTimeOffset UpdatedAt { get; protected set; }
    public DateTimeOffset ExpiresAt { get; protected set; }
    public DateTimeOffset? CompletedAt { get; protected set; }
    public DateTimeOffset? CancelledAt { get; protected set; }
    public uint Version { get; protected set; }

    public RequestStatus StatusAt(DateTimeOffset now) =>
        Status == RequestStatus.Pending && now > ExpiresAt ? RequestStatus.Expired : Status;

    public void Cancel(DateTimeOffset now)
    {
        EnsurePending(now);
        Status = RequestStatus.Cancelled;
        CancelledAt = now;
    }

    /// <summary>Throws unless the request can still be modified or confirmed.</summary>
    public void EnsurePending(DateTimeOffset now)
    {
        switch (StatusAt(now))
        {
            case RequestStatus.Pending:
                return;
            case RequestStatus.Expired:
                throw new DomainRuleException("request-expired",
                    "La richiesta è scaduta perché non confermata in tempo: crearne una nuova.", RuleKind.Conflict);
            default:
                throw new DomainRuleException("request-not-pending",
                    $"La richiesta non è più modificabile (stato {Status.ToString().ToUpperInvariant()}).", RuleKind.Conflict)
                    .With("requestStatus", Status);
        }
    }

    /// <summary>PENDING → COMPLETED.</summary>
    protected void CompleteAt(DateTimeOffset now)
    {
        EnsurePending(now);
        Status = RequestStatus.Completed;
        CompletedAt = now;
    }

    /// <summary>A change restarts the time the request may stay pending.</summary>
    protected void Touch(DateTimeOffset now, TimeSpan pendingFor)
    {
        UpdatedAt = now;
        ExpiresAt = now + pendingFor;
    }
}

/// <summary>
/// Sign before confirm [M 2.3, TM 10.1, S 9.3.3]: the forms of a request are printed and signed before its confirm, and the operator
/// says so (<c>formPrintedAndSigned</c>); otherwise the confirm is refused with <see cref="Rule"/>.
/// </summary>
public static class SignedForms
{
    public const string Rule = "form-not-printed";

    public static void Ensure(IReadOnlyCollection<string> required, IReadOnlyCollection<string> printed, bool acknowledged)
    {
        if (required.Count == 0) return;
        var missing = required.Where(name => !printed.Contains(name)).ToArray();
        if (missing.Length > 0)
            throw new DomainRuleException(Rule,
                    $"Prima della conferma va stampato e fatto firmare: {string.Join(", ", missing.Select(Label))}.", RuleKind.Conflict)
                .With("missingForms", missing);
        if (!acknowledged)
            throw new DomainRuleException(Rule,
                    "Confermare di aver stampato i moduli e di averli fatti firmare al richiedente (formPrintedAndSigned).", RuleKind.Conflict)
                .With("missingForms", Array.Empty<string>());
    }

    /// <summary>How a form is named to the operator.</summary>
    public static string Label(string name) => name switch
    {
        "modulo-richiesta-codici" => "il modulo di richiesta codici",
        "dichiarazione-sostitutiva" => "la dichiarazione sostitutiva di certificazione",
        "modulo-richiesta-revoca" => "il modulo di richiesta revoca",
        "modulo-richiesta-pin-delega" => "il modulo richiesta PIN e consenso per delega",
        "modulo-richiesta-firma-digitale" => "il modulo di richiesta del certificato di firma digitale",
        _ => name,
    };
}

/// <summary>A request made by a person at the counter — the holder or a delegate — who shows an identity document.</summary>
public abstract class AttendedRequest : CounterRequest
{
    protected AttendedRequest() { }

    protected AttendedRequest(Guid id, string cardNumber, string holderCodiceFiscale, Guid operatorId, string counterCode, DateTimeOffset now)
        : base(id, cardNumber, holderCodiceFiscale, operatorId, counterCode, now) { }

    public RequestMode Mode { get; protected set; }
    public DelegationKind? DelegationKind { get; protected set; }
    public DelegatePerson? Delegate { get; protected set; }
    public IdentityDocument Document { get; protected set; } = null!;
    public bool PrivacyConsent { get; protected set; }

    protected void ApplyAttendee(AttendeeDetails a, DateTimeOffset now, TimeSpan pendingFor)
    {
        Mode = a.Mode;
        DelegationKind = a.Mode == RequestMode.Delegated ? a.DelegationKind : null;
        Delegate = a.Mode == RequestMode.Direct ? null : a.Delegate;
        Document = a.Document;
        PrivacyConsent = a.PrivacyConsent;
        Touch(now, pendingFor);
    }
}

/// <summary>A request whose confirm releases the card's codes: first halves on paper, second halves to an address.</summary>
public abstract class CodeReleaseRequest : AttendedRequest
{
    protected CodeReleaseRequest() { }

    protected CodeReleaseRequest(Guid id, string cardNumber, string holderCodiceFiscale, Guid operatorId, string counterCode, DateTimeOffset now)
        : base(id, cardNumber, holderCodiceFiscale, operatorId, counterCode, now) { }

    public DeliveryAddress Delivery { get; protected set; } = null!;
    public Guid? DeliveryId { get; protected set; }

    /// <summary>When the first halves were printed (the codes form, once per release), and by whom.</summary>
    public DateTimeOffset? CodesPrintedAt { get; protected set; }
    public Guid? CodesPrintedBy { get; protected set; }

    /// <summary>The first halves print once per release: a second print needs a new request (a reprint).</summary>
    public void MarkCodesPrinted(DateTimeOffset now, Guid operatorId)
    {
        if (CodesPrintedAt is not null) throw CodesPrint.AlreadyPrinted(CodesPrintedAt.Value);
        CodesPrintedAt = now;
        CodesPrintedBy = operatorId;
    }

    public void Complete(DateTimeOffset now, Guid deliveryId)
    {
        CompleteAt(now);
        DeliveryId = deliveryId;
    }

    /// <summary>The forms printed for signature while the request is pending, by name [M 2.3, TM 10.1]; a change of the request clears them.</summary>
    public string[] FormsPrinted { get; protected set; } = [];

    /// <summary>A form printed while pending: from now on it counts for the confirm (until the request changes).</summary>
    public void MarkFormPrinted(string name, DateTimeOffset now)
    {
        if (StatusAt(now) == RequestStatus.Pending && !FormsPrinted.Contains(name)) FormsPrinted = [.. FormsPrinted, name];
    }

    /// <summary>The holder, a minor, came in person with the declaration of emancipation [S 6.4.2].</summary>
    public bool EmancipatedMinor { get; protected set; }
    /// <summary>The document shown is expired, accepted with the declaration of art. 45 c. 3 d.p.r. 445/2000 [TM 8.1.2] (region policy).</summary>
    public bool ExpiredDocumentDeclared { get; protected set; }
    /// <summary>Delegation for health reasons: the medical certificate's doctor and date [S 6.4.4].</summary>
    public string? MedicalCertificateDoctor { get; protected set; }
    public DateOnly? MedicalCertificateDate { get; protected set; }
    /// <summary>Delegation for health reasons: the impediment lasts more than three months [S 6.4.4].</summary>
    public bool ImpedimentOverThreeMonths { get; protected set; }

    /// <summary>The manuals' exceptions as recorded on this request.</summary>
    public SpecialCases Special => new(EmancipatedMinor, ExpiredDocumentDeclared,
        MedicalCertificateDoctor is { } doctor && MedicalCertificateDate is { } date ? new MedicalCertificate(doctor, date) : null, ImpedimentOverThreeMonths);

    protected void ApplyPeople(PeopleDetails p, DateTimeOffset now, TimeSpan pendingFor)
    {
        ApplyAttendee(p.Attendee, now, pendingFor);
        Delivery = p.Delivery;
        // Only what applies to the request is kept (the rules refused what contradicts it): a declaration the form would print wrongly is dropped.
        var special = p.Special ?? SpecialCases.None;
        var health = p.Mode == RequestMode.HealthDelegation;
        EmancipatedMinor = special.EmancipatedMinor && p.Mode == RequestMode.Direct;
        ExpiredDocumentDeclared = special.ExpiredDocumentDeclared && p.Document.ExpiryDate < DateOnly.FromDateTime(now.UtcDateTime);
        MedicalCertificateDoctor = health ? special.MedicalCertificate?.Doctor : null;
        MedicalCertificateDate = health ? special.MedicalCertificate?.IssueDate : null;
        ImpedimentOverThreeMonths = health && special.ImpedimentOverThreeMonths;
        FormsPrinted = []; // the printed forms no longer say what will be confirmed: print them again
    }
}

/// <summary>The rule of the first halves' print: once per release [issue 24].</summary>
public static class CodesPrint
{
    public const string Rule = "document-already-printed";

    public static DomainRuleException AlreadyPrinted(DateTimeOffset printedAt) =>
        new DomainRuleException(Rule,
                "I codici personali di questa richiesta sono già stati stampati e non si possono stampare di nuovo: " +
                "per una nuova stampa serve una nuova richiesta (ristampa PIN/PUK).", RuleKind.Conflict)
            .With("printedAt", printedAt);
}

/// <summary>A medical certificate (generic: no reference to the pathology) [S 6.4.4]: the doctor who signed it and its date.</summary>
public sealed record MedicalCertificate(string Doctor, DateOnly IssueDate);

/// <summary>
/// The manuals' exceptions a code-release request may carry: an emancipated minor in person with the declaration [S 6.4.2]; an
/// expired document with the declaration of art. 45 c. 3 d.p.r. 445/2000 [TM 8.1.2]; for the delegation for health reasons, the
/// medical certificate and an impediment of more than three months [S 6.4.4].
/// </summary>
public sealed record SpecialCases(bool EmancipatedMinor, bool ExpiredDocumentDeclared, MedicalCertificate? MedicalCertificate, bool ImpedimentOverThreeMonths)
{
    public static readonly SpecialCases None = new(false, false, null, false);

    /// <summary>The exceptions applied, as the trail records them next to the operation (nothing when none applies).</summary>
    public string AuditSuffix() =>
        (EmancipatedMinor ? " emancipated-minor" : "") + (ExpiredDocumentDeclared ? " expired-document-declared" : "") +
        (MedicalCertificate is { } m ? $" medical-certificate={m.IssueDate:yyyy-MM-dd}" : "") + (ImpedimentOverThreeMonths ? " impediment-over-3-months" : "");
}

/// <summary>
/// That the manuals' exceptions apply to a request (activation and reprint at the counter), and the region's policy on expired documents
/// (<c>Cms:Documents:AcceptExpiredWithDeclaration</c>, art. 45 c. 3 d.p.r. 445/2000 [TM 8.1.2]).
/// </summary>
public sealed record SpecialCasesPolicy(bool AcceptExpiredWithDeclaration);

/// <summary>Who is at the counter and with which document, and the privacy consent.</summary>
public sealed record AttendeeDetails(
    RequestMode Mode, DelegationKind? DelegationKind, DelegatePerson? Delegate, IdentityDocument Document, bool PrivacyConsent,
    bool HealthDelegationDocumentsReceived, SpecialCases? Special = null);

/// <summary>Who is at the counter, with which document, where the second halves go, and the privacy consent.</summary>
public sealed record PeopleDetails(
    RequestMode Mode, DelegationKind? DelegationKind, DelegatePerson? Delegate, IdentityDocument Document, DeliveryAddress Delivery,
    bool PrivacyConsent, bool HealthDelegationDocumentsReceived, SpecialCases? Special = null)
{
    public AttendeeDetails Attendee => new(Mode, DelegationKind, Delegate, Document, PrivacyConsent, HealthDelegationDocumentsReceived, Special);
}

/// <summary>The rules about the people of a request (SPEC §3.3, §3.5), each with its own name.</summary>
public static class PeopleRules
{
    /// <summary>
    /// Revocation, consents, suspension: asked in person or through parental authority / tutor / curator [T 2.5, 2.3]; the
    /// delegation for health reasons is the activation's (and reprint's) alone.
    /// </summary>
    public static void EnsureInPersonOrLegalDelegation(RequestMode mode)
    {
        if (mode == RequestMode.HealthDelegation)
            throw new DomainRuleException("mode-not-allowed",
                "La richiesta si presenta di persona o su delega (potestà genitoriale, tutore, curatore).");
    }

    /// <param name="specialCases">
    /// The manuals' exceptions apply (activation and reprint at the counter, decision 0044): the emancipated minor, the health
    /// delegation's certificate and impediment, and — by the region's policy — the expired document with its declaration. Null for the
    /// other requests (revocation, consents, interoperability), which keep the common rules.
    /// </param>
    /// <summary>The youngest age at which a minor can be emancipated (by marriage, art. 84 and 390 c.c.).</summary>
    public const int EmancipationAge = 16;

    public static void Check(PeopleDetails d, string holderCodiceFiscale, bool holderIsMinor, DateOnly requestDate, SpecialCasesPolicy? specialCases = null,
        DateOnly? holderBirthDate = null) =>
        Check(d.Attendee, holderCodiceFiscale, holderIsMinor, requestDate, specialCases, holderBirthDate);

    public static void Check(AttendeeDetails d, string holderCodiceFiscale, bool holderIsMinor, DateOnly requestDate, SpecialCasesPolicy? specialCases = null,
        DateOnly? holderBirthDate = null)
    {
        var special = specialCases is null ? SpecialCases.None : d.Special ?? SpecialCases.None;
        if (special.EmancipatedMinor && !(d.Mode == RequestMode.Direct && holderIsMinor))
            throw new DomainRuleException("emancipation-not-applicable",
                "La dichiarazione di minore emancipato vale solo per un titolare minorenne che si presenta di persona.");
        if (special.EmancipatedMinor && (holderBirthDate is not { } born || born.AddYears(EmancipationAge) > requestDate))
            throw new DomainRuleException("emancipation-age",
                $"Un minore può essere emancipato solo dai {EmancipationAge} anni (matrimonio, artt. 84 e 390 c.c.): il titolare non li ha compiuti.");
        if (d.Mode == RequestMode.Direct && holderIsMinor && !special.EmancipatedMinor)
            throw new DomainRuleException("minor-direct-activation",
                "Il titolare è minorenne: la richiesta diretta non è consentita, serve la delega di chi esercita la potestà genitoriale o del tutore " +
                "(oppure, per un minore emancipato, la sua dichiarazione dello stato di emancipazione).");
        if (d.Mode != RequestMode.Direct)
        {
            if (d.Delegate is null)
                throw new DomainRuleException("delegate-required", "Indicare i dati del delegato.");
            if (d.Delegate.CodiceFiscale == holderCodiceFiscale)
                throw new DomainRuleException("delegate-is-holder", "Il delegato non può essere il titolare della tessera.");
        }
        if (d.Mode == RequestMode.Delegated)
        {
            if (d.DelegationKind is null)
                throw new DomainRuleException("delegation-kind-required", "Indicare il tipo di delega: potestà genitoriale, tutore o curatore.");
            if (d.DelegationKind == Requests.DelegationKind.Parental && !holderIsMinor)
                throw new DomainRuleException("parental-authority-adult-holder",
                    "La potestà genitoriale vale solo per un titolare minorenne: per un maggiorenne indicare tutore o curatore.");
        }
        if (d.Mode == RequestMode.HealthDelegation)
        {
            if (!d.HealthDelegationDocumentsReceived)
                throw new DomainRuleException("health-delegation-documents-missing",
                    "Per la delega per motivi di salute occorrono il modulo di delega firmato dal titolare e la copia del suo documento di identità.");
            // The certificate and the impediment [S 6.4.4]: at the counter's activation and reprint (interoperability: decision 0044).
            if (specialCases is not null)
            {
                if (special.MedicalCertificate is null)
                    throw new DomainRuleException("medical-certificate-required",
                        "Per la delega per motivi di salute indicare il certificato medico (medico che lo ha rilasciato e data).");
                if (special.MedicalCertificate.IssueDate > requestDate)
                    throw new DomainRuleException("medical-certificate-date-invalid", "La data del certificato medico è successiva alla data della richiesta.");
                if (!special.ImpedimentOverThreeMonths)
                    throw new DomainRuleException("health-impediment-too-short",
                        "La delega per motivi di salute è ammessa solo se il titolare non può presentarsi allo sportello per più di tre mesi.");
            }
        }
        if (d.Document.IssueDate > requestDate)
            throw new DomainRuleException("document-not-yet-issued", "La data di rilascio del documento è successiva alla data della richiesta.");
        if (d.Document.ExpiryDate < requestDate)
        {
            if (specialCases?.AcceptExpiredWithDeclaration != true)
                throw new DomainRuleException("document-expired", "Il documento di riconoscimento è scaduto.");
            if (!special.ExpiredDocumentDeclared)
                throw new DomainRuleException("expired-document-declaration-required",
                    "Il documento di riconoscimento è scaduto: si accetta solo se il richiedente dichiara che i dati in esso contenuti non hanno " +
                    "subito variazioni dalla data del rilascio (art. 45, comma 3, d.p.r. 445/2000).");
        }
        if (!d.PrivacyConsent)
            throw new DomainRuleException("privacy-consent-required",
                "Il titolare della carta, o suo delegato, deve acconsentire al trattamento dei dati personali.");
    }
}
