using Cms.Domain.Common;
using Cms.Domain.Requests;

namespace Cms.Domain.Activation;

/// <summary>
/// A request to activate a card and release its codes [M 2.3–2.4, T 2.2, TM 10.1–10.3]. Created PENDING with
/// a summary, modifiable while pending, then confirmed (the card becomes ACTIVE) or cancelled; it expires
/// when left pending too long.
/// </summary>
public sealed class ActivationRequest
{
    private ActivationRequest() { }

    public ActivationRequest(Guid id, string cardNumber, string holderCodiceFiscale, Guid operatorId, string counterCode,
        DateTimeOffset now, TimeSpan pendingFor, ActivationDetails details)
    {
        Id = id;
        CardNumber = cardNumber;
        HolderCodiceFiscale = holderCodiceFiscale;
        OperatorId = operatorId;
        CounterCode = counterCode;
        CreatedAt = now;
        Status = RequestStatus.Pending;
        Apply(details, now, pendingFor);
    }

    public Guid Id { get; private set; }
    public string CardNumber { get; private set; } = null!;
    public string HolderCodiceFiscale { get; private set; } = null!;
    public RequestMode Mode { get; private set; }
    public DelegationKind? DelegationKind { get; private set; }
    public DelegatePerson? Delegate { get; private set; }
    public IdentityDocument Document { get; private set; } = null!;
    public DeliveryAddress Delivery { get; private set; } = null!;
    public bool PrivacyConsent { get; private set; }
    public bool HealthDelegationDocumentsReceived { get; private set; }
    public RequestStatus Status { get; private set; }
    public Guid OperatorId { get; private set; }
    public string CounterCode { get; private set; } = null!;
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public DateTimeOffset? CancelledAt { get; private set; }
    public Guid? DeliveryId { get; private set; }
    public uint Version { get; private set; }

    public RequestStatus StatusAt(DateTimeOffset now) =>
        Status == RequestStatus.Pending && now > ExpiresAt ? RequestStatus.Expired : Status;

    public void Modify(ActivationDetails details, DateTimeOffset now, TimeSpan pendingFor)
    {
        EnsurePending(now);
        Apply(details, now, pendingFor);
    }

    public void Complete(DateTimeOffset now, Guid deliveryId)
    {
        EnsurePending(now);
        Status = RequestStatus.Completed;
        CompletedAt = now;
        DeliveryId = deliveryId;
    }

    public void Cancel(DateTimeOffset now)
    {
        EnsurePending(now);
        Status = RequestStatus.Cancelled;
        CancelledAt = now;
    }

    /// <summary>Throws unless the request can still be modified or confirmed; records the expiry it finds.</summary>
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
                    .With("status", Status);
        }
    }

    private void Apply(ActivationDetails d, DateTimeOffset now, TimeSpan pendingFor)
    {
        Mode = d.Mode;
        DelegationKind = d.Mode == RequestMode.Delegated ? d.DelegationKind : null;
        Delegate = d.Mode == RequestMode.Direct ? null : d.Delegate;
        Document = d.Document;
        Delivery = d.Delivery;
        PrivacyConsent = d.PrivacyConsent;
        HealthDelegationDocumentsReceived = d.Mode == RequestMode.HealthDelegation && d.HealthDelegationDocumentsReceived;
        UpdatedAt = now;
        ExpiresAt = now + pendingFor;
    }
}

/// <summary>What the counter enters for an activation, checked by <see cref="ActivationRules"/>.</summary>
public sealed record ActivationDetails(
    RequestMode Mode, DelegationKind? DelegationKind, DelegatePerson? Delegate, IdentityDocument Document, DeliveryAddress Delivery,
    bool PrivacyConsent, bool HealthDelegationDocumentsReceived);

/// <summary>The rules of SPEC §3.3, each with its own name (the problem type of the answer).</summary>
public static class ActivationRules
{
    public static void Check(ActivationDetails d, string holderCodiceFiscale, bool holderIsMinor, DateOnly requestDate)
    {
        if (d.Mode == RequestMode.Direct && holderIsMinor)
            throw new DomainRuleException("minor-direct-activation",
                "Il titolare è minorenne: l'attivazione diretta non è consentita, serve la delega di chi esercita la potestà genitoriale o del tutore.");
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
        if (d.Mode == RequestMode.HealthDelegation && !d.HealthDelegationDocumentsReceived)
            throw new DomainRuleException("health-delegation-documents-missing",
                "Per la delega per motivi di salute occorrono il modulo di delega firmato dal titolare e la copia del suo documento di identità.");
        if (d.Document.IssueDate > requestDate)
            throw new DomainRuleException("document-not-yet-issued", "La data di rilascio del documento è successiva alla data della richiesta.");
        if (d.Document.ExpiryDate < requestDate)
            throw new DomainRuleException("document-expired", "Il documento di riconoscimento è scaduto.");
        if (!d.PrivacyConsent)
            throw new DomainRuleException("privacy-consent-required",
                "Il titolare della carta, o suo delegato, deve acconsentire al trattamento dei dati personali.");
    }
}
