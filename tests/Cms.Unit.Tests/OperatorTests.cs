using Cms.Domain.Common;
using Cms.Application.Administration.Common;
using Cms.Domain.Administration;

namespace Cms.Unit.Tests;

public class OperatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static Operator NewOperator() =>
        new(Guid.NewGuid(), "RSSMRA80A01H501U", "Mario", "Rossi", "090-201-AS001", [Role.Operator], true, "hash", Now.AddDays(-10));

    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1), Max = TimeSpan.FromMinutes(15), Forget = TimeSpan.FromHours(24);

    [Fact]
    public void Five_wrong_passwords_from_one_address_make_the_pair_wait_one_second_then_doubling_up_to_the_maximum()
    {
        var pair = new SignInThrottle(new string('a', 64));
        for (var i = 0; i < 4; i++) pair.RecordFailure(Now, 5, Second, Max, Forget);
        Assert.False(pair.IsWaitingAt(Now));
        pair.RecordFailure(Now, 5, Second, Max, Forget);
        Assert.True(pair.IsWaitingAt(Now));
        Assert.Equal(Now + Second, pair.WaitUntil);
        pair.RecordFailure(Now.AddSeconds(2), 5, Second, Max, Forget);
        Assert.Equal(Now.AddSeconds(2 + 2), pair.WaitUntil);
        pair.RecordFailure(Now.AddSeconds(10), 5, Second, Max, Forget);
        Assert.Equal(Now.AddSeconds(10 + 4), pair.WaitUntil);
        for (var i = 0; i < 30; i++) pair.RecordFailure(Now.AddHours(1), 5, Second, Max, Forget);
        Assert.Equal(Now.AddHours(1) + Max, pair.WaitUntil);
    }

    [Fact]
    public void A_pair_quiet_for_longer_than_the_memory_of_the_back_off_starts_again()
    {
        var pair = new SignInThrottle(new string('b', 64));
        for (var i = 0; i < 6; i++) pair.RecordFailure(Now, 5, Second, Max, Forget);
        pair.RecordFailure(Now.AddHours(25), 5, Second, Max, Forget);
        Assert.False(pair.IsWaitingAt(Now.AddHours(25)));
        Assert.Equal(1, pair.Failures);
    }

    [Fact]
    public void Passwords_expire_after_the_configured_age()
    {
        var op = NewOperator();
        Assert.False(op.PasswordExpiredAt(Now, TimeSpan.FromDays(90)));
        Assert.True(op.PasswordExpiredAt(Now.AddDays(81), TimeSpan.FromDays(90)));
    }

    [Theory]
    [InlineData("short1!A", "almeno")]
    [InlineData("alllowercaseletters", "tre tra")]
    [InlineData("Xrssmra80a01h501u!", "codice fiscale")]
    public void Weak_passwords_are_refused(string password, string reason) =>
        Assert.Contains(reason, PasswordPolicy.Problem(password, "RSSMRA80A01H501U"));

    [Fact]
    public void A_long_mixed_password_is_accepted() => Assert.Null(PasswordPolicy.Problem("Correct-Horse-42", "RSSMRA80A01H501U"));
}
