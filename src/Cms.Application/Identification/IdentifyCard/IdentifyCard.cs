using Cms.Domain.Identification.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Identification.IdentifyCard;

/// <summary>
/// Identifies a card in one of three ways [M 2.2, T 2.2, T 2.5]: manually (codice fiscale + last five
/// digits + expiry date, all three must match), from the chip's data, or by card number alone.
/// Reading the holder's data is recorded in the trail.
/// </summary>
public sealed record IdentifyCardQuery(
    string? CodiceFiscale, string? CardNumberLast5, string? ExpiryDate, ChipData? Chip, string? CardNumber)
    : IQuery<CardView>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Identification;

    public bool IsManual => CodiceFiscale is not null || CardNumberLast5 is not null || ExpiryDate is not null;
    public bool IsChip => Chip is not null;
    public bool IsByNumber => CardNumber is not null;
}

public sealed class IdentifyCardValidator : AbstractValidator<IdentifyCardQuery>
{
    public IdentifyCardValidator()
    {
        RuleFor(q => q).Must(q => (q.IsManual ? 1 : 0) + (q.IsChip ? 1 : 0) + (q.IsByNumber ? 1 : 0) == 1)
            .WithName("identification").OverridePropertyName("identification").WithErrorCode("one-identification-mode")
            .WithMessage("Indicare uno solo tra: codice fiscale + ultime 5 cifre + scadenza, dati del chip, numero di tessera.");
        When(q => q.IsManual, () =>
        {
            RuleFor(q => q.CodiceFiscale).ValidCodiceFiscale();
            RuleFor(q => q.CardNumberLast5).NotEmpty().Matches("^[0-9]{5}$").WithErrorCode("invalid-last5")
                .WithMessage("Indicare le ultime 5 cifre del numero di tessera.");
            RuleFor(q => q.ExpiryDate).NotEmpty().IsoDate();
        });
        ChipReadings.Rules(this, q => q.Chip, "chip");
        When(q => q.IsByNumber, () => RuleFor(q => q.CardNumber).ValidCardNumber());
    }
}

public sealed class IdentifyCardHandler(IIdentificationData db, ICurrentUser user, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit)
    : IQueryHandler<IdentifyCardQuery, CardView>
{
    public async ValueTask<CardView> Handle(IdentifyCardQuery query, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var cards = db.Cards.AsNoTracking().Include(c => c.Holder);
        Card? card;
        if (query.IsManual)
        {
            RuleExtensions.TryParseDate(query.ExpiryDate, out var expiry);
            audit.Detail = "manual";
            audit.HolderCodiceFiscale = query.CodiceFiscale;
            card = await cards.OrderByDescending(c => c.ExpiryDate).FirstOrDefaultAsync(c => c.HolderCodiceFiscale == query.CodiceFiscale
                && c.CardNumber.EndsWith(query.CardNumberLast5!) && c.ExpiryDate == expiry, cancellationToken);
            if (card is null) throw NotFound(null);
        }
        else if (query.IsChip)
        {
            var chip = query.Chip!;
            audit.Detail = "chip";
            audit.Touch(chip.CardNumber, chip.CodiceFiscale);
            card = await cards.SingleOrDefaultAsync(c => c.CardNumber == chip.CardNumber, cancellationToken)
                ?? throw NotFound(chip.CardNumber);
            var mismatches = ChipReadings.Mismatches(card.HolderCodiceFiscale, card.Holder.Surname, card.Holder.GivenName,
                card.Holder.BirthDate, card.ExpiryDate, chip);
            if (mismatches.Count > 0)
                throw new DomainRuleException("chip-registry-mismatch",
                        "I dati letti dal chip non corrispondono a quelli in banca dati: il titolare deve richiedere una nuova tessera.",
                        RuleKind.Conflict)
                    .With("mismatchedFields", mismatches);
        }
        else
        {
            audit.Detail = "card-number";
            audit.CardNumber = query.CardNumber;
            card = await cards.SingleOrDefaultAsync(c => c.CardNumber == query.CardNumber, cancellationToken)
                ?? throw NotFound(query.CardNumber);
        }
        audit.Touch(card.CardNumber, card.HolderCodiceFiscale);
        var o = options.Value;
        return CardViews.From(card, today, new RegionPolicy(o.SuspensionEnabled), o.Issuers);
    }

    private DomainRuleException NotFound(string? cardNumber)
    {
        var region = cardNumber is null ? null : CardNumber.RegionCode(cardNumber);
        var otherRegion = region is null || region != options.Value.Region;
        // The region's policy names the counter types that may ask the issuing region (decision 0038).
        var interop = otherRegion && options.Value.Interop.Policy().Allows(user.CounterType);
        return CardNotFound.Error()
            .With("interoperabilityAvailable", interop)
            .With("issuerRegion", region);
    }
}
