using Cms.Domain.Common;
using Cms.Domain.Requests;

namespace Cms.Domain.Administration;

/// <summary>
/// One release of second halves to an address (decision 0034): the index the confirm looks in before sending a holder's
/// second halves to an address already used for a holder of another household. Nothing in it can be read back: the address,
/// the holder and the household are keyed digests (HMAC-SHA256 under a key outside the database), so a dump of the table
/// does not list recipients, nor can it be searched for an address without the key.
/// </summary>
public sealed class RecipientUse
{
    private RecipientUse() { }

    public RecipientUse(Guid id, string recipientKey, string holderKey, string? householdKey, DateTimeOffset usedAt)
    {
        Id = id;
        RecipientKey = recipientKey;
        HolderKey = holderKey;
        HouseholdKey = householdKey;
        UsedAt = usedAt;
    }

    public Guid Id { get; private set; }
    /// <summary>Keyed digest of the channel and the normalised address (<see cref="RecipientAddresses"/>).</summary>
    public string RecipientKey { get; private set; } = null!;
    /// <summary>Keyed digest of the holder's codice fiscale.</summary>
    public string HolderKey { get; private set; } = null!;
    /// <summary>Keyed digest of the holder's household id, when the registry knows it.</summary>
    public string? HouseholdKey { get; private set; }
    public DateTimeOffset UsedAt { get; private set; }
}

/// <summary>
/// A security administrator's approval of an address that may receive second halves of holders of different households
/// (a care home, a guardian's office, a family whose household the registry does not link): for one holder, or for every
/// holder when none is named; until <see cref="ValidUntil"/> or its revocation. Found by the keyed digest of the address;
/// what is shown of it is masked.
/// </summary>
public sealed class RecipientApproval
{
    private RecipientApproval() { }

    public RecipientApproval(Guid id, DeliveryChannel channel, string recipientKey, string maskedRecipient, string? holderCodiceFiscale,
        string reason, Guid approvedBy, DateTimeOffset approvedAt, DateTimeOffset validUntil)
    {
        Id = id;
        Channel = channel;
        RecipientKey = recipientKey;
        MaskedRecipient = maskedRecipient;
        HolderCodiceFiscale = holderCodiceFiscale;
        Reason = reason;
        ApprovedBy = approvedBy;
        ApprovedAt = approvedAt;
        ValidUntil = validUntil;
    }

    public Guid Id { get; private set; }
    public DeliveryChannel Channel { get; private set; }
    public string RecipientKey { get; private set; } = null!;
    /// <summary>The address as it may be shown: a***@example.it, +39333****567.</summary>
    public string MaskedRecipient { get; private set; } = null!;
    /// <summary>The only holder the approval covers; null: every holder.</summary>
    public string? HolderCodiceFiscale { get; private set; }
    public string Reason { get; private set; } = null!;
    public Guid ApprovedBy { get; private set; }
    public DateTimeOffset ApprovedAt { get; private set; }
    public DateTimeOffset ValidUntil { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public Guid? RevokedBy { get; private set; }

    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && ValidUntil > now;

    /// <summary>Revokes the approval; a second revocation changes nothing.</summary>
    public void Revoke(Guid by, DateTimeOffset now)
    {
        if (RevokedAt is not null) return;
        RevokedAt = now;
        RevokedBy = by;
    }
}
