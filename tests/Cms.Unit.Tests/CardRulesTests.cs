using Cms.Domain.Common;
using Cms.Domain.Identification;

namespace Cms.Unit.Tests;

public class CardRulesTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static Card NewCard(DateOnly expiry) =>
        new("80380000900000000001", "RSSMRA80A01H501U", expiry, "090", new EncryptedCodes("k", [1]));

    [Fact]
    public void A_new_card_can_be_activated_revoked_and_given_consents()
    {
        var ops = NewCard(Today.AddYears(3)).AllowedOperations(Today, false, RegionPolicy.Default);
        Assert.Equal([CardOperation.Activation, CardOperation.FseConsents, CardOperation.Revocation, CardOperation.History], ops);
    }

    [Fact]
    public void A_card_past_its_expiry_is_expired_and_only_history_is_allowed()
    {
        var card = NewCard(Today.AddDays(-1));
        Assert.Equal(CardState.Expired, card.StateOn(Today));
        Assert.Equal([CardOperation.History], card.AllowedOperations(Today, false, RegionPolicy.Default));
        Assert.Equal(CardState.NotActive, NewCard(Today).StateOn(Today)); // valid through its expiry day
    }

    [Theory]
    [InlineData(0, 0, 1, true)]
    [InlineData(18, 0, 0, false)]   // 18th birthday: adult
    [InlineData(17, 11, 30, true)]
    public void Minors_are_under_eighteen_on_the_request_date(int years, int months, int daysLeft, bool minor)
    {
        var birth = Today.AddYears(-years).AddMonths(-months).AddDays(daysLeft == 0 ? 0 : -daysLeft + 1 + (years == 0 ? -1 : 0));
        Assert.Equal(minor, Age.IsMinorOn(birth, Today));
    }

    [Fact]
    public void Suspension_is_offered_only_where_the_region_enables_it()
    {
        Assert.DoesNotContain(CardOperation.Suspension, NewCard(Today.AddYears(1)).AllowedOperations(Today, false, RegionPolicy.Default));
    }
}
