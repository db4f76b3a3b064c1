namespace Cms.ReaderSdk.Cns;

/// <summary>
/// EF.Dati_personali of a CNS (3F00/1100/1102), field by field in the order of the layout. Dates are read from DDMMYYYY;
/// empty fields are null.
/// </summary>
public sealed record PersonalData(
    string IssuerCode,
    DateOnly IssueDate,
    DateOnly ExpiryDate,
    string Surname,
    string GivenName,
    DateOnly BirthDate,
    char Sex,
    int? HeightCm,
    string CodiceFiscale,
    string? CitizenshipCode,
    string? BirthMunicipalityCode,
    string? BirthCountry,
    string? BirthCertificate,
    string? ResidenceMunicipalityCode,
    string? ResidenceAddress,
    string? ExpatriationNotes);

/// <summary>What the chip says about the card: its number (from EF.ID_Carta) and its holder.</summary>
public sealed record ChipReading(string Reader, string Atr, string CnsVersion, string IdCarta, string CardNumber, PersonalData Holder);
