using Cms.Domain.Common;
using System.Text;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Domain.Administration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Administration.Common;

/// <summary>
/// The back-off of wrong passwords per (user name, source address) pair (decision 0031). The user name is the codice fiscale
/// as typed (normalised), known to Cms or not: an unknown one goes the same way as an operator's, so neither the answer nor
/// the work done tells them apart. The pair is found by a keyed digest
/// (<see cref="IKeyedDigest"/>, any key of the ring, so a rotation forgets nothing), and work on one pair is serialised by an
/// advisory lock, so that two wrong tries at once are both counted.
/// </summary>
public sealed class SignInThrottles(IAdministrationData db, IKeyedDigest digest, ICurrentUser user, IOptions<CmsOptions> options, TimeProvider clock)
{
    private const string Purpose = "sign-in throttle";

    /// <summary>The caller's address, as the API saw it (or the web UI's client, from the UI host only).</summary>
    public string SourceAddress => Cms.Domain.Common.AddressBucket.Of(user.ClientAddress);

    /// <summary>The pair of this user name and the caller's address, locked until the command ends (null when it has no failure).</summary>
    private async Task<(string Key, SignInThrottle? Throttle)> FindAsync(string? codiceFiscale, CancellationToken cancellationToken)
    {
        var data = Encoding.UTF8.GetBytes($"{codiceFiscale}|{SourceAddress}");
        var keys = digest.ComputeAll(data, Purpose).ToArray();
        await db.LockKeyAsync("sign-in-throttle:" + keys[0], cancellationToken);
        var throttle = await db.SignInThrottles.Where(t => keys.Contains(t.Key)).OrderByDescending(t => t.LastFailureAt)
            .FirstOrDefaultAsync(cancellationToken);
        return (keys[0], throttle);
    }

    /// <summary>Whether this pair must still wait: then no password is checked.</summary>
    public async Task<bool> IsWaitingAsync(string? codiceFiscale, CancellationToken cancellationToken)
    {
        var (_, throttle) = await FindAsync(codiceFiscale, cancellationToken);
        return throttle?.IsWaitingAt(clock.GetUtcNow()) == true;
    }

    /// <summary>Counts a wrong password for this pair.</summary>
    public async Task RecordFailureAsync(string? codiceFiscale, CancellationToken cancellationToken)
    {
        var (key, throttle) = await FindAsync(codiceFiscale, cancellationToken);
        if (throttle is null)
        {
            throttle = new SignInThrottle(key);
            db.SignInThrottles.Add(throttle);
        }
        var o = options.Value.SignIn;
        var now = clock.GetUtcNow();
        // Pairs quiet for longer than the memory of the back-off are of no use any more.
        var forgotten = now - TimeSpan.FromHours(o.ForgetAfterHours);
        var kept = throttle.Key;
        await db.SignInThrottles.Where(t => t.LastFailureAt < forgotten && (t.WaitUntil == null || t.WaitUntil < now) && t.Key != kept)
            .ExecuteDeleteAsync(cancellationToken);
        throttle.RecordFailure(now, o.FreeFailures, TimeSpan.FromSeconds(o.FirstWaitSeconds), TimeSpan.FromSeconds(o.MaxWaitSeconds),
            TimeSpan.FromHours(o.ForgetAfterHours));
    }

    /// <summary>A right password clears the pair.</summary>
    public async Task ClearAsync(string? codiceFiscale, CancellationToken cancellationToken)
    {
        var (_, throttle) = await FindAsync(codiceFiscale, cancellationToken);
        if (throttle is not null) db.SignInThrottles.Remove(throttle);
    }
}
