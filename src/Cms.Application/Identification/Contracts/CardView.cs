using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;

namespace Cms.Application.Identification.Contracts;

public sealed record ResidenceView(string? Address, string? Postcode, string? Municipality, string? Province);

/// <param name="BirthCountry">
/// The state of birth Cms states (decision 0037): the one the card feed gave; without it <c>ITALIA</c> when the codice fiscale's
/// place code is Italian; null when the holder was born abroad (<c>Z…</c> place code) in a state the feed did not name.
/// </param>
public sealed record HolderView(
    string CodiceFiscale, string Surname, string GivenName, char Sex, DateOnly BirthDate, string BirthPlace,
    string? BirthProvince, string? BirthCountry, string? Citizenship, bool Minor, ResidenceView Residence, string? HouseholdId, bool Entitled,
    string? HealthAuthority = null)
{
    public static HolderView From(Holder h, DateOnly today) => new(h.CodiceFiscale, h.Surname, h.GivenName, h.Sex,
        h.BirthDate, h.BirthPlace, h.BirthProvince, h.StateOfBirthStated(), h.Citizenship, h.IsMinorOn(today),
        new ResidenceView(h.Residence.Address, h.Residence.Postcode, h.Residence.Municipality, h.Residence.Province),
        h.HouseholdId, h.Entitled, h.HealthAuthority);
}

/// <summary>What the counter sees after identifying a card [M 2.2, T 2.2].</summary>
public sealed record CardView(
    string CardNumber, string DisplayNumber, CardState State, DateOnly ExpiryDate, string IssuerRegion, string? IssuerRegionName,
    HolderView Holder, IReadOnlyList<CardOperation> AllowedOperations, IReadOnlyList<string> Notes)
{
    /// <summary>The card's authentication certificate as the feed named it (decision 0032); not part of any answer.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public CardCertificate? Certificate { get; init; }
}

/// <summary>A card's authentication certificate: serial and issuer, normalised (<see cref="CertificateNames"/>).</summary>
public sealed record CardCertificate(string Serial, string Issuer);

public static class CardViews
{
    public static CardView From(Card card, DateOnly today, RegionPolicy policy, IReadOnlyDictionary<string, string> issuers)
    {
        var minor = card.Holder.IsMinorOn(today);
        var notes = new List<string>();
        var state = card.StateOn(today);
        if (minor && state == CardState.NotActive)
            notes.Add("Titolare minorenne: l'attivazione è possibile solo tramite delega (potestà genitoriale o tutela).");
        if (state == CardState.Expired) notes.Add("Tessera scaduta: è consultabile solo lo storico.");
        if (state == CardState.Revoked) notes.Add("Tessera revocata: è consultabile solo lo storico.");
        return new CardView(card.CardNumber, CardNumber.DisplayPrefix + " " + card.CardNumber[7..], state, card.ExpiryDate,
            card.IssuerRegion, issuers.GetValueOrDefault(card.IssuerRegion), HolderView.From(card.Holder, today),
            card.AllowedOperations(today, minor, policy), notes)
        {
            Certificate = card.CertificateSerial is { } serial && card.CertificateIssuer is { } issuer ? new CardCertificate(serial, issuer) : null,
        };
    }
}
