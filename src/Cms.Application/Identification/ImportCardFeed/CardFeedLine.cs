using Cms.Domain.Identification.Contracts;
using Cms.Application.Common.Options;
using Cms.Application.Common.Validation;
using Cms.Domain.Common;
using Cms.Domain.Identification;

namespace Cms.Application.Identification.ImportCardFeed;

/// <summary>One line of the issuer's card feed (NDJSON), as sent; everything is checked before use.</summary>
public class CardFeedLine
{
    public string? CardNumber { get; set; }
    public string? ExpiryDate { get; set; }
    public string? IssuerRegion { get; set; }
    public CardFeedHolder? Holder { get; set; }
    public CardFeedCodes? Codes { get; set; }
    /// <summary>
    /// Optional: the serial (hexadecimal) of the card's authentication certificate, with <see cref="CertificateIssuer"/>. When a
    /// card has them, the citizen's renewal admits only that certificate for it (decision 0032).
    /// </summary>
    public string? CertificateSerial { get; set; }
    /// <summary>Optional: the distinguished name of the CA that issued the card's certificate (e.g. <c>CN=…, O=…, C=IT</c>).</summary>
    public string? CertificateIssuer { get; set; }
}

public sealed class CardFeedHolder
{
    public string? CodiceFiscale { get; set; }
    public string? Surname { get; set; }
    public string? GivenName { get; set; }
    public string? Sex { get; set; }
    public string? BirthDate { get; set; }
    public string? BirthPlace { get; set; }
    public string? BirthProvince { get; set; }
    /// <summary>
    /// Optional: the state of birth, its Italian name (<c>ITALIA</c>, <c>ROMANIA</c>, <c>MAROCCO</c> …), stored upper case. Without it the
    /// forms print <c>ITALIA</c> only when the codice fiscale's place code is Italian, and leave the state blank for a <c>Z…</c> code
    /// (decision 0037).
    /// </summary>
    public string? BirthCountry { get; set; }
    public string? Citizenship { get; set; }
    public CardFeedResidence? Residence { get; set; }
    public string? HouseholdId { get; set; }
    public bool? Entitled { get; set; }
    /// <summary>Optional: the holder's health authority (ASL), 3 digits as in its counters' codes (<c>090-201-…</c> → <c>201</c>).</summary>
    public string? HealthAuthority { get; set; }
}

public sealed class CardFeedResidence
{
    public string? Address { get; set; }
    public string? Postcode { get; set; }
    public string? Municipality { get; set; }
    public string? Province { get; set; }
}

public sealed class CardFeedCodes
{
    public string? Pin { get; set; }
    public string? Puk { get; set; }
    public string? Cip { get; set; }

    public override string ToString() => "CardFeedCodes { *** }";
}

/// <summary>A line that passed every check, with its parsed dates.</summary>
public sealed record ValidCardFeedLine(CardFeedLine Line, DateOnly ExpiryDate, DateOnly BirthDate, char Sex)
{
    /// <summary>The certificate's serial and issuer, normalised (both or neither).</summary>
    public string? CertificateSerial { get; init; }
    public string? CertificateIssuer { get; init; }
    /// <summary>The state of birth, normalised (<see cref="StateOfBirth.Normalise"/>), or null when the line has none.</summary>
    public string? BirthCountry { get; init; }
}

/// <summary>
/// Checks a feed line. Hand-written rather than FluentValidation because it runs a million times per
/// feed; the messages name the field and never quote a code.
/// </summary>
public sealed class CardFeedLineValidator(CmsOptions options)
{
    /// <param name="codesRequired">False for a migration line, whose codes the region may not have (decision 0039).</param>
    public ValidCardFeedLine? Validate(CardFeedLine line, List<string> errors, bool codesRequired = true)
    {
        if (CardNumber.Problem(line.CardNumber) is { } cardProblem) errors.Add($"cardNumber: {cardProblem}");
        if (!RuleExtensions.TryParseDate(line.ExpiryDate, out var expiry)) errors.Add("expiryDate: data mancante o non nel formato AAAA-MM-GG.");
        if (line.IssuerRegion is null || !options.Issuers.ContainsKey(line.IssuerRegion))
            errors.Add("issuerRegion: codice regione sconosciuto.");
        else if (CardNumber.IsValid(line.CardNumber) && CardNumber.RegionCode(line.CardNumber) != line.IssuerRegion)
            errors.Add("issuerRegion: non corrisponde alla regione indicata nel numero di tessera.");

        DateOnly birth = default;
        var sex = 'M';
        string? birthCountry = null;
        var h = line.Holder;
        if (h is null) errors.Add("holder: dati del titolare mancanti.");
        else
        {
            if (CodiceFiscale.Problem(h.CodiceFiscale) is { } cfProblem) errors.Add($"holder.codiceFiscale: {cfProblem}");
            if (string.IsNullOrWhiteSpace(h.Surname) || h.Surname.Length > 100) errors.Add("holder.surname: obbligatorio, al massimo 100 caratteri.");
            if (string.IsNullOrWhiteSpace(h.GivenName) || h.GivenName.Length > 100) errors.Add("holder.givenName: obbligatorio, al massimo 100 caratteri.");
            if (h.Sex is not ("M" or "F")) errors.Add("holder.sex: M o F.");
            else sex = h.Sex[0];
            if (!RuleExtensions.TryParseDate(h.BirthDate, out birth)) errors.Add("holder.birthDate: data mancante o non nel formato AAAA-MM-GG.");
            if (string.IsNullOrWhiteSpace(h.BirthPlace) || h.BirthPlace.Length > 100) errors.Add("holder.birthPlace: obbligatorio, al massimo 100 caratteri.");
            if (h.BirthProvince is { Length: > 2 }) errors.Add("holder.birthProvince: sigla di 2 lettere.");
            if (StateOfBirth.Problem(h.BirthCountry) is { } stateProblem) errors.Add($"holder.birthCountry: {stateProblem}");
            else if (h.BirthCountry is not null) birthCountry = StateOfBirth.Normalise(h.BirthCountry);
            if (h.Residence?.Postcode is { } pc && (pc.Length != 5 || !pc.All(char.IsAsciiDigit))) errors.Add("holder.residence.postcode: 5 cifre.");
            if (h.Residence?.Province is { Length: > 2 }) errors.Add("holder.residence.province: sigla di 2 lettere.");
            if (h.Residence?.Address is { Length: > 200 } || h.Residence?.Municipality is { Length: > 100 })
                errors.Add("holder.residence: indirizzo o comune troppo lunghi.");
            if (h.HouseholdId is { Length: > 40 }) errors.Add("holder.householdId: al massimo 40 caratteri.");
            if (h.HealthAuthority is not null && (h.HealthAuthority.Length != 3 || !h.HealthAuthority.All(char.IsAsciiDigit) || h.HealthAuthority == "000"))
                errors.Add("holder.healthAuthority: codice dell'azienda sanitaria di 3 cifre (es. 201), diverso da 000.");
        }

        var c = line.Codes;
        var lengths = options.Codes;
        if (c is null) { if (codesRequired) errors.Add("codes: PIN, PUK e CIP mancanti."); }
        else
        {
            if (!Digits(c.Pin, lengths.PinMinLength, lengths.PinMaxLength)) errors.Add($"codes.pin: da {lengths.PinMinLength} a {lengths.PinMaxLength} cifre.");
            if (!Digits(c.Puk, lengths.PukLength, lengths.PukLength)) errors.Add($"codes.puk: {lengths.PukLength} cifre.");
            if (!Digits(c.Cip, lengths.CipLength, lengths.CipLength)) errors.Add($"codes.cip: {lengths.CipLength} cifre.");
        }
        string? serial = null, issuer = null;
        if (line.CertificateSerial is not null || line.CertificateIssuer is not null)
        {
            if (line.CertificateSerial is null || line.CertificateIssuer is null)
                errors.Add("certificateSerial, certificateIssuer: si indicano insieme, o nessuno dei due.");
            else
            {
                serial = CertificateNames.NormalizeSerial(line.CertificateSerial);
                issuer = CertificateNames.NormalizeIssuer(line.CertificateIssuer);
                if (serial is null) errors.Add("certificateSerial: numero di serie esadecimale, al massimo 20 byte.");
                if (issuer is null) errors.Add("certificateIssuer: nome distinto dell'autorità di certificazione non valido (es. CN=…, O=…, C=IT).");
            }
        }
        return errors.Count == 0 ? new ValidCardFeedLine(line, expiry, birth, sex) { CertificateSerial = serial, CertificateIssuer = issuer, BirthCountry = birthCountry } : null;
    }

    private static bool Digits(string? value, int min, int max) =>
        value is not null && value.Length >= min && value.Length <= max && value.All(char.IsAsciiDigit);
}
