using Cms.Domain.Common;

namespace Cms.Domain.Administration;

/// <summary>
/// Wrong passwords of one account from one source address (decision 0031). After <c>freeFailures</c> in a row the pair waits,
/// <c>firstWait</c> after the first of them and twice as long after each next one, up to <c>maxWait</c>; during the wait no
/// password is checked. The same account from another address is not held back, so nobody can lock an operator out on
/// purpose. The pair is known only by a keyed digest of the user name and the address: the table holds neither in clear.
/// </summary>
public sealed class SignInThrottle
{
    private SignInThrottle() { }

    public SignInThrottle(string key) => Key = key;

    /// <summary>Keyed digest (HMAC-SHA256, 64 hex digits) of the user name (codice fiscale) and the source address.</summary>
    public string Key { get; private set; } = null!;
    public int Failures { get; private set; }
    public DateTimeOffset LastFailureAt { get; private set; }
    /// <summary>Until when the pair's next try is refused without checking the password.</summary>
    public DateTimeOffset? WaitUntil { get; private set; }

    public bool IsWaitingAt(DateTimeOffset now) => WaitUntil is { } until && until > now;

    /// <summary>
    /// Counts a wrong password. A pair quiet for <paramref name="forgetAfter"/> starts again from zero; from the
    /// <paramref name="freeFailures"/>-th failure on, the pair waits <paramref name="firstWait"/> doubled for each further one,
    /// at most <paramref name="maxWait"/>.
    /// </summary>
    public void RecordFailure(DateTimeOffset now, int freeFailures, TimeSpan firstWait, TimeSpan maxWait, TimeSpan forgetAfter)
    {
        if (Failures > 0 && now - LastFailureAt > forgetAfter && !IsWaitingAt(now)) Failures = 0;
        Failures++;
        LastFailureAt = now;
        if (Failures < freeFailures) return;
        var doublings = Math.Min(Failures - freeFailures, 40);
        var wait = TimeSpan.FromTicks((long)Math.Min(firstWait.Ticks * Math.Pow(2, doublings), maxWait.Ticks));
        WaitUntil = now + wait;
    }
}
