using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;

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

public class CounterOperationRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static Cms.Domain.Requests.AttendeeDetails Attendee(Cms.Domain.Requests.RequestMode mode = Cms.Domain.Requests.RequestMode.Direct) =>
        new(mode, null, null, new Cms.Domain.Requests.IdentityDocument(Cms.Domain.Requests.DocumentType.CartaIdentita, "CA1", "COMUNE",
            new DateOnly(2020, 1, 1), new DateOnly(2030, 1, 1)), true, false);

    [Fact]
    public void A_card_is_revoked_for_good()
    {
        var card = new Card("80380000900000000001", "RSSMRA80A01H501U", new DateOnly(2030, 1, 1), "090", new EncryptedCodes("k", [1]));
        card.Revoke(Now);
        Assert.Equal(CardState.Revoked, card.State);
        Assert.Equal("card-not-revocable", Assert.Throws<DomainRuleException>(() => card.Revoke(Now)).Rule);
        Assert.Equal("card-not-suspendable", Assert.Throws<DomainRuleException>(() => card.Suspend(Now)).Rule);
        Assert.Equal("card-not-reactivatable", Assert.Throws<DomainRuleException>(() => card.Reactivate(Now)).Rule);
        Assert.Equal("card-not-activatable", Assert.Throws<DomainRuleException>(() => card.Activate(Now)).Rule);
    }

    [Fact]
    public void A_revocation_is_confirmed_only_after_the_cip_and_the_printed_and_signed_form()
    {
        var r = new Cms.Domain.Revocation.RevocationRequest(Guid.NewGuid(), "80380000900000000001", "RSSMRA80A01H501U", Guid.NewGuid(), "C1", Now,
            TimeSpan.FromMinutes(30), Attendee(), Cms.Domain.Revocation.Contracts.RevocationReason.Deterioramento, null);
        Assert.Equal("cip-not-verified", Assert.Throws<DomainRuleException>(() => r.Confirm(Now, true, Guid.NewGuid())).Rule);
        r.MarkCipVerified(Now);
        Assert.Equal("revocation-form-not-printed", Assert.Throws<DomainRuleException>(() => r.Confirm(Now, true, Guid.NewGuid())).Rule);
        r.MarkFormPrinted(Now);
        Assert.Equal("form-signature-not-acknowledged", Assert.Throws<DomainRuleException>(() => r.Confirm(Now, false, Guid.NewGuid())).Rule);
        r.Confirm(Now, true, Guid.NewGuid());
        Assert.Equal(Cms.Domain.Requests.RequestStatus.Completed, r.Status);
    }

    [Fact]
    public void A_revocation_of_a_card_never_activated_has_no_cip_step_but_keeps_the_printed_and_signed_form()
    {
        var r = new Cms.Domain.Revocation.RevocationRequest(Guid.NewGuid(), "80380000900000000001", "RSSMRA80A01H501U", Guid.NewGuid(), "C1", Now,
            TimeSpan.FromMinutes(30), Attendee(), Cms.Domain.Revocation.Contracts.RevocationReason.Deterioramento, null, cardNeverActivated: true);
        Assert.False(r.CipRequired);
        Assert.Equal("cip-not-required", Assert.Throws<DomainRuleException>(() => r.MarkCipVerified(Now)).Rule);
        Assert.Equal("revocation-form-not-printed", Assert.Throws<DomainRuleException>(() => r.Confirm(Now, true, Guid.NewGuid())).Rule);
        r.MarkFormPrinted(Now);
        Assert.Equal("form-signature-not-acknowledged", Assert.Throws<DomainRuleException>(() => r.Confirm(Now, false, Guid.NewGuid())).Rule);
        r.EnsureCardStillNeverActivated(activatedSince: false);
        Assert.Equal("card-activated-since-request",
            Assert.Throws<DomainRuleException>(() => r.EnsureCardStillNeverActivated(activatedSince: true)).Rule);
        r.Confirm(Now, true, Guid.NewGuid());
        Assert.Equal(Cms.Domain.Requests.RequestStatus.Completed, r.Status);
    }

    [Fact]
    public void Theft_needs_a_police_report_reference_or_a_self_declaration()
    {
        DomainRuleException Fails(Cms.Domain.Revocation.Contracts.LossEvidence? e) => Assert.Throws<DomainRuleException>(() =>
            new Cms.Domain.Revocation.RevocationRequest(Guid.NewGuid(), "80380000900000000001", "RSSMRA80A01H501U", Guid.NewGuid(), "C1", Now,
                TimeSpan.FromMinutes(30), Attendee(), Cms.Domain.Revocation.Contracts.RevocationReason.Furto, e));
        Assert.Equal("loss-evidence-required", Fails(null).Rule);
        Assert.Equal("police-report-reference-required", Fails(new(Cms.Domain.Revocation.Contracts.LossEvidenceKind.PoliceReport, " ")).Rule);
        Assert.Equal("mode-not-allowed", Assert.Throws<DomainRuleException>(() =>
            new Cms.Domain.Revocation.RevocationRequest(Guid.NewGuid(), "80380000900000000001", "RSSMRA80A01H501U", Guid.NewGuid(), "C1", Now,
                TimeSpan.FromMinutes(30), Attendee(Cms.Domain.Requests.RequestMode.HealthDelegation), Cms.Domain.Revocation.Contracts.RevocationReason.Deterioramento,
                null)).Rule);
    }

    [Theory]
    [InlineData(Cms.Domain.Consents.Contracts.ConsentModel.Current, true, true, "feeding-consent-abolished")]
    [InlineData(Cms.Domain.Consents.Contracts.ConsentModel.Legacy, null, true, "feeding-consent-required")]
    [InlineData(Cms.Domain.Consents.Contracts.ConsentModel.Legacy, false, true, "consultation-without-feeding")]
    public void Each_consent_model_has_its_rules(Cms.Domain.Consents.Contracts.ConsentModel model, bool? feeding, bool consultation, string rule)
    {
        var choices = new Cms.Domain.Consents.Contracts.ConsentChoices(true, feeding, consultation, null, Cms.Domain.Consents.Contracts.PastDataChoice.NoRecovery);
        Assert.Equal(rule, Assert.Throws<DomainRuleException>(() => Cms.Domain.Consents.Contracts.ConsentRules.Check(model, choices, true)).Rule);
    }

    [Fact]
    public void The_reader_limit_counts_the_household_when_known_and_yields_to_an_override()
    {
        var household = new Cms.Domain.Readers.ReaderCount(Cms.Domain.Readers.ReaderLimitScope.Household, 0, 1, Now);
        Assert.Equal("reader-already-delivered",
            Assert.Throws<DomainRuleException>(() => Cms.Domain.Readers.ReaderDelivery.EnsureWithinLimit(household, 1, null)).Rule);
        Cms.Domain.Readers.ReaderDelivery.EnsureWithinLimit(household, 1, "lettore guasto");
        Cms.Domain.Readers.ReaderDelivery.EnsureWithinLimit(household, 2, null);
        var perHolder = new Cms.Domain.Readers.ReaderCount(Cms.Domain.Readers.ReaderLimitScope.Holder, 0, 3, Now);
        Cms.Domain.Readers.ReaderDelivery.EnsureWithinLimit(perHolder, 1, null);
        var unknownHousehold = new Cms.Domain.Readers.ReaderCount(Cms.Domain.Readers.ReaderLimitScope.Household, 1, null, Now);
        Assert.Throws<DomainRuleException>(() => Cms.Domain.Readers.ReaderDelivery.EnsureWithinLimit(unknownHousehold, 1, null));
    }
}
