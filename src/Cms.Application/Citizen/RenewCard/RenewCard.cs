using System.Security.Cryptography;
using Cms.Application.Activation.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Common.Options;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Auditing;
using Cms.Domain.Citizen;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Citizen.RenewCard;

/// <summary>
/// A citizen activates their renewed card without a counter [SPEC §3.12, C]: signed in with the certificate of their
/// current card (active, not expired), they give the last 6 digits and the expiry date of the new one and confirm. Allowed
/// only when the new card has the same issuer, the citizen is still entitled to care, and the current card was itself
/// activated in direct mode. The new card becomes ACTIVE and the whole codes are answered once, with the summary PDF.
/// </summary>
public sealed record RenewCardCommand(string? NewCardLast6, string? NewCardExpiryDate, bool? Confirmed) : ICommand<RenewalResult>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Activation;
}

/// <summary>The outcome: shown once. <c>Codes</c> are whole (the citizen alone sees them); the PDF repeats them.</summary>
public sealed record RenewalResult(
    string Protocol, string CardNumber, DateOnly ExpiryDate, string IssuerRegion, HolderOfRenewal Holder, DateTimeOffset ActivatedAt,
    WholeCodes Codes, byte[] SummaryPdf, string SummaryFileName)
{
    public override string ToString() => $"RenewalResult {{ Protocol = {Protocol}, CardNumber = {CardNumber} }}";
}

public sealed record HolderOfRenewal(string CodiceFiscale, string Surname, string GivenName, DateOnly BirthDate);

public sealed record WholeCodes(string Pin, string Puk, string Cip)
{
    public override string ToString() => "WholeCodes { *** }";
}

public sealed class RenewCardValidator : AbstractValidator<RenewCardCommand>
{
    public RenewCardValidator()
    {
        RuleFor(c => c.NewCardLast6).NotEmpty().Matches("^[0-9]{6}$").WithErrorCode("invalid-last")
            .WithMessage("Indicare le ultime 6 cifre del numero di identificazione della nuova tessera (sul retro).");
        RuleFor(c => c.NewCardExpiryDate).NotEmpty().IsoDate();
        RuleFor(c => c.Confirmed).NotNull();
    }
}

public sealed class RenewCardHandler(
    ICitizenData db, ICardDirectory cards, ICardRegistry registry, IActivationLookup activations, ICitizenForms renderer,
    IOptions<CmsOptions> options, ICurrentUser user, IPresentedCertificate certificate, TimeProvider clock, AuditScope audit) : ICommandHandler<RenewCardCommand, RenewalResult>
{
    public async ValueTask<RenewalResult> Handle(RenewCardCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var cf = user.CodiceFiscale!;
        audit.ActorCodiceFiscale = cf;
        audit.Detail = "citizen-renewal";
        var found = await cards.FindHolderCardsAsync(cf, cancellationToken);
        var current = await CurrentCardAsync(cf, found?.Cards ?? [], today, cancellationToken);
        RuleExtensions.TryParseDate(command.NewCardExpiryDate, out var expiry);
        var next = found!.Value.Cards.FirstOrDefault(c => c.CardNumber.EndsWith(command.NewCardLast6!, StringComparison.Ordinal) && c.ExpiryDate == expiry
                && c.CardNumber != current.CardNumber)
            ?? throw new DomainRuleException("renewal-card-not-found",
                "Nessuna nuova tessera intestata a lei corrisponde alle ultime 6 cifre e alla data di scadenza indicate: controllare i dati sul retro e sul fronte della tessera.",
                RuleKind.NotFound);
        audit.Touch(next.CardNumber, cf);
        CardRules.EnsureActivatable(next.State);
        if (next.IssuerRegion != current.IssuerRegion)
            throw new DomainRuleException("different-issuer",
                "La nuova tessera è emessa da un ente diverso da quello della tessera in uso: l'attivazione si fa presso uno sportello.")
                .With("issuerRegion", next.IssuerRegion).With("currentIssuerRegion", current.IssuerRegion);
        if (!next.Holder.Entitled)
            throw new DomainRuleException("holder-not-entitled",
                "Non risultano più i requisiti di assistenza: l'attivazione si fa presso uno sportello della propria ASL.");
        var direct = await activations.CompletedActivationModeAsync(current.CardNumber, cancellationToken) == RequestMode.Direct
            || await db.Renewals.AnyAsync(r => r.CardNumber == current.CardNumber, cancellationToken)
            // A card moved in from the region's previous CMS carries the mode that system recorded (decision 0039).
            || await cards.RecordedAsActivatedByHolderAsync(current.CardNumber, cancellationToken);
        if (!direct)
            throw new DomainRuleException("previous-activation-not-direct",
                "L'attivazione della tessera in uso non risulta eseguita direttamente dal titolare: la nuova tessera si attiva presso uno sportello.");
        if (command.Confirmed != true)
            throw new DomainRuleException("confirmation-required",
                "Confermare la correttezza dei dati e la richiesta di attivazione della tessera, con il rilascio dei codici PIN, PUK e CIP.")
                // What the "Conferma dati" page shows the citizen (their own data and the card about to be activated; no code).
                .With("cardNumber", next.CardNumber).With("expiryDate", next.ExpiryDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
                .With("issuerRegion", next.IssuerRegion)
                .With("holder", new HolderOfRenewal(next.Holder.CodiceFiscale, next.Holder.Surname, next.Holder.GivenName, next.Holder.BirthDate));

        var codes = await registry.ActivateAsync(next.CardNumber, now, cancellationToken);
        var protocol = Protocol(now);
        db.Renewals.Add(new Renewal(Guid.CreateVersion7(), protocol, cf, current.CardNumber, next.CardNumber, now));
        audit.Detail = $"citizen-renewal protocol={protocol} previous={current.CardNumber}";
        var h = next.Holder;
        var region = options.Value.Issuers.GetValueOrDefault(next.IssuerRegion) ?? next.IssuerRegion;
        var pdf = renderer.CitizenRenewalSummary(new CitizenRenewalModel(region, protocol, now,
            new PersonOnForm(h.Surname, h.GivenName, h.CodiceFiscale, h.BirthPlace, h.BirthProvince, h.BirthDate), next.CardNumber, next.ExpiryDate, codes));
        return new RenewalResult(protocol, next.CardNumber, next.ExpiryDate, next.IssuerRegion,
            new HolderOfRenewal(h.CodiceFiscale, h.Surname, h.GivenName, h.BirthDate), now, new WholeCodes(codes.Pin, codes.Puk, codes.Cip), pdf,
            $"riepilogo-codici-{protocol}.pdf");
    }

    /// <summary>
    /// The card the citizen signed in with (decision 0032). When the feed named the presented certificate, it is that card: it
    /// must be the citizen's own and still active. When the feed named no certificate for it, the current card is the
    /// citizen's active, unexpired card as before — unless the registry knows the certificate of that card, and it is another.
    /// </summary>
    private async Task<CardView> CurrentCardAsync(string cf, IReadOnlyList<CardView> holderCards, DateOnly today, CancellationToken cancellationToken)
    {
        var noActiveCard = new DomainRuleException("no-active-card",
            "Per attivare la nuova tessera occorre accedere con la propria tessera in corso di validità (attiva e non scaduta).", RuleKind.Forbidden);
        var notOfCard = new DomainRuleException("certificate-not-of-card",
            "Il certificato presentato non è quello della tessera in uso: accedere con la tessera sanitaria in corso di validità.", RuleKind.Forbidden);
        if (certificate.Current is { } presented)
        {
            var ofCertificate = await cards.FindCardsByCertificateAsync(new CardCertificate(presented.Serial, presented.Issuer), cancellationToken);
            if (ofCertificate.Count > 1 || ofCertificate.Any(c => c.Holder.CodiceFiscale != cf)) throw notOfCard;
            if (ofCertificate.Count == 1)
            {
                var card = ofCertificate[0];
                audit.Detail = $"citizen-renewal certificate-of={card.CardNumber}";
                if (card.State == CardState.Revoked)
                    throw new DomainRuleException("certificate-card-revoked",
                        "Il certificato presentato è di una tessera revocata (ad esempio per furto o smarrimento): non può essere usato per il rinnovo.",
                        RuleKind.Forbidden).With("cardNumber", card.CardNumber);
                if (card.State != CardState.Active || card.ExpiryDate < today) throw noActiveCard;
                return card;
            }
        }
        var candidates = holderCards.Where(c => c.State == CardState.Active && c.ExpiryDate >= today).OrderByDescending(c => c.ExpiryDate).ToList();
        if (candidates.Count == 0) throw noActiveCard;
        // The registry knows which certificate the holder's valid card carries, and it is not the one presented.
        if (candidates.Any(c => c.Certificate is not null)) throw notOfCard;
        return candidates[0];
    }

    /// <summary>17 digits, as the seed's protocol numbers: the date, then eleven random digits (unique in the table).</summary>
    private static string Protocol(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyMMdd", System.Globalization.CultureInfo.InvariantCulture)
        + string.Concat(Enumerable.Range(0, 11).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));
}
