using Cms.Domain.Identification.Contracts;
using Cms.Domain.Common;

namespace Cms.Domain.Identification;

/// <summary>The card holder (assistito / titolare), identified by codice fiscale.</summary>
public sealed class Holder
{
    private Holder() { }

    public Holder(string codiceFiscale, string surname, string givenName, char sex, DateOnly birthDate,
        string birthPlace, string? birthProvince, string? citizenship, Residence residence, string? householdId, bool entitled,
        string? birthCountry = null)
    {
        CodiceFiscale = codiceFiscale;
        Surname = surname;
        GivenName = givenName;
        Sex = sex;
        BirthDate = birthDate;
        BirthPlace = birthPlace;
        BirthProvince = birthProvince;
        Citizenship = citizenship;
        Residence = residence;
        HouseholdId = householdId;
        Entitled = entitled;
        BirthCountry = birthCountry;
    }

    public string CodiceFiscale { get; private set; } = null!;
    public string Surname { get; private set; } = null!;
    public string GivenName { get; private set; } = null!;
    public char Sex { get; private set; }
    public DateOnly BirthDate { get; private set; }
    public string BirthPlace { get; private set; } = null!;
    public string? BirthProvince { get; private set; }
    /// <summary>
    /// The state of birth as the card feed gave it (Italian name, e.g. <c>ROMANIA</c>), when it did. What a form prints is
    /// <see cref="StateOfBirthStated"/>.
    /// </summary>
    public string? BirthCountry { get; private set; }
    public string? Citizenship { get; private set; }
    public Residence Residence { get; private set; } = null!;
    public string? HouseholdId { get; private set; }
    /// <summary>Healthcare entitlement (assistenza attiva).</summary>
    public bool Entitled { get; private set; }
    /// <summary>
    /// The holder's health authority (ASL / azienda sanitaria, 3 digits: the middle part of its counters' codes, e.g. <c>201</c>),
    /// when the card feed says it. A reprint at a counter of another health authority needs a stated reason.
    /// </summary>
    public string? HealthAuthority { get; private set; }

    public bool IsMinorOn(DateOnly date) => Age.IsMinorOn(BirthDate, date);

    /// <summary>The state of birth Cms may state (<see cref="StateOfBirth.Stated"/>): fed, else ITALIA for an Italian place code, else unknown.</summary>
    public string? StateOfBirthStated() => StateOfBirth.Stated(BirthCountry, CodiceFiscale);
}

public sealed record Residence(string? Address, string? Postcode, string? Municipality, string? Province);
