using Cms.Domain.Reprint.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Requests;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Reprint;
using Cms.Domain.Requests;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Cms.Application.Common.Options;

namespace Cms.Application.Reprint.Common;

public sealed record ReprintSummary(
    string CardNumber, CardState CardState, DateOnly CardExpiryDate, HolderView Holder, RequestMode Mode, DelegationKind? DelegationKind,
    DelegateView? Delegate, DocumentView Document, DeliveryView Delivery, bool PrivacyConsent, ReprintReason Reason, string ReasonLabel,
    string? ReasonNote, string CounterCode, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, IReadOnlyList<string> Documents,
    IReadOnlyList<string> Warnings, string? OutsideHealthAuthorityReason = null, DateTimeOffset? CodesPrintedAt = null,
    IReadOnlyList<string>? FormsPrinted = null, SpecialCasesView? SpecialCases = null);

/// <summary>A request and, while it is pending, whether the region wants the recipient proved before the confirm (recipient-proof).</summary>
public sealed record ReprintResponse(Guid Id, RequestStatus Status, ReprintSummary Summary, Guid? DeliveryId, bool RecipientProofRequired);

/// <summary>The body of POST /reprints and PUT /reprints/{id}.</summary>
public interface IReprintInput : IPeopleInput
{
    string? CardNumber { get; }
    ReprintReason? Reason { get; }
    string? ReasonNote { get; }
    /// <summary>Why the reprint is done outside the holder's health authority (required there).</summary>
    string? OutsideHealthAuthorityReason { get; }
}

/// <summary>The rules of the reprint's body shared by create and update.</summary>
public static class ReprintInputRules
{
    public static void Apply<T>(AbstractValidator<T> v) where T : IReprintInput
    {
        v.RuleFor(c => c.Reason).NotNull().IsInEnum();
        v.RuleFor(c => c.ReasonNote).MaximumLength(300);
        v.RuleFor(c => c.OutsideHealthAuthorityReason!.Trim()).MinimumLength(ReprintPlace.ReasonMinLength).MaximumLength(ReprintPlace.ReasonMaxLength)
            .OverridePropertyName("outsideHealthAuthorityReason").When(c => !string.IsNullOrWhiteSpace(c.OutsideHealthAuthorityReason));
    }

    /// <summary>Where the reprint is asked: the card's region and the holder's health authority, with the operator's reason.</summary>
    public static ReprintPlace Place(CardView card, string? outsideReason) =>
        new(card.IssuerRegion, card.Holder.HealthAuthority, outsideReason);

    /// <summary>What the trail keeps of the reason (the whole reason stays with the request).</summary>
    public static string AuditSuffix(ReprintRequest r) =>
        (r.OutsideHealthAuthorityReason is { } reason ? $" outside-asl=\"{(reason.Length > 100 ? reason[..100] + "…" : reason)}\"" : "") +
        r.Special.AuditSuffix();
}

public static class ReprintDocumentNames
{
    public const string RequestForm = "modulo-richiesta-codici";
    public const string PersonalCodes = "codici-personali";
    public const string SubstituteDeclaration = "dichiarazione-sostitutiva";
    public const string HealthDelegationForm = "modulo-richiesta-pin-delega";

    public static IReadOnlyList<string> Available(ReprintRequest r, RequestStatus status)
    {
        var names = new List<string>();
        if (status is RequestStatus.Pending or RequestStatus.Completed)
        {
            // The health-reasons mode prints the Modulo richiesta PIN e Consenso per delega instead of the request form [M 2.4.2].
            names.Add(r.Mode == RequestMode.HealthDelegation ? HealthDelegationForm : RequestForm);
            if (r.Mode == RequestMode.Delegated) names.Add(SubstituteDeclaration);
        }
        if (status == RequestStatus.Completed && r.CodesPrintedAt is null) names.Add(PersonalCodes);
        return names;
    }

    /// <summary>The forms printed and signed before the confirm [M 2.3, TM 10.1]: every form of the pending request but the codes.</summary>
    public static IReadOnlyList<string> ToSign(ReprintRequest r) => Available(r, RequestStatus.Pending);
}

/// <summary>Loading a reprint request (visible to its own counter only) and building its summary.</summary>
public sealed class ReprintRequests(CounterRequestLoader loader, ICardDirectory cards, IOptions<CmsOptions> options)
{
    public Task<ReprintRequest> LoadAsync(Guid id, CancellationToken cancellationToken, bool forUpdate = false) =>
        loader.LoadAsync<ReprintRequest>(id, "Richiesta di ristampa non trovata.", cancellationToken, forUpdate);

    public Task<CardView> CardAsync(string cardNumber, CancellationToken cancellationToken) => cards.RequireCardAsync(cardNumber, cancellationToken);

    public ReprintResponse Response(ReprintRequest r, CardView card, DateTimeOffset now) => new(r.Id, r.StatusAt(now), new ReprintSummary(
        r.CardNumber, card.State, card.ExpiryDate, card.Holder, r.Mode, r.DelegationKind, RequestViews.Delegate(r), RequestViews.Document(r),
        RequestViews.Delivery(r), r.PrivacyConsent, r.Reason, ReprintRequest.Label(r.Reason), r.ReasonNote, r.CounterCode, r.CreatedAt, r.ExpiresAt,
        ReprintDocumentNames.Available(r, r.StatusAt(now)), [ReprintRequest.ChangedCodesWarning], r.OutsideHealthAuthorityReason, r.CodesPrintedAt, r.FormsPrinted,
        RequestViews.Special(r)),
        r.DeliveryId, options.Value.RecipientProof.Required);
}
