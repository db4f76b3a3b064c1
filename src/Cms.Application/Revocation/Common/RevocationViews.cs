using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Outbound;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Revocation;
using Cms.Domain.Requests;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Revocation.Common;

public sealed record LossEvidenceInput(LossEvidenceKind? Kind, string? Reference);
public sealed record LossEvidenceView(LossEvidenceKind Kind, string? Reference);

public sealed record RevocationSummary(
    string CardNumber, CardState CardState, DateOnly CardExpiryDate, HolderView Holder, RequestMode Mode, DelegationKind? DelegationKind,
    DelegateView? Delegate, DocumentView Document, bool PrivacyConsent, RevocationReason Reason, string ReasonLabel, LossEvidenceView? Evidence,
    bool CipRequired, bool CipVerified, DateTimeOffset? CipVerifiedAt, bool FormPrinted, DateTimeOffset? FormPrintedAt, string CounterCode, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, IReadOnlyList<string> Documents, IReadOnlyList<string> NextSteps, IReadOnlyList<string> Warnings);

public sealed record RevocationResponse(Guid Id, RequestStatus Status, RevocationSummary Summary, OutboundCallView? CertificateRevocation);

/// <summary>The body of POST /revocations and PUT /revocations/{id}.</summary>
public interface IRevocationInput : IAttendeeInput
{
    RevocationReason? Reason { get; }
    LossEvidenceInput? Evidence { get; }
}

public static class RevocationInputRules
{
    public static void Apply<T>(AbstractValidator<T> v) where T : IRevocationInput
    {
        AttendeeInputRules.Apply(v);
        v.RuleFor(c => c.Reason).NotNull().IsInEnum();
        v.RuleFor(c => c.Evidence!.Kind).NotNull().IsInEnum().OverridePropertyName("evidence.kind").When(c => c.Evidence is not null);
        v.RuleFor(c => c.Evidence!.Reference).MaximumLength(100).OverridePropertyName("evidence.reference").When(c => c.Evidence is not null);
    }

    public static LossEvidence? ToEvidence(LossEvidenceInput? e) => e?.Kind is { } kind ? new LossEvidence(kind, e.Reference) : null;
}

public static class RevocationDocumentNames
{
    public const string RequestForm = "modulo-richiesta-revoca";

    public static IReadOnlyList<string> Available(RequestStatus status) =>
        status is RequestStatus.Pending or RequestStatus.Completed ? [RequestForm] : [];
}

/// <summary>Loading a revocation request (visible to its own counter only) and building its summary.</summary>
public sealed class RevocationRequests(CounterRequestLoader loader, ICardDirectory cards, OutboundCalls calls)
{
    public Task<RevocationRequest> LoadAsync(Guid id, CancellationToken cancellationToken, bool forUpdate = false) =>
        loader.LoadAsync<RevocationRequest>(id, "Richiesta di revoca non trovata.", cancellationToken, forUpdate);

    public Task<CardView> CardAsync(string cardNumber, CancellationToken cancellationToken) => cards.RequireCardAsync(cardNumber, cancellationToken);

    public async Task<RevocationResponse> ResponseAsync(RevocationRequest r, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var card = await CardAsync(r.CardNumber, cancellationToken);
        return Response(r, card, now, await calls.FindAsync(r.CertificateRevocationCallId, cancellationToken));
    }

    public static RevocationResponse Response(RevocationRequest r, CardView card, DateTimeOffset now, OutboundCallView? call = null)
    {
        var status = r.StatusAt(now);
        var next = new List<string>();
        if (status == RequestStatus.Pending)
        {
            if (r.CipRequired && r.CipVerifiedAt is null) next.Add("verify-cip");
            if (r.FormPrintedAt is null) next.Add("print-" + RevocationDocumentNames.RequestForm);
            next.Add("confirm");
        }
        return new RevocationResponse(r.Id, status, new RevocationSummary(
            r.CardNumber, card.State, card.ExpiryDate, card.Holder, r.Mode, r.DelegationKind, RequestViews.Delegate(r), RequestViews.Document(r),
            r.PrivacyConsent, r.Reason, RevocationRequest.Label(r.Reason),
            r.EvidenceKind is { } kind ? new LossEvidenceView(kind, r.EvidenceReference) : null,
            r.CipRequired, r.CipVerifiedAt is not null, r.CipVerifiedAt, r.FormPrintedAt is not null, r.FormPrintedAt, r.CounterCode, r.CreatedAt, r.ExpiresAt,
            RevocationDocumentNames.Available(status), next,
            r.CipRequired ? [RevocationRequest.IrreversibleWarning] : [RevocationRequest.IrreversibleWarning, RevocationRequest.NoCipNote]), call);
    }

    /// <summary>What is sent to the certification authority: the card and why; never a code.</summary>
    public static object CertificatePayload(string action, string cardNumber, string holderCodiceFiscale, string reason, Guid reference,
        DateTimeOffset at, string? counterCode) => new
        {
            action, cardNumber, holderCodiceFiscale, reason, requestId = reference, requestedAt = at, counterCode,
        };

    public static void CardNumberRule<T>(AbstractValidator<T> v, Func<T, string?> get) =>
        v.RuleFor(x => get(x)).ValidCardNumber().OverridePropertyName("cardNumber");
}
