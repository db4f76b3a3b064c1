using Cms.Domain.Common;
using Cms.Domain.Consents.Contracts;
using Cms.Domain.Administration;
using Cms.Domain.Consents;
using Cms.Application.Common.Options;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Application.Consents.Common;
using Cms.Application.Readers.Common;
using Cms.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cms.Unit.Tests;

public class CardFeedLineValidatorTests
{
    private static CardFeedLine Good() => new()
    {
        CardNumber = "80380000900000000001", ExpiryDate = "2030-01-31", IssuerRegion = "090",
        Holder = new CardFeedHolder
        {
            CodiceFiscale = "RSSMRA80A01H501U", Surname = "ROSSI", GivenName = "MARIO", Sex = "M", BirthDate = "1980-01-01",
            BirthPlace = "ROMA", BirthProvince = "RM", Residence = new CardFeedResidence { Postcode = "50122", Province = "FI" },
        },
        Codes = new CardFeedCodes { Pin = "12345", Puk = "12345678", Cip = "87654321" },
    };

    private static List<string> Errors(CardFeedLine line)
    {
        var errors = new List<string>();
        new CardFeedLineValidator(new CmsOptions()).Validate(line, errors);
        return errors;
    }

    [Fact]
    public void A_complete_line_passes() => Assert.Empty(Errors(Good()));

    [Fact]
    public void Every_bad_field_is_named_and_no_code_is_quoted()
    {
        var line = Good();
        line.CardNumber = "80380001000000000001"; // Umbria number declared as Toscana
        line.ExpiryDate = "31/01/2030";
        line.Holder!.CodiceFiscale = "RSSMRA80A01H501X";
        line.Holder.Sex = "X";
        line.Codes!.Pin = "12a45";
        line.Codes.Puk = "1234";
        var errors = Errors(line);
        Assert.Contains(errors, e => e.StartsWith("issuerRegion:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("expiryDate:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("holder.codiceFiscale:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("holder.sex:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("codes.pin:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("codes.puk:", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("12a45") || e.Contains("1234,"));
    }

    [Fact]
    public void Missing_parts_are_reported()
    {
        var errors = Errors(new CardFeedLine());
        Assert.Contains(errors, e => e.StartsWith("cardNumber:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("holder:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("codes:", StringComparison.Ordinal));
    }
}

public class RegionPolicyTests
{
    private static IReadOnlyList<string> Problems(Action<CmsOptions> change)
    {
        var options = new CmsOptions();
        change(options);
        var result = new CmsOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures.ToList() : [];
    }

    [Fact]
    public void The_default_policy_is_valid() => Assert.Empty(Problems(_ => { }));

    [Fact]
    public void Bad_settings_are_named()
    {
        Assert.Contains(Problems(o => o.Region = "999"), p => p.Contains("Cms:Region"));
        Assert.Contains(Problems(o => o.Codes.PinPrintedDigits = 5), p => p.Contains("PinPrintedDigits"));
        Assert.Contains(Problems(o => o.Codes.PinMaxLength = 9), p => p.Contains("5 to 8"));
        Assert.Contains(Problems(o => o.Codes.PukPrintedDigits = 8), p => p.Contains("PukPrintedDigits"));
        Assert.Contains(Problems(o => o.PendingRequestMinutes = 0), p => p.Contains("PendingRequestMinutes"));
        Assert.Contains(Readers(new() { Limit = 0 }), p => p.Contains("Cms:Readers:Limit"));
        Assert.Contains(Readers(new() { Scope = (Cms.Domain.Readers.ReaderLimitScope)7 }), p => p.Contains("Cms:Readers:Scope"));
        Assert.Empty(Readers(new ReaderRuleOptions()));
        Assert.Contains(Consents([new() { EffectiveFrom = new DateOnly(2020, 1, 1), Model = (ConsentModel)9 }]),
            p => p.Contains("Model must be Current or Legacy"));
        Assert.Contains(Consents([new() { Model = ConsentModel.Legacy }]), p => p.Contains("EffectiveFrom"));
        Assert.Contains(Consents([new() { EffectiveFrom = new DateOnly(2099, 1, 1), Model = ConsentModel.Current }]),
            p => p.Contains("no consent model is in effect today"));
        Assert.Contains(Consents(
            [
                new() { EffectiveFrom = new DateOnly(2020, 1, 1), Model = ConsentModel.Current },
                new() { EffectiveFrom = new DateOnly(2020, 1, 1), Model = ConsentModel.Legacy },
            ]), p => p.Contains("same date"));
        Assert.Empty(Consents([]));
    }

    private static IReadOnlyList<string> Readers(ReaderRuleOptions options) =>
        new ReaderRuleOptionsValidator().Validate(null, options) is { Failed: true } r ? r.Failures.ToList() : [];

    private static IReadOnlyList<string> Consents(List<ConsentPolicy> policies) =>
        new ConsentPolicyOptionsValidator().Validate(null, new ConsentPolicyOptions { Policies = policies }) is { Failed: true } r ? r.Failures.ToList() : [];

    [Fact]
    public void The_modules_settings_are_read_from_the_sections_a_region_writes_and_checked_when_read()
    {
        static ServiceProvider Provider(Dictionary<string, string?> settings) => new ServiceCollection()
            .AddModuleOptions(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
        using var region = Provider(new()
        {
            ["Cms:Readers:Limit"] = "3", ["Cms:Readers:Scope"] = "Holder",
            ["Cms:ConsentPolicies:0:EffectiveFrom"] = "2010-01-01", ["Cms:ConsentPolicies:0:Model"] = "Legacy",
        });
        var readers = region.GetRequiredService<IOptions<ReaderRuleOptions>>().Value;
        Assert.Equal((3, Cms.Domain.Readers.ReaderLimitScope.Holder), (readers.Limit, readers.Scope));
        Assert.Equal(ConsentModel.Legacy, region.GetRequiredService<IOptions<ConsentPolicyOptions>>().Value.ModelOn(new DateOnly(2026, 11, 25)));

        using var defaults = Provider([]);
        Assert.Equal(1, defaults.GetRequiredService<IOptions<ReaderRuleOptions>>().Value.Limit);
        Assert.Equal(ConsentModel.Current, defaults.GetRequiredService<IOptions<ConsentPolicyOptions>>().Value.ModelOn(new DateOnly(2026, 11, 25)));

        using var bad = Provider(new() { ["Cms:Readers:Limit"] = "0", ["Cms:ConsentPolicies:0:Model"] = "Legacy" });
        // At start-up, as the host does (ValidateOnStart), before anything reads them.
        var atStart = Assert.Throws<AggregateException>(() => bad.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(atStart.InnerExceptions, e => e.Message.Contains("Cms:Readers:Limit", StringComparison.Ordinal));
        Assert.Contains(atStart.InnerExceptions, e => e.Message.Contains("EffectiveFrom", StringComparison.Ordinal));
        Assert.Contains("Cms:Readers:Limit", Assert.Throws<OptionsValidationException>(() => bad.GetRequiredService<IOptions<ReaderRuleOptions>>().Value).Message);
        Assert.Contains("EffectiveFrom", Assert.Throws<OptionsValidationException>(() => bad.GetRequiredService<IOptions<ConsentPolicyOptions>>().Value).Message);
    }

    [Fact]
    public void The_interop_counter_types_are_checked_at_start_up()
    {
        Assert.Empty(Problems(o => o.Interop.CounterTypes = ["ASL", " regional_office "]));
        Assert.Contains(Problems(o => o.Interop.CounterTypes = ["ASL", "OSPEDALE"]), p => p.Contains("Cms:Interop:CounterTypes: 'OSPEDALE' is not a counter type"));
        Assert.Contains(Problems(o => o.Interop.CounterTypes = ["URP"]), p => p.Contains("REGIONAL_OFFICE for the region's"));
        Assert.Contains(Problems(o => o.Interop.CounterTypes = ["ASL", "PHARMACY"]), p => p.Contains("PHARMACY may not work in interoperability"));
    }

    [Fact]
    public void The_interop_policy_is_every_type_but_pharmacies_unless_the_region_names_its_own()
    {
        var defaults = new CmsOptions().Interop.Policy();
        Assert.Equal([CounterType.Asl, CounterType.Hospital, CounterType.Municipality, CounterType.RegionalOffice], defaults.Types.ToArray());
        Assert.False(defaults.Allows(CounterType.Pharmacy));
        Assert.False(defaults.Allows(null));
        var sardegna = new CmsOptions { Interop = new() { CounterTypes = ["REGIONAL_OFFICE", "ASL"] } }.Interop.Policy();
        Assert.Equal([CounterType.Asl, CounterType.RegionalOffice], sardegna.Types.ToArray());
        Assert.False(sardegna.Allows(CounterType.Municipality));
        Assert.Throws<ArgumentException>(() => new InteropCounterPolicy([CounterType.Asl, CounterType.Pharmacy]));
        Assert.Throws<ArgumentException>(() => new InteropCounterPolicy([]));
        var refusal = new CmsOptions { Interop = new() { CounterTypes = ["ASL", "REGIONAL_OFFICE"] } }.Interop.NotAllowedAtCounter();
        Assert.Equal("interop-not-allowed-at-counter", refusal.Rule);
        Assert.Contains("Azienda sanitaria (ASL), Ufficio regionale", refusal.Message);
    }

    [Fact]
    public void The_consent_model_follows_the_dated_policy()
    {
        var defaults = new ConsentPolicyOptions();
        Assert.Equal(ConsentModel.Legacy, defaults.ModelOn(new DateOnly(2020, 5, 18)));
        Assert.Equal(ConsentModel.Current, defaults.ModelOn(new DateOnly(2020, 5, 19)));
        Assert.Equal(ConsentModel.Current, defaults.ModelOn(new DateOnly(2026, 11, 25)));
        var legacyRegion = new ConsentPolicyOptions { Policies = [new() { EffectiveFrom = new DateOnly(2010, 1, 1), Model = ConsentModel.Legacy }] };
        Assert.Equal(ConsentModel.Legacy, legacyRegion.ModelOn(new DateOnly(2026, 11, 25)));
    }
}
