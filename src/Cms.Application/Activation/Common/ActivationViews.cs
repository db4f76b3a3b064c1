using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Common.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Activation;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Requests;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Activation.Common;

public sealed record DelegateView(string CodiceFiscale, string Surname, string GivenName);
public sealed record DocumentView(DocumentType Type, string TypeLabel, string Number, string IssuedBy, DateOnly IssueDate, DateOnly ExpiryDate);
public sealed record DeliveryView(DeliveryChannel Channel, string? Email, string? Mobile);

/// <summary>The summary the operator checks before confirming [T 2.2: "riepilogo dei dati di attivazione"].</summary>
public sealed record ActivationSummary(
    string CardNumber, CardState CardState, DateOnly CardExpiryDate, HolderView Holder, RequestMode Mode, DelegationKind? DelegationKind,
    DelegateView? Delegate, DocumentView Document, DeliveryView Delivery, bool PrivacyConsent, bool HealthDelegationDocumentsReceived,
    string CounterCode, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, IReadOnlyList<string> Documents);

public sealed record ActivationResponse(Guid Id, RequestStatus Status, ActivationSummary Summary, Guid? DeliveryId);

/// <summary>The body of POST /activations and PUT /activations/{id}.</summary>
public interface IActivationInput
{
    string? CardNumber { get; }
    RequestMode? Mode { get; }
    DelegationKind? DelegationKind { get; }
    DelegateInput? Delegate { get; }
    DocumentInput? Document { get; }
    DeliveryInput? Delivery { get; }
    bool? PrivacyConsent { get; }
    bool? HealthDelegationDocumentsReceived { get; }
}

public static class ActivationInputRules
{
    public static void Apply<T>(AbstractValidator<T> v) where T : IActivationInput
    {
        v.RuleFor(x => x.Mode).NotNull().IsInEnum();
        v.RuleFor(x => x.DelegationKind).IsInEnum();
        RequestInputRules.DelegateRules<T>(v, x => x.Delegate);
        RequestInputRules.DocumentRules<T>(v, x => x.Document);
        RequestInputRules.DeliveryRules<T>(v, x => x.Delivery);
        v.RuleFor(x => x.PrivacyConsent).NotNull();
    }

    public static ActivationDetails ToDetails(IActivationInput input) => new(
        input.Mode!.Value, input.DelegationKind, RequestInputRules.ToDelegate(input.Delegate),
        RequestInputRules.ToDocument(input.Document!), RequestInputRules.ToDelivery(input.Delivery!),
        input.PrivacyConsent == true, input.HealthDelegationDocumentsReceived == true);
}

/// <summary>Loading a request and building its summary, shared by the activation use cases.</summary>
public sealed class ActivationRequests(ICmsDbContext db, ICardDirectory cards, ICurrentUser user)
{
    /// <summary>Requests are visible to the operators of the counter that created them; to others they do not exist.</summary>
    public async Task<ActivationRequest> LoadAsync(Guid id, CancellationToken cancellationToken, bool forUpdate = false)
    {
        // The row lock (held until the command's transaction ends) serialises confirms of the same request.
        if (forUpdate) await db.LockAsync($"SELECT 1 FROM activation.requests WHERE id = {id} FOR UPDATE", cancellationToken);
        var request = await db.ActivationRequests.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null || request.CounterCode != user.CounterCode)
            throw new DomainRuleException("request-not-found", "Richiesta di attivazione non trovata.", RuleKind.NotFound);
        return request;
    }

    public async Task<CardView> CardAsync(string cardNumber, CancellationToken cancellationToken) =>
        await cards.FindCardAsync(cardNumber, cancellationToken)
        ?? throw new DomainRuleException("card-not-found", "Tessera non presente in banca dati.", RuleKind.NotFound);

    public static ActivationResponse Response(ActivationRequest r, CardView card, DateTimeOffset now) =>
        new(r.Id, r.StatusAt(now), Summary(r, card, now), r.DeliveryId);

    public static ActivationSummary Summary(ActivationRequest r, CardView card, DateTimeOffset now) => new(
        r.CardNumber, card.State, card.ExpiryDate, card.Holder, r.Mode, r.DelegationKind,
        r.Delegate is null ? null : new DelegateView(r.Delegate.CodiceFiscale, r.Delegate.Surname, r.Delegate.GivenName),
        new DocumentView(r.Document.Type, DocumentTypes.Label(r.Document.Type), r.Document.Number, r.Document.IssuedBy, r.Document.IssueDate, r.Document.ExpiryDate),
        new DeliveryView(r.Delivery.Channel, r.Delivery.Email, r.Delivery.Mobile),
        r.PrivacyConsent, r.HealthDelegationDocumentsReceived, r.CounterCode, r.CreatedAt, r.ExpiresAt,
        ActivationDocumentNames.Available(r, r.StatusAt(now)));
}

public static class ActivationDocumentNames
{
    public const string RequestForm = "modulo-richiesta-codici";
    public const string PersonalCodes = "codici-personali";
    public const string SubstituteDeclaration = "dichiarazione-sostitutiva";

    public static IReadOnlyList<string> Available(ActivationRequest r, RequestStatus status)
    {
        var names = new List<string>();
        if (status is RequestStatus.Pending or RequestStatus.Completed)
        {
            // The health-reasons mode prints only the codes part [T 2.2, M 2.4.2].
            if (r.Mode != RequestMode.HealthDelegation) names.Add(RequestForm);
            if (r.Mode == RequestMode.Delegated) names.Add(SubstituteDeclaration);
        }
        if (status == RequestStatus.Completed) names.Add(PersonalCodes);
        return names;
    }
}

public sealed class ActivationSettings
{
    public TimeSpan PendingFor { get; init; } = TimeSpan.FromMinutes(30);
}

public static class ActivationTime
{
    public static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);

    public static TimeSpan PendingFor(CmsOptions options) => TimeSpan.FromMinutes(options.PendingRequestMinutes);
}
