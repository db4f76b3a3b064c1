using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Activation;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Requests;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Activation.Common;

/// <summary>The summary the operator checks before confirming [T 2.2: "riepilogo dei dati di attivazione"].</summary>
/// <param name="FormsPrinted">The forms printed since the request last changed: all of them, signed, before the confirm (form-not-printed).</param>
public sealed record ActivationSummary(
    string CardNumber, CardState CardState, DateOnly CardExpiryDate, HolderView Holder, RequestMode Mode, DelegationKind? DelegationKind,
    DelegateView? Delegate, DocumentView Document, DeliveryView Delivery, bool PrivacyConsent, bool HealthDelegationDocumentsReceived,
    string CounterCode, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, IReadOnlyList<string> Documents,
    DateTimeOffset? CodesPrintedAt = null, IReadOnlyList<string>? FormsPrinted = null, SpecialCasesView? SpecialCases = null);

/// <summary>A request and, while it is pending, whether the region wants the recipient proved before the confirm (recipient-proof).</summary>
public sealed record ActivationResponse(Guid Id, RequestStatus Status, ActivationSummary Summary, Guid? DeliveryId, bool RecipientProofRequired);

/// <summary>The body of POST /activations and PUT /activations/{id}.</summary>
public interface IActivationInput : IPeopleInput
{
    string? CardNumber { get; }
}

/// <summary>Loading a request and building its summary, shared by the activation use cases.</summary>
public sealed class ActivationRequests(CounterRequestLoader loader, ICardDirectory cards, IOptions<CmsOptions> options)
{
    /// <summary>Requests are visible to the operators of the counter that created them; to others they do not exist.</summary>
    public Task<ActivationRequest> LoadAsync(Guid id, CancellationToken cancellationToken, bool forUpdate = false) =>
        loader.LoadAsync<ActivationRequest>(id, "Richiesta di attivazione non trovata.", cancellationToken, forUpdate);

    public Task<CardView> CardAsync(string cardNumber, CancellationToken cancellationToken) => cards.RequireCardAsync(cardNumber, cancellationToken);

    public ActivationResponse Response(ActivationRequest r, CardView card, DateTimeOffset now) =>
        new(r.Id, r.StatusAt(now), Summary(r, card, now), r.DeliveryId, options.Value.RecipientProof.Required);

    public static ActivationSummary Summary(ActivationRequest r, CardView card, DateTimeOffset now) => new(
        r.CardNumber, card.State, card.ExpiryDate, card.Holder, r.Mode, r.DelegationKind,
        RequestViews.Delegate(r), RequestViews.Document(r), RequestViews.Delivery(r),
        r.PrivacyConsent, r.HealthDelegationDocumentsReceived, r.CounterCode, r.CreatedAt, r.ExpiresAt,
        ActivationDocumentNames.Available(r, r.StatusAt(now)), r.CodesPrintedAt, r.FormsPrinted, RequestViews.Special(r));
}

public static class ActivationDocumentNames
{
    public const string RequestForm = "modulo-richiesta-codici";
    public const string PersonalCodes = "codici-personali";
    public const string SubstituteDeclaration = "dichiarazione-sostitutiva";
    public const string HealthDelegationForm = "modulo-richiesta-pin-delega";

    public static IReadOnlyList<string> Available(ActivationRequest r, RequestStatus status)
    {
        var names = new List<string>();
        if (status is RequestStatus.Pending or RequestStatus.Completed)
        {
            // The health-reasons mode prints the Modulo richiesta PIN e Consenso per delega instead of the request form [M 2.4.2, S 6.4.4].
            names.Add(r.Mode == RequestMode.HealthDelegation ? HealthDelegationForm : RequestForm);
            if (r.Mode == RequestMode.Delegated) names.Add(SubstituteDeclaration);
        }
        if (status == RequestStatus.Completed && r.CodesPrintedAt is null) names.Add(PersonalCodes);
        return names;
    }

    /// <summary>The forms printed and signed before the confirm [M 2.3, TM 10.1]: every form of the pending request but the codes.</summary>
    public static IReadOnlyList<string> ToSign(ActivationRequest r) => Available(r, RequestStatus.Pending);
}

