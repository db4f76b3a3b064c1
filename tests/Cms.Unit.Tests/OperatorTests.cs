using Cms.Application.Administration.Common;
using Cms.Domain.Administration;

namespace Cms.Unit.Tests;

public class OperatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static Operator NewOperator() =>
        new(Guid.NewGuid(), "RSSMRA80A01H501U", "Mario", "Rossi", "090-201-AS001", [Role.Operator], true, "hash", Now.AddDays(-10));

    [Fact]
    public void Five_wrong_passwords_lock_the_account_for_fifteen_minutes()
    {
        var op = NewOperator();
        for (var i = 0; i < 4; i++) op.RecordFailedSignIn(Now);
        Assert.False(op.IsLockedAt(Now));
        op.RecordFailedSignIn(Now);
        Assert.True(op.IsLockedAt(Now));
        Assert.True(op.IsLockedAt(Now.AddMinutes(14)));
        Assert.False(op.IsLockedAt(Now.AddMinutes(15)));
    }

    [Fact]
    public void After_the_lockout_the_count_starts_again()
    {
        var op = NewOperator();
        for (var i = 0; i < 5; i++) op.RecordFailedSignIn(Now);
        op.RecordFailedSignIn(Now.AddMinutes(16));
        Assert.False(op.IsLockedAt(Now.AddMinutes(16)));
        Assert.Equal(1, op.FailedSignIns);
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
