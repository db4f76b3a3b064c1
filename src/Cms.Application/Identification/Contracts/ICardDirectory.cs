using Cms.Domain.Identification.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Identification.Contracts;

/// <summary>The answer for a card number the registry does not hold [T 2.2: "tessera non presente in banca dati"].</summary>
public static class CardNotFound
{
    public static DomainRuleException Error() =>
        new("card-not-found", "Tessera non presente in banca dati.", RuleKind.NotFound);

    /// <summary>The card, or the card-not-found problem.</summary>
    public static async Task<CardView> RequireCardAsync(this ICardDirectory cards, string cardNumber, CancellationToken cancellationToken) =>
        await cards.FindCardAsync(cardNumber, cancellationToken) ?? throw Error();
}

/// <summary>What other modules may read of the card registry.</summary>
public interface ICardDirectory
{
    Task<CardView?> FindCardAsync(string cardNumber, CancellationToken cancellationToken);
    Task<(HolderView Holder, IReadOnlyList<CardView> Cards)?> FindHolderCardsAsync(string codiceFiscale, CancellationToken cancellationToken);
    /// <summary>The cards whose certificate, as the feed named it, is this one (normally one; decision 0032).</summary>
    Task<IReadOnlyList<CardView>> FindCardsByCertificateAsync(CardCertificate certificate, CancellationToken cancellationToken);
    /// <summary>The holder's household id, when the registry knows the holder and their household (null otherwise).</summary>
    Task<string?> FindHouseholdIdAsync(string codiceFiscale, CancellationToken cancellationToken);
    /// <summary>
    /// Whether the registry records the card as activated by its holder in person (direct, or a citizen's renewal) — the mode
    /// a card moved in from the region's previous CMS carries (decision 0039).
    /// </summary>
    Task<bool> RecordedAsActivatedByHolderAsync(string cardNumber, CancellationToken cancellationToken);
}

internal sealed class CardDirectory(IIdentificationData db, IOptions<CmsOptions> options, TimeProvider clock) : ICardDirectory
{
    public async Task<CardView?> FindCardAsync(string cardNumber, CancellationToken cancellationToken)
    {
        var card = await db.Cards.AsNoTracking().Include(c => c.Holder).SingleOrDefaultAsync(c => c.CardNumber == cardNumber, cancellationToken);
        return card is null ? null : View(card);
    }

    public async Task<(HolderView Holder, IReadOnlyList<CardView> Cards)?> FindHolderCardsAsync(string codiceFiscale, CancellationToken cancellationToken)
    {
        var holder = await db.Holders.AsNoTracking().SingleOrDefaultAsync(h => h.CodiceFiscale == codiceFiscale, cancellationToken);
        if (holder is null) return null;
        var cards = await db.Cards.AsNoTracking().Include(c => c.Holder).Where(c => c.HolderCodiceFiscale == codiceFiscale)
            .OrderByDescending(c => c.ExpiryDate).ToListAsync(cancellationToken);
        return (HolderView.From(holder, Today), cards.Select(View).ToList());
    }

    public async Task<IReadOnlyList<CardView>> FindCardsByCertificateAsync(CardCertificate certificate, CancellationToken cancellationToken)
    {
        var cards = await db.Cards.AsNoTracking().Include(c => c.Holder)
            .Where(c => c.CertificateSerial == certificate.Serial && c.CertificateIssuer == certificate.Issuer).ToListAsync(cancellationToken);
        return cards.Select(View).ToList();
    }

    public Task<string?> FindHouseholdIdAsync(string codiceFiscale, CancellationToken cancellationToken) =>
        db.Holders.AsNoTracking().Where(h => h.CodiceFiscale == codiceFiscale).Select(h => h.HouseholdId).FirstOrDefaultAsync(cancellationToken);

    public Task<bool> RecordedAsActivatedByHolderAsync(string cardNumber, CancellationToken cancellationToken) =>
        db.Cards.AnyAsync(c => c.CardNumber == cardNumber
            && (c.ActivationMode == ActivationMode.Direct || c.ActivationMode == ActivationMode.CitizenRenewal), cancellationToken);

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private CardView View(Card card) =>
        CardViews.From(card, Today, new RegionPolicy(options.Value.SuspensionEnabled), options.Value.Issuers);
}
