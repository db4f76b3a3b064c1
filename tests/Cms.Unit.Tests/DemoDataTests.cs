using Cms.Domain.Identification.Contracts;
using System.Text.RegularExpressions;
using Cms.Application.Common.Options;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Infrastructure.DemoData;

namespace Cms.Unit.Tests;

public class DemoDataTests
{
    [Fact]
    public void The_run_command_prints_the_demo_operators_that_really_exist()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir!.FullName, "Cms.sln"))) dir = dir.Parent;
        var script = File.ReadAllText(Path.Combine(dir.FullName, "scripts", "run.sh"));
        var printed = Regex.Matches(script, @"^\s{4}([A-Z0-9]{16})\s", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(DemoAccounts.Accounts.Select(a => a.CodiceFiscale), printed);
        Assert.Contains(DemoAccounts.Password, script);
        Assert.All(printed, cf => Assert.True(CodiceFiscale.IsValid(cf), cf));
    }

    [Fact]
    public void The_population_is_deterministic_valid_and_varied()
    {
        var today = new DateOnly(2026, 11, 25);
        var a = new DemoPopulation().Cards(2000, today).ToList();
        var b = new DemoPopulation().Cards(2000, today).ToList();
        Assert.Equal(a.Select(DemoPopulation.ToNdjsonLine), b.Select(DemoPopulation.ToNdjsonLine));
        Assert.Equal(2200, a.Count);
        Assert.All(a, l => Assert.True(CodiceFiscale.IsValid(l.Holder!.CodiceFiscale), l.Holder!.CodiceFiscale));
        Assert.Equal(a.Count, a.Select(l => l.CardNumber).Distinct().Count());
        var holders = a.GroupBy(l => l.Holder!.CodiceFiscale).Select(g => g.First().Holder!).ToList();
        Assert.Equal(2000, holders.Count);
        var minors = holders.Count(h => Age.IsMinorOn(DateOnly.Parse(h.BirthDate!, System.Globalization.CultureInfo.InvariantCulture), today));
        Assert.InRange(minors, 200, 500);
        Assert.Contains(a, l => DateOnly.Parse(l.ExpiryDate!, System.Globalization.CultureInfo.InvariantCulture) < today);
        Assert.True(holders.Select(h => h.HouseholdId).Distinct().Count() < holders.Count);

        // Every line passes the feed's own checks.
        var validator = new CardFeedLineValidator(new CmsOptions());
        var errors = new List<string>();
        Assert.All(a, l => Assert.True(validator.Validate(l, errors) is not null, string.Join("; ", errors)));

        // Some holders were born abroad (a Z… place code in a valid codice fiscale), most with their state, a few without;
        // the others were born in Italy and the feed leaves their state to the codice fiscale (decision 0037).
        var abroad = holders.Where(h => StateOfBirth.PlaceCodeIsForeign(h.CodiceFiscale)).ToList();
        Assert.InRange(abroad.Count, 100, 150);
        Assert.Equal(abroad.Count, holders.Count(h => h.BirthProvince is null));
        Assert.InRange(abroad.Count(h => h.BirthCountry is null), 15, 35);
        Assert.True(abroad.Where(h => h.BirthCountry is not null).Select(h => h.BirthCountry).Distinct().Count() >= 6);
        Assert.Contains(abroad, h => h.Citizenship != "ITALIANA");
        Assert.Contains(abroad, h => h.Citizenship == "ITALIANA");
        Assert.All(holders.Except(abroad), h =>
        {
            Assert.True(StateOfBirth.PlaceCodeIsItalian(h.CodiceFiscale), h.CodiceFiscale);
            Assert.Null(h.BirthCountry);
        });
    }
}
