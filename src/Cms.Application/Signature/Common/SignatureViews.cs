using Cms.Application.Common.Abstractions;
using Cms.Application.Outbound;
using Cms.Application.Requests;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Outbound;
using Cms.Domain.Requests;
using Cms.Domain.Signature;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Signature.Common;

/// <summary>Where the request to the certification authority stands, as the counter follows it.</summary>
public enum CertificateRequestStatus
{
    /// <summary>The request is not confirmed yet (or was cancelled / expired): nothing was sent.</summary>
    NotSent,
    /// <summary>Queued in the outbox, or being sent; retried while the certification authority does not answer.</summary>
    Queued,
    /// <summary>The certification authority accepted the request.</summary>
    Sent,
    /// <summary>The certification authority refused it, or it could not be delivered in the retry window: a new request may be made.</summary>
    Failed,
}

public sealed record SignatureRequestSummary(
    string CardNumber, CardState CardState, DateOnly CardExpiryDate, HolderView Holder, DocumentView Document, bool PrivacyConsent,
    bool FormPrinted, DateTimeOffset? FormPrintedAt, string CertificationAuthority, string CounterCode, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, IReadOnlyList<string> Documents, IReadOnlyList<string> NextSteps);

/// <summary>A signature-certificate request: its summary, and once confirmed the call to the certification authority and where it stands.</summary>
public sealed record SignatureRequestResponse(
    Guid Id, RequestStatus Status, SignatureRequestSummary Summary, CertificateRequestStatus CertificateStatus, OutboundCallView? CertificateRequest,
    string? Message);

/// <summary>The body of POST /signature-requests and PUT /signature-requests/{id}: the holder's document and the privacy consent.</summary>
public interface ISignatureInput
{
    DocumentInput? Document { get; }
    bool? PrivacyConsent { get; }
}

public static class SignatureInputRules
{
    public static void Apply<T>(AbstractValidator<T> v) where T : ISignatureInput
    {
        RequestInputRules.DocumentRules<T>(v, x => x.Document);
        v.RuleFor(x => x.PrivacyConsent).NotNull();
    }
}

public static class SignatureDocumentNames
{
    public const string RequestForm = SignatureCertificateRequest.RequestForm;

    public static IReadOnlyList<string> Available(RequestStatus status) =>
        status is RequestStatus.Pending or RequestStatus.Completed ? [RequestForm] : [];
}

/// <summary>Loading a signature-certificate request (own counter only), the one-per-card rule, the summary.</summary>
public sealed class SignatureRequests(
    CounterRequestLoader loader, ISignatureData db, ICardDirectory cards, OutboundCalls calls,
    Microsoft.Extensions.Options.IOptions<Cms.Application.Common.Options.CmsOptions> options)
{
    /// <summary>The kind of the outbound call, as the certification authority receives it (<c>X-Cms-Call-Kind</c>).</summary>
    public const string CallKind = "SIGNATURE_CERTIFICATE";

    public string CertificationAuthority => options.Value.Signature.CertificationAuthorityName;

    public Task<SignatureCertificateRequest> LoadAsync(Guid id, CancellationToken cancellationToken, bool forUpdate = false) =>
        loader.LoadAsync<SignatureCertificateRequest>(id, "Richiesta del certificato di firma digitale non trovata.", cancellationToken, forUpdate);

    public Task<CardView> CardAsync(string cardNumber, CancellationToken cancellationToken) => cards.RequireCardAsync(cardNumber, cancellationToken);

    /// <summary>An active card (an expired one is 422), of an adult holder.</summary>
    public static void EnsureEligible(CardView card)
    {
        CardRules.EnsureState(card.State, CardState.Active, "card-not-active",
            "Il certificato di firma digitale si rilascia solo sulla tessera attiva del titolare.");
        SignatureCertificateRequest.EnsureAdult(card.Holder.Minor);
    }

    /// <summary>
    /// One request per card at a time: none other pending (not expired) at any counter, none confirmed whose call the certification
    /// authority did not refuse. Checked under a transaction-scoped lock on the card, at the create and again at the confirm.
    /// </summary>
    public async Task EnsureNoOtherAsync(string cardNumber, Guid? except, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.LockKeyAsync("signature:" + cardNumber, cancellationToken);
        var other = await db.SignatureRequests.AsNoTracking()
            .Where(r => r.CardNumber == cardNumber && r.Id != except
                && ((r.Status == RequestStatus.Pending && r.ExpiresAt >= now)
                    || (r.Status == RequestStatus.Completed
                        && !db.OutboundCalls.Any(c => c.Id == r.CertificateCallId && c.Status == OutboundCallStatus.Failed))))
            .OrderByDescending(r => r.CreatedAt)
            .Select(r => new { r.Status, r.CreatedAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (other is not null) throw SignatureCertificateRequest.AlreadyRequested(other.Status, other.CreatedAt);
    }

    /// <summary>What the certification authority receives: the holder as registered and identified, the card; never a code.</summary>
    /// <param name="registrationOperatorId">The operator who confirms: who vouches to the certification authority for the identification and the signed form.</param>
    public static object CertificatePayload(SignatureCertificateRequest r, CardView card, DateTimeOffset at, Guid registrationOperatorId) => new
    {
        action = "ISSUE_SIGNATURE_CERTIFICATE",
        cardNumber = r.CardNumber,
        authenticationCertificateSerial = card.Certificate?.Serial,
        holderCodiceFiscale = r.HolderCodiceFiscale,
        surname = card.Holder.Surname,
        givenName = card.Holder.GivenName,
        birthDate = card.Holder.BirthDate,
        birthPlace = card.Holder.BirthPlace,
        identityDocument = new
        {
            type = Cms.Application.Common.Validation.ApiNames.Of(r.Document.Type), number = r.Document.Number, issuedBy = r.Document.IssuedBy,
            issueDate = r.Document.IssueDate, expiryDate = r.Document.ExpiryDate,
        },
        requestId = r.Id,
        requestedAt = at,
        counterCode = r.CounterCode,
        registrationOperatorId,
    };

    public async Task<SignatureRequestResponse> ResponseAsync(SignatureCertificateRequest r, DateTimeOffset now, CancellationToken cancellationToken,
        CardView? card = null, string? message = null)
    {
        card ??= await CardAsync(r.CardNumber, cancellationToken);
        return Response(r, card, now, await calls.FindAsync(r.CertificateCallId, cancellationToken), message);
    }

    public SignatureRequestResponse Response(SignatureCertificateRequest r, CardView card, DateTimeOffset now, OutboundCallView? call, string? message = null)
    {
        var status = r.StatusAt(now);
        var next = new List<string>();
        if (status == RequestStatus.Pending)
        {
            if (r.FormPrintedAt is null) next.Add("print-" + SignatureDocumentNames.RequestForm);
            next.Add("confirm");
        }
        var certificate = call?.Status switch
        {
            null => CertificateRequestStatus.NotSent,
            OutboundCallStatus.Sent => CertificateRequestStatus.Sent,
            OutboundCallStatus.Failed => CertificateRequestStatus.Failed,
            _ => CertificateRequestStatus.Queued,
        };
        return new SignatureRequestResponse(r.Id, status, new SignatureRequestSummary(
                r.CardNumber, card.State, card.ExpiryDate, card.Holder, RequestViews.Document(r), r.PrivacyConsent, r.FormPrintedAt is not null,
                r.FormPrintedAt, CertificationAuthority, r.CounterCode, r.CreatedAt, r.ExpiresAt, SignatureDocumentNames.Available(status), next),
            certificate, call, message ?? Describe(certificate, call));
    }

    /// <summary>Where the request to the certification authority stands, in the operator's words.</summary>
    public static string? Describe(CertificateRequestStatus status, OutboundCallView? call) => status switch
    {
        CertificateRequestStatus.Queued => call!.Attempts == 0
            ? "Richiesta in coda di invio al certificatore."
            : $"Il certificatore non ha ancora ricevuto la richiesta: nuovo tentativo automatico in corso (tentativi: {call.Attempts}).",
        CertificateRequestStatus.Sent => "Richiesta di emissione del certificato di firma digitale ricevuta dal certificatore.",
        CertificateRequestStatus.Failed =>
            "Il certificatore non ha accettato la richiesta: verificare i dati del titolare e, se necessario, presentare una nuova richiesta.",
        _ => null,
    };
}

/// <summary>
/// Before each attempt to send a signature-certificate request: the card must still be active. A card revoked or suspended while the
/// call waited for the certification authority (retries last up to Integrations:RetryForHours) must not get a certificate.
/// </summary>
public sealed class SignatureCallPrecondition(ICardDirectory cards) : IOutboundCallPrecondition
{
    public string Kind => SignatureRequests.CallKind;

    public async Task<string?> RefusalAsync(string payload, CancellationToken cancellationToken)
    {
        string? cardNumber;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(payload);
            cardNumber = json.RootElement.TryGetProperty("cardNumber", out var n) ? n.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            cardNumber = null;
        }
        if (cardNumber is null) return "Richiesta non inviata: la tessera non è indicata.";
        var card = await cards.FindCardAsync(cardNumber, cancellationToken);
        return card?.State == CardState.Active
            ? null
            : $"Richiesta non inviata al certificatore: la tessera non è più attiva ({(card is null ? "non trovata" : Cms.Application.Common.Validation.ApiNames.Of(card.State))})."; 
    }

}
