using Cms.Domain.Reprint.Contracts;
using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Domain.Common;
using Cms.Domain.Interop;
using Cms.Domain.Requests;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Interop.Common;

/// <summary>Loads and shows interop requests; wakes the sender after a commit.</summary>
public sealed class InteropRequests(IInteropData db, ICurrentUser user, IOptions<CmsOptions> options)
{
    public const string PersonalCodes = "codici-personali";

    /// <summary>What the first halves answered by the peer are sealed to (the sender seals, the print opens).</summary>
    public static string FirstHalvesContext(Guid requestId) => "interop-first-halves:" + requestId.ToString("N");

    /// <summary>
    /// A completed activation or reprint whose first halves were erased (Interop:PurgeAnswersAfterDays after completion): a
    /// revocation never had any.
    /// </summary>
    public static bool FirstHalvesPurged(InteropRequest r) =>
        r.Status == InteropStatus.Completed && r.Kind != InteropKind.Revocation && r.FirstHalvesCiphertext is null && r.CodesPrintedAt is null;

    public const string FirstHalvesPurgedText =
        "La prima metà dei codici non è più disponibile: si conserva solo per alcuni giorni dopo il completamento della richiesta. " +
        "Se il titolare non ha i codici, occorre una ristampa PIN/PUK.";

    /// <summary>What the CIP of a revocation is sealed to until it is sent.</summary>
    public static string SecretContext(Guid requestId) => "interop-secret:" + requestId.ToString("N");

    /// <summary>Visible to the counter that made it only; others get 404 (as every counter request).</summary>
    public async Task<InteropRequest> LoadAsync(Guid id, CancellationToken cancellationToken, bool forUpdate = false)
    {
        var request = forUpdate
            ? await db.RowForUpdate<InteropRequest>(id).SingleOrDefaultAsync(cancellationToken)
            : await db.InteropRequests.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null || request.CounterCode != user.CounterCode)
            throw new DomainRuleException("request-not-found", "Richiesta in interoperabilità non trovata.", RuleKind.NotFound);
        return request;
    }

    public static InteropInboundBody Body(InteropRequest r) => JsonSerializer.Deserialize<InteropInboundBody>(r.Payload, ApiNames.Json)!;

    public InteropRequestView View(InteropRequest r, DateTimeOffset now)
    {
        var body = Body(r);
        var status = r.StatusAt(now);
        return new InteropRequestView(r.Id, r.Kind, status, r.CardNumber, r.TargetRegion, options.Value.Issuers.GetValueOrDefault(r.TargetRegion),
            body.Holder!, body.Mode,
            body.Delivery is { } d ? new DeliveryView(d.Channel!.Value, d.Email, d.Mobile) : null,
            r.CounterCode, r.CreatedAt, r.ExpiresAt, r.ConfirmedAt, r.CompletedAt, r.Attempts,
            status is InteropStatus.Queued or InteropStatus.Sent ? r.NextAttemptAt : null, r.LastError,
            r.PeerRule is null ? null : new InteropRefusal(r.PeerRule, r.PeerDetail ?? ""), r.PeerRequestId, r.CardExpiryDate,
            InteropDocumentNames.Available(r, body.Mode, status),
            body.OutsideHealthAuthorityReason, r.CodesPrintedAt, r.Kind != InteropKind.Revocation && options.Value.RecipientProof.Required, r.FormsPrinted);
    }
}

/// <summary>The prints of an interop request at the sending counter: the forms signed before the confirm, then the codes.</summary>
public static class InteropDocumentNames
{
    public const string RequestForm = "modulo-richiesta-codici";
    public const string SubstituteDeclaration = "dichiarazione-sostitutiva";
    public const string RevocationForm = "modulo-richiesta-revoca";

    /// <summary>The forms signed at the sending counter before the confirm [S 9.3.3, M 2.6]; the health-reasons mode prints only the codes.</summary>
    public static IReadOnlyList<string> Forms(InteropKind kind, RequestMode? mode) => kind switch
    {
        InteropKind.Revocation => [RevocationForm],
        _ when mode == RequestMode.HealthDelegation => [],
        _ when mode == RequestMode.Delegated => [RequestForm, SubstituteDeclaration],
        _ => [RequestForm],
    };

    public static IReadOnlyList<string> Available(InteropRequest r, RequestMode? mode, InteropStatus status)
    {
        var names = status is InteropStatus.Cancelled or InteropStatus.Expired ? [] : Forms(r.Kind, mode).ToList();
        if (status == InteropStatus.Completed && r.FirstHalvesCiphertext is not null) names.Add(InteropRequests.PersonalCodes);
        return names;
    }
}

/// <summary>
/// The checks of an interop request's body, the same at the sending counter and at the issuing region: the holder, then
/// the person at the counter with the delivery (activation, reprint, with the reprint's reason) or without it (revocation,
/// with its reason, evidence and the holder's CIP).
/// </summary>
public static class InteropInputRules
{
    public static void Apply<T>(AbstractValidator<T> v) where T : IInteropInput
    {
        InteropHolderRules.Apply(v, x => x.Holder);
        v.When(x => x.Kind != InteropKind.Revocation, () => PeopleInputRules.Apply(v));
        v.When(x => x.Kind == InteropKind.Revocation, () =>
        {
            AttendeeInputRules.Apply(v);
            v.RuleFor(x => x.RevocationReason).NotNull().IsInEnum();
            v.RuleFor(x => x.Evidence!.Kind).NotNull().IsInEnum().OverridePropertyName("evidence.kind").When(x => x.Evidence is not null);
            v.RuleFor(x => x.Evidence!.Reference).MaximumLength(100).OverridePropertyName("evidence.reference").When(x => x.Evidence is not null);
            v.RuleFor(x => x.Cip).ValidCip();
        });
        v.RuleFor(x => x.Reason).NotNull().IsInEnum().When(x => x.Kind == InteropKind.Reprint);
        v.RuleFor(x => x.ReasonNote).MaximumLength(300);
        v.RuleFor(x => x.OutsideHealthAuthorityReason!.Trim()).MinimumLength(ReprintPlace.ReasonMinLength).MaximumLength(ReprintPlace.ReasonMaxLength)
            .OverridePropertyName("outsideHealthAuthorityReason")
            .When(x => x.Kind == InteropKind.Reprint && !string.IsNullOrWhiteSpace(x.OutsideHealthAuthorityReason));
    }
}

/// <summary>The holder's data as typed by the operator.</summary>
public static class InteropHolderRules
{
    public static void Apply<T>(AbstractValidator<T> v, Func<T, InteropHolderInput?> get)
    {
        v.RuleFor(x => get(x)).NotNull().OverridePropertyName("holder").WithMessage("Indicare i dati del titolare.");
        v.RuleFor(x => get(x)!.CodiceFiscale).ValidCodiceFiscale().OverridePropertyName("holder.codiceFiscale").When(x => get(x) is not null);
        v.RuleFor(x => get(x)!.Surname).NotEmpty().MaximumLength(100).OverridePropertyName("holder.surname").When(x => get(x) is not null);
        v.RuleFor(x => get(x)!.GivenName).NotEmpty().MaximumLength(100).OverridePropertyName("holder.givenName").When(x => get(x) is not null);
        v.RuleFor(x => get(x)!.BirthDate).NotEmpty().IsoDate().OverridePropertyName("holder.birthDate").When(x => get(x) is not null);
    }

    public static InteropHolderInput Normalise(InteropHolderInput h) => new(
        h.CodiceFiscale!.Trim().ToUpperInvariant(), h.Surname!.Trim().ToUpperInvariant(), h.GivenName!.Trim().ToUpperInvariant(), h.BirthDate);

    public static bool IsMinor(InteropHolderInput h, DateOnly today) =>
        RuleExtensions.TryParseDate(h.BirthDate, out var birth) && birth.AddYears(18) > today;

    /// <summary>Names compare without case, accents, apostrophes and spaces.</summary>
    public static bool SameName(string a, string? b) => PersonNames.Same(a, b);
}
