using System.Text;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Administration;
using Cms.Domain.Common;
using Cms.Domain.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Administration.Contracts;

/// <summary>
/// The check made when second halves are about to leave (decision 0034): the two halves of a card's codes must not reach one
/// person, so an address that received second halves of a holder of <b>another household</b> in the last
/// <c>Cms:Recipients:SharedWindowDays</c> is refused, however it is written (<see cref="RecipientAddresses"/>), unless a
/// security administrator approved it. Called by every confirm that releases codes, in its transaction.
/// </summary>
public interface IRecipientGuard
{
    /// <summary>
    /// Refuses with <c>recipient-shared</c> (409) an address used for a holder of another household within the window and not
    /// approved; otherwise records this use, in the caller's transaction (a refusal or a failure later rolls it back).
    /// </summary>
    Task EnsureNotSharedAsync(DeliveryAddress delivery, string holderCodiceFiscale, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The keyed digests of the recipient index: nothing of an address, a holder or a household is stored in clear.</summary>
public static class RecipientKeys
{
    public const string RecipientPurpose = "recipient";
    public const string HolderPurpose = "recipient holder";
    public const string HouseholdPurpose = "recipient household";

    /// <summary>The digests of the normalised address under every key of the ring, the active key's first.</summary>
    public static IReadOnlyList<string> Recipient(IKeyedDigest digest, DeliveryChannel channel, string address) =>
        digest.ComputeAll(Encoding.UTF8.GetBytes($"{channel}|{RecipientAddresses.Normalise(channel, address)}"), RecipientPurpose);
}

internal sealed class RecipientGuard(IAdministrationData db, IKeyedDigest digest, ICardDirectory cards, ICurrentUser user, IOptions<CmsOptions> options)
    : IRecipientGuard
{
    public async Task EnsureNotSharedAsync(DeliveryAddress delivery, string holderCodiceFiscale, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var recipientKeys = RecipientKeys.Recipient(digest, delivery.Channel, delivery.Recipient).ToArray();
        var holderKeys = digest.ComputeAll(Encoding.UTF8.GetBytes(holderCodiceFiscale), RecipientKeys.HolderPurpose).ToArray();
        var household = await cards.FindHouseholdIdAsync(holderCodiceFiscale, cancellationToken);
        household = string.IsNullOrWhiteSpace(household) ? null : household.Trim();
        string[] householdKeys = household is null ? [] : digest.ComputeAll(Encoding.UTF8.GetBytes(household), RecipientKeys.HouseholdPurpose).ToArray();

        // Two confirms for two holders with one address, at once: the second waits and then sees the first's use.
        await db.LockKeyAsync("recipient:" + recipientKeys[0], cancellationToken);
        var days = options.Value.Recipients.SharedWindowDays;
        var since = now - TimeSpan.FromDays(days);
        var uses = db.RecipientUses.AsNoTracking()
            .Where(u => recipientKeys.Contains(u.RecipientKey) && u.UsedAt >= since && !holderKeys.Contains(u.HolderKey));
        // A holder of the same household: both households known and equal.
        if (householdKeys.Length > 0) uses = uses.Where(u => u.HouseholdKey == null || !householdKeys.Contains(u.HouseholdKey));
        if (await uses.AnyAsync(cancellationToken))
        {
            // An approval never serves the administrator who granted it (an account may hold both roles): a second person decides.
            var confirmer = user.OperatorId;
            var approved = await db.RecipientApprovals.AsNoTracking()
                .AnyAsync(a => recipientKeys.Contains(a.RecipientKey) && a.Channel == delivery.Channel && a.RevokedAt == null && a.ValidUntil > now
                    && (a.HolderCodiceFiscale == null || a.HolderCodiceFiscale == holderCodiceFiscale)
                    && (confirmer == null || a.ApprovedBy != confirmer), cancellationToken);
            if (!approved) throw Refusal(delivery.Channel, days);
        }
        db.RecipientUses.Add(new RecipientUse(Guid.CreateVersion7(), recipientKeys[0], holderKeys[0], householdKeys.FirstOrDefault(), now));
    }

    /// <summary>Says what the rule is and what to do; never the address, nor whose it was.</summary>
    private static DomainRuleException Refusal(DeliveryChannel channel, int days)
    {
        var what = channel == DeliveryChannel.Email ? "L'indirizzo e-mail" : "Il numero di cellulare";
        return new DomainRuleException("recipient-shared",
                $"{what} indicato per la seconda parte dei codici ha già ricevuto, negli ultimi {days} giorni, i codici di un assistito di un altro " +
                "nucleo familiare: le due parti dei codici non devono arrivare alla stessa persona. Indicare un recapito del titolare, oppure chiedere " +
                "all'amministratore della sicurezza di autorizzare questo recapito.", RuleKind.Conflict)
            .With("channel", channel == DeliveryChannel.Email ? "EMAIL" : "SMS")
            .With("windowDays", days);
    }
}
