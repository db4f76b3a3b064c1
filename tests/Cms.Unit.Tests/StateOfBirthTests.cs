using Cms.Domain.Identification.Contracts;
using Cms.Application.Common.Documents;
using Cms.Application.Common.Options;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Domain.Common;
using Cms.Domain.Identification;

namespace Cms.Unit.Tests;

/// <summary>The state of birth a form may state (decision 0037), and what the card feed accepts as one.</summary>
public class StateOfBirthTests
{
    private static readonly DateOnly Birth = new(1985, 4, 2);
    private static readonly string BornInFirenze = CodiceFiscale.Compute("Rossi", "Mario", Birth, 'M', "D612");
    private static readonly string BornInRomania = CodiceFiscale.Compute("Popescu", "Ioana", Birth, 'F', "Z129");

    [Fact]
    public void The_codes_used_here_are_valid_and_say_where_their_holder_was_born()
    {
        Assert.True(CodiceFiscale.IsValid(BornInFirenze));
        Assert.True(CodiceFiscale.IsValid(BornInRomania));
        Assert.Equal("Z129", BornInRomania.Substring(11, 4));
        Assert.True(StateOfBirth.PlaceCodeIsItalian(BornInFirenze));
        Assert.False(StateOfBirth.PlaceCodeIsForeign(BornInFirenze));
        Assert.True(StateOfBirth.PlaceCodeIsForeign(BornInRomania));
        Assert.False(StateOfBirth.PlaceCodeIsItalian(BornInRomania));
    }

    [Fact]
    public void The_fed_state_is_stated_whatever_the_codice_fiscale_says()
    {
        Assert.Equal("ROMANIA", StateOfBirth.Stated("ROMANIA", BornInRomania));
        Assert.Equal("ITALIA", StateOfBirth.Stated("ITALIA", BornInFirenze));
        // The code is an identifier, not the registry's statement: a fed state is not second-guessed.
        Assert.Equal("CROAZIA", StateOfBirth.Stated("CROAZIA", BornInFirenze));
        Assert.Equal("ITALIA", StateOfBirth.Stated("ITALIA", BornInRomania));
    }

    [Fact]
    public void Without_a_fed_state_an_italian_place_code_means_italy_and_a_foreign_one_leaves_it_unknown()
    {
        Assert.Equal(StateOfBirth.Italy, StateOfBirth.Stated(null, BornInFirenze));
        Assert.Null(StateOfBirth.Stated(null, BornInRomania));
        // Omocodia replaces the place code's digits, never its letter.
        var omocode = CodiceFiscale.Compute("Rossi", "Mario", Birth, 'M', "D612", omocodiaLevel: 3);
        Assert.Equal("D", omocode.Substring(11, 1));
        Assert.Matches("^[LMNPQRSTUV]{3}$", omocode.Substring(12, 3));
        Assert.Equal(StateOfBirth.Italy, StateOfBirth.Stated(null, omocode));
        var foreignOmocode = CodiceFiscale.Compute("Popescu", "Ioana", Birth, 'F', "Z129", omocodiaLevel: 3);
        Assert.Null(StateOfBirth.Stated(null, foreignOmocode));
        // Nothing is said on a code that is not one.
        Assert.Null(StateOfBirth.Stated(null, null));
        Assert.Null(StateOfBirth.Stated(null, "RSSMRA"));
        Assert.Null(StateOfBirth.Stated(null, "RSSMRA85D02?612X"));
    }

    [Theory]
    [InlineData("ROMANIA", "ROMANIA")]
    [InlineData("  Marocco ", "MAROCCO")]
    [InlineData("STATI UNITI D'AMERICA", "STATI UNITI D'AMERICA")]
    [InlineData("Costa d’Avorio", "COSTA D'AVORIO")]
    [InlineData("PERU'", "PERU'")]
    [InlineData("GUINEA-BISSAU", "GUINEA-BISSAU")]
    [InlineData("BERMUDA (ISOLE)", "BERMUDA (ISOLE)")]
    [InlineData("COREA, REPUBBLICA (COREA DEL SUD)", "COREA, REPUBBLICA (COREA DEL SUD)")]
    [InlineData("São Tomé e Príncipe", "SÃO TOMÉ E PRÍNCIPE")]
    [InlineData("ST. KITTS E NEVIS", "ST. KITTS E NEVIS")]
    public void Italian_names_of_states_are_accepted_and_normalised(string fed, string stored)
    {
        Assert.Null(StateOfBirth.Problem(fed));
        Assert.Equal(stored, StateOfBirth.Normalise(fed));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("R")]
    [InlineData("R0MANIA")]
    [InlineData("Z129")]
    [InlineData("'ROMANIA")]
    [InlineData("(ISOLE)")]
    [InlineData("ROMANIA;DROP")]
    [InlineData("<b>ROMANIA</b>")]
    [InlineData("ROMANIA\tEST")]
    [InlineData("РОССИЯ")]
    [InlineData("中国")]
    [InlineData("ROMANIA×2")]
    public void Malformed_states_are_refused(string fed) => Assert.NotNull(StateOfBirth.Problem(fed));

    [Fact]
    public void A_state_is_at_most_sixty_characters()
    {
        Assert.Null(StateOfBirth.Problem(new string('A', StateOfBirth.MaxLength)));
        Assert.NotNull(StateOfBirth.Problem(new string('A', StateOfBirth.MaxLength + 1)));
        Assert.Null(StateOfBirth.Problem(null));
    }

    [Fact]
    public void The_holder_states_its_fed_state_or_the_rules()
    {
        Assert.Equal("ITALIA", HolderWith(BornInFirenze, null).StateOfBirthStated());
        Assert.Null(HolderWith(BornInRomania, null).StateOfBirthStated());
        Assert.Equal("ROMANIA", HolderWith(BornInRomania, "ROMANIA").StateOfBirthStated());
    }

    [Fact]
    public void The_one_line_forms_print_the_place_with_its_state_only_when_that_is_known_and_not_italy()
    {
        Assert.Equal("BUCAREST (ROMANIA)", new PersonOnForm("POPESCU", "IOANA", BornInRomania, "BUCAREST", BirthCountry: "ROMANIA").BirthPlaceWithState);
        Assert.Equal("BUCAREST", new PersonOnForm("POPESCU", "IOANA", BornInRomania, "BUCAREST").BirthPlaceWithState);
        Assert.Equal("FIRENZE", new PersonOnForm("ROSSI", "MARIO", BornInFirenze, "FIRENZE", "FI", BirthCountry: "ITALIA").BirthPlaceWithState);
        Assert.Equal("ROMANIA", new PersonOnForm("POPESCU", "IOANA", BornInRomania, "ROMANIA", BirthCountry: "ROMANIA").BirthPlaceWithState);
        Assert.Null(new PersonOnForm("POPESCU", "IOANA", BornInRomania, BirthCountry: "ROMANIA").BirthPlaceWithState);
    }

    [Fact]
    public void The_feed_stores_the_state_normalised_and_names_a_bad_one()
    {
        var line = Line(BornInRomania, "  romania ");
        var errors = new List<string>();
        var valid = new CardFeedLineValidator(new CmsOptions()).Validate(line, errors);
        Assert.Empty(errors);
        Assert.Equal("ROMANIA", valid!.BirthCountry);

        var absent = new CardFeedLineValidator(new CmsOptions()).Validate(Line(BornInRomania, null), errors);
        Assert.Empty(errors);
        Assert.Null(absent!.BirthCountry);

        foreach (var bad in new[] { "R0MANIA", "", new string('X', 61), "ROMANIA<script>" })
        {
            errors.Clear();
            Assert.Null(new CardFeedLineValidator(new CmsOptions()).Validate(Line(BornInRomania, bad), errors));
            Assert.StartsWith("holder.birthCountry: ", Assert.Single(errors), StringComparison.Ordinal);
        }
    }

    private static CardFeedLine Line(string codiceFiscale, string? birthCountry) => new()
    {
        CardNumber = "80380000900000000001", ExpiryDate = "2030-01-31", IssuerRegion = "090",
        Holder = new CardFeedHolder
        {
            CodiceFiscale = codiceFiscale, Surname = "POPESCU", GivenName = "IOANA", Sex = "F", BirthDate = "1985-04-02",
            BirthPlace = "BUCAREST", BirthCountry = birthCountry, Citizenship = "ROMENA",
        },
        Codes = new CardFeedCodes { Pin = "12345", Puk = "12345678", Cip = "87654321" },
    };

    private static Holder HolderWith(string codiceFiscale, string? birthCountry) =>
        new(codiceFiscale, "X", "Y", 'M', Birth, "Z", null, null, new Residence(null, null, null, null), null, true, birthCountry);
}
