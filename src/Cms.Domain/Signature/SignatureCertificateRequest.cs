using Cms.Domain.Common;
using Cms.Domain.Requests;

namespace Cms.Domain.Signature;

/// <summary>
/// A request for the digital-signature certificate installed on the TS-CNS [S 7, S 9.3.2 point 8]: free of charge, for an adult
/// holder of an active card, who asks for it in person (never through a delegate: not for minors or people under guardianship) with
/// an identity document, and signs the request form for the certification authority; the counter operator acts as the authority's
/// registration officer. The confirm queues the request to the certification authority (the outbound outbox), whose answer the
/// request follows.
/// </summary>
public sealed class SignatureCertificateRequest : AttendedRequest
{
    /// <summary>The form printed and signed before the confirm: the request to the certification authority.</summary>
    public const string RequestForm = "modulo-richiesta-firma-digitale";

    private SignatureCertificateRequest() { }

    public SignatureCertificateRequest(Guid id, string cardNumber, string holderCodiceFiscale, Guid operatorId, string counterCode, DateTimeOffset now,
        TimeSpan pendingFor, IdentityDocument document, bool privacyConsent, bool holderIsMinor)
        : base(id, cardNumber, holderCodiceFiscale, operatorId, counterCode, now)
    {
        EnsureAdult(holderIsMinor);
        Apply(document, privacyConsent, now, pendingFor);
    }

    /// <summary>When the request form was printed while pending; a change of the request clears it.</summary>
    public DateTimeOffset? FormPrintedAt { get; private set; }
    /// <summary>The call to the certification authority queued by the confirm.</summary>
    public Guid? CertificateCallId { get; private set; }

    /// <summary>The forms printed for signature, as <see cref="SignedForms"/> reads them.</summary>
    public IReadOnlyCollection<string> FormsPrinted => FormPrintedAt is null ? [] : [RequestForm];

    public void Modify(IdentityDocument document, bool privacyConsent, bool holderIsMinor, DateTimeOffset now, TimeSpan pendingFor)
    {
        EnsurePending(now);
        EnsureAdult(holderIsMinor);
        Apply(document, privacyConsent, now, pendingFor);
        FormPrintedAt = null; // the printed form no longer says what will be sent: print it again
    }

    public void MarkFormPrinted(DateTimeOffset now)
    {
        if (StatusAt(now) == RequestStatus.Pending) FormPrintedAt = now;
    }

    /// <summary>The form printed since the last change and — says the operator — signed by the holder.</summary>
    public void EnsureConfirmable(DateTimeOffset now, bool formPrintedAndSigned)
    {
        EnsurePending(now);
        SignedForms.Ensure([RequestForm], FormsPrinted, formPrintedAndSigned);
    }

    public void Confirm(DateTimeOffset now, bool formPrintedAndSigned, Guid certificateCallId)
    {
        EnsureConfirmable(now, formPrintedAndSigned);
        CompleteAt(now);
        CertificateCallId = certificateCallId;
    }

    /// <summary>The signature certificate is not issued to minors [S 7, S 9.3.4].</summary>
    public static void EnsureAdult(bool holderIsMinor)
    {
        if (holderIsMinor)
            throw new DomainRuleException("signature-holder-minor",
                "Il titolare è minorenne: il certificato di firma digitale non può essere rilasciato a minori o tutelati.");
    }

    /// <summary>One request at a time per card: one still pending, or one sent and not refused by the certification authority.</summary>
    public static DomainRuleException AlreadyRequested(RequestStatus status, DateTimeOffset createdAt) =>
        new DomainRuleException("signature-request-exists",
                status == RequestStatus.Pending
                    ? "Per questa tessera è già aperta una richiesta del certificato di firma digitale: completarla o annullarla prima di crearne un'altra."
                    : "Per questa tessera il certificato di firma digitale è già stato richiesto al certificatore.", RuleKind.Conflict)
            .With("existingStatus", status)
            .With("existingCreatedAt", createdAt);

    private void Apply(IdentityDocument document, bool privacyConsent, DateTimeOffset now, TimeSpan pendingFor)
    {
        // Always the holder in person: the certificate is personal, never asked through a delegate [S 7, S 9.3.4–9.3.6].
        var attendee = new AttendeeDetails(RequestMode.Direct, null, null, document, privacyConsent, false);
        PeopleRules.Check(attendee, HolderCodiceFiscale, holderIsMinor: false, DateOnly.FromDateTime(now.UtcDateTime));
        ApplyAttendee(attendee, now, pendingFor);
    }
}
