using Cms.Domain.Consents.Contracts;
using Cms.Application.Activation.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Documents;
using Cms.Application.Common.Options;
using Cms.Application.Outbound;
using Cms.Application.Requests;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Common;
using Cms.Domain.Consents;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Outbound;
using Cms.Domain.Requests;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Consents.Common;

public sealed record ConsentChoicesInput(
    bool? InformationNoticeSeen, bool? FeedingConsent, bool? ConsultationConsent, string? NotificationEmail, string? NotificationEmailConfirmation,
    PastDataChoice? PastData);

public sealed record ConsentChoicesView(
    bool InformationNoticeSeen, bool? FeedingConsent, bool ConsultationConsent, string? NotificationEmail, PastDataChoice PastData);

/// <summary>How the FSE call of a version went: "I consensi sono stati inviati correttamente" once sent.</summary>
public sealed record FseSendingView(OutboundCallStatus Status, bool ConsentsSent, string Outcome, int Attempts, DateTimeOffset? SentAt, string? LastError);

public sealed record ConsentVersionView(
    Guid Id, int Version, ConsentModel Model, ConsentChoicesView Consents, RequestMode Mode, Guid RequestId, string CounterCode, string CardNumber,
    DateTimeOffset RecordedAt, FseSendingView? Fse);

public sealed record ConsentRequestSummary(
    string CardNumber, CardState CardState, DateOnly CardExpiryDate, HolderView Holder, RequestMode Mode, DelegationKind? DelegationKind,
    DelegateView? Delegate, DocumentView Document, bool PrivacyConsent, ConsentModel Model, string ModelLabel, ConsentChoicesView Consents,
    bool DeclarationConfirmed, Guid? ActivationId, string CounterCode, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, IReadOnlyList<string> Documents);

public sealed record ConsentRequestResponse(Guid Id, RequestStatus Status, ConsentRequestSummary Summary, ConsentVersionView? Version);

/// <summary>The body of POST /consent-requests and PUT /consent-requests/{id}.</summary>
public interface IConsentInput : IAttendeeInput
{
    ConsentChoicesInput? Consents { get; }
    bool? DeclarationConfirmed { get; }
}

public static class ConsentInputRules
{
    public static void Apply<T>(AbstractValidator<T> v) where T : IConsentInput
    {
        AttendeeInputRules.Apply(v);
        v.RuleFor(c => c.Consents).NotNull().WithMessage("Indicare i consensi.");
        v.RuleFor(c => c.Consents!.InformationNoticeSeen).NotNull().OverridePropertyName("consents.informationNoticeSeen").When(c => c.Consents is not null);
        v.RuleFor(c => c.Consents!.ConsultationConsent).NotNull().OverridePropertyName("consents.consultationConsent").When(c => c.Consents is not null);
        v.RuleFor(c => c.Consents!.PastData).NotNull().IsInEnum().OverridePropertyName("consents.pastData").When(c => c.Consents is not null);
        v.RuleFor(c => c.Consents!.NotificationEmail).MaximumLength(254).Matches(@"^[^@\s]+@[^@\s]+\.[^@\s]{2,}$")
            .WithErrorCode("invalid-email").WithMessage("Indirizzo e-mail non valido.").OverridePropertyName("consents.notificationEmail")
            .When(c => !string.IsNullOrEmpty(c.Consents?.NotificationEmail));
        v.RuleFor(c => c.DeclarationConfirmed).NotNull();
    }

    public static ConsentChoices ToChoices(ConsentChoicesInput c)
    {
        string? email = null;
        if (!string.IsNullOrWhiteSpace(c.NotificationEmail))
        {
            if (!string.Equals(c.NotificationEmail.Trim(), c.NotificationEmailConfirmation?.Trim(), StringComparison.OrdinalIgnoreCase))
                throw new DomainRuleException("email-confirmation-mismatch", "L'indirizzo e-mail di notifica e la sua conferma non coincidono.");
            email = c.NotificationEmail.Trim().ToLowerInvariant();
        }
        return new ConsentChoices(c.InformationNoticeSeen!.Value, c.FeedingConsent, c.ConsultationConsent!.Value, email, c.PastData!.Value);
    }
}

public static class ConsentDocumentNames
{
    public const string Declaration = "dichiarazione-consensi";
    public const string ActivationAndConsents = "attivazione-e-consensi";

    /// <param name="activationCodesPrintable">The activation is confirmed and its first halves not printed yet (they print once).</param>
    public static IReadOnlyList<string> Available(ConsentRequest r, RequestStatus status, bool activationCodesPrintable)
    {
        var names = new List<string>();
        if (status is RequestStatus.Pending or RequestStatus.Completed) names.Add(Declaration);
        if (status == RequestStatus.Completed && r.ActivationId is not null && activationCodesPrintable) names.Add(ActivationAndConsents);
        return names;
    }
}

/// <summary>Loading a consent request (own counter only), the holder's versions, and the views.</summary>
public sealed class ConsentRequests(CounterRequestLoader loader, 
    IConsentsData db, ICardDirectory cards, IActivationLookup activations, ICurrentUser user, OutboundCalls calls, IOptions<ConsentPolicyOptions> options)
{
    public ConsentModel ModelOn(DateOnly date) => options.Value.ModelOn(date);

    public Task<ConsentRequest> LoadAsync(Guid id, CancellationToken cancellationToken, bool forUpdate = false) =>
        loader.LoadAsync<ConsentRequest>(id, "Richiesta di consensi non trovata.", cancellationToken, forUpdate);

    public Task<CardView> CardAsync(string cardNumber, CancellationToken cancellationToken) => cards.RequireCardAsync(cardNumber, cancellationToken);

    /// <summary>Consents are collected for a card that is active or being activated.</summary>
    public static void EnsureConsentable(CardView card)
    {
        if (card.State is CardState.Active or CardState.NotActive) return;
        throw new DomainRuleException("card-not-consentable",
                card.State == CardState.Expired ? "La tessera è scaduta: i consensi si raccolgono con una tessera valida."
                : "I consensi si raccolgono con una tessera attiva o in attivazione.",
                card.State == CardState.Expired ? RuleKind.Unprocessable : RuleKind.Conflict)
            .With("state", card.State);
    }

    /// <summary>An activation named with the consents must be of the same card and of this counter.</summary>
    public async Task<ActivationInfo?> CheckActivationAsync(Guid? activationId, string cardNumber, CancellationToken cancellationToken)
    {
        if (activationId is null) return null;
        var activation = await activations.FindAsync(activationId.Value, cancellationToken);
        if (activation is null || activation.CounterCode != user.CounterCode)
            throw new DomainRuleException("activation-not-found", "Attivazione non trovata.", RuleKind.NotFound);
        if (activation.CardNumber != cardNumber)
            throw new DomainRuleException("activation-of-another-card", "L'attivazione indicata riguarda un'altra tessera.");
        return activation;
    }

    public async Task<ConsentRequestResponse> ResponseAsync(ConsentRequest r, CardView card, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = r.StatusAt(now);
        var activation = r.ActivationId is { } a ? await activations.FindAsync(a, cancellationToken) : null;
        var activationCodesPrintable = activation is { Status: RequestStatus.Completed, CodesPrintedAt: null };
        ConsentVersionView? version = null;
        if (r.VersionId is { } v)
        {
            var row = await db.ConsentVersions.AsNoTracking().SingleAsync(x => x.Id == v, cancellationToken);
            version = View(row, await calls.FindAsync(row.FseCallId, cancellationToken));
        }
        return new ConsentRequestResponse(r.Id, status, new ConsentRequestSummary(
            r.CardNumber, card.State, card.ExpiryDate, card.Holder, r.Mode, r.DelegationKind, RequestViews.Delegate(r), RequestViews.Document(r),
            r.PrivacyConsent, r.Model, ConsentRules.Label(r.Model), Choices(r.Choices), r.DeclarationConfirmed, r.ActivationId, r.CounterCode,
            r.CreatedAt, r.ExpiresAt, ConsentDocumentNames.Available(r, status, activationCodesPrintable)), version);
    }

    public static ConsentChoicesView Choices(ConsentChoices c) =>
        new(c.InformationNoticeSeen, c.FeedingConsent, c.ConsultationConsent, c.NotificationEmail, c.PastData);

    public static ConsentVersionView View(ConsentVersion v, OutboundCallView? call) => new(
        v.Id, v.Number, v.Model, Choices(v.Choices), v.Mode, v.RequestId, v.CounterCode, v.CardNumber, v.RecordedAt,
        call is null ? null : new FseSendingView(call.Status, call.Status == OutboundCallStatus.Sent, call.Status switch
        {
            OutboundCallStatus.Sent => "I consensi sono stati inviati correttamente",
            OutboundCallStatus.Failed => "Invio dei consensi non riuscito",
            _ => "Invio dei consensi in corso",
        }, call.Attempts, call.SentAt, call.LastError));

    /// <summary>The consents as printed on the Dichiarazione consensi, with the wording of the seeds [T 2.2.1].</summary>
    public static IReadOnlyList<ConsentLine> Lines(ConsentModel model, ConsentChoices c)
    {
        var lines = new List<ConsentLine>
        {
            new("Presa visione Informativa",
            [
                ("Il cittadino ha preso visione dell'informativa", c.InformationNoticeSeen),
                ("Il cittadino non ha preso visione dell'informativa", !c.InformationNoticeSeen),
            ]),
        };
        if (model == ConsentModel.Legacy)
            lines.Add(new("Consenso alimentazione FSE",
            [
                ("Il cittadino ha acconsentito all'alimentazione del fascicolo", c.FeedingConsent == true),
                ("Il cittadino non ha acconsentito all'alimentazione del fascicolo", c.FeedingConsent == false),
            ]));
        else
            lines.Add(new("Alimentazione FSE", [],
                "Il Fascicolo Sanitario Elettronico è alimentato automaticamente (art. 11 del decreto-legge 19 maggio 2020, n. 34): " +
                "il consenso all'alimentazione non è richiesto."));
        lines.Add(new("Consenso consultazione a terzi del FSE",
        [
            ("Il cittadino ha acconsentito all'accesso del proprio fascicolo da parte di terzi", c.ConsultationConsent),
            ("Il cittadino non ha acconsentito all'accesso del proprio fascicolo da parte di terzi", !c.ConsultationConsent),
        ], "E-mail di notifica per accesso da parte di terzi: " + (c.NotificationEmail ?? "-")));
        lines.Add(new("Consenso recupero dati pregressi",
        [
            ("Il cittadino ha acconsentito al recupero dati pregressi senza oscuramento degli stessi", c.PastData == PastDataChoice.RecoverWithoutObscuring),
            ("Il cittadino ha acconsentito al recupero dati pregressi con oscuramento degli stessi", c.PastData == PastDataChoice.RecoverWithObscuring),
            ("Il cittadino non ha acconsentito al recupero dati pregressi", c.PastData == PastDataChoice.NoRecovery),
        ]));
        return lines;
    }

    /// <summary>The consent form's model; the combined print takes the activation's codes model beside it.</summary>
    public async Task<ConsentFormModel> FormModelAsync(ConsentRequest r, CounterRequestForms forms, CancellationToken cancellationToken)
    {
        var basics = await forms.BasicsAsync(r.CardNumber, r.CounterCode, cancellationToken);
        var requester = r.Delegate is { } d ? new PersonOnForm(d.Surname, d.GivenName, d.CodiceFiscale) : basics.Holder;
        string? outcome = null;
        if (r.VersionId is { } v)
        {
            var row = await db.ConsentVersions.AsNoTracking().SingleAsync(x => x.Id == v, cancellationToken);
            var fse = View(row, await calls.FindAsync(row.FseCallId, cancellationToken)).Fse;
            outcome = $"Versione {row.Number} dei consensi registrata. Esito invio consensi: {fse?.Outcome}";
        }
        return new ConsentFormModel(basics, r.Id, requester, r.Mode, r.Document, ConsentRules.Label(r.Model), Lines(r.Model, r.Choices), outcome, r.VersionId);
    }
}
