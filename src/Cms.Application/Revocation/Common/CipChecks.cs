using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Common;
using Cms.Domain.Revocation;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Revocation.Common;

/// <summary>
/// One try of a card's CIP, at a counter here or asked by a peer region: the card row is locked (tries on one card are
/// counted one after the other), at most 5 wrong tries per card in 24 hours, every try kept; a wrong one is refused keeping
/// the try (the transaction commits it with the refusal).
/// </summary>
public sealed class CipChecks(IRevocationData db, ICardRegistry registry)
{
    public async Task CheckAsync(string cardNumber, Guid requestId, string cip, Guid operatorId, string counterCode, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var matches = await registry.CipMatchesAsync(cardNumber, cip, cancellationToken);
        var since = now - CipAttempt.Window;
        var wrong = await db.CipAttempts.Where(a => a.CardNumber == cardNumber && !a.Succeeded && a.At > since)
            .OrderBy(a => a.At).Select(a => a.At).ToListAsync(cancellationToken);
        if (wrong.Count >= CipAttempt.MaxWrongTries) throw Locked(wrong[^CipAttempt.MaxWrongTries]);

        db.CipAttempts.Add(new CipAttempt(Guid.CreateVersion7(), cardNumber, requestId, operatorId, counterCode, matches, now));
        if (!matches)
        {
            var left = CipAttempt.MaxWrongTries - wrong.Count - 1;
            if (left == 0) throw Locked(wrong.Count == 0 ? now : wrong[^(CipAttempt.MaxWrongTries - 1)]).KeepingWork();
            throw new DomainRuleException("cip-mismatch", $"Il CIP non corrisponde. Tentativi rimasti nelle 24 ore: {left}.")
                .With("remainingAttempts", left).KeepingWork();
        }
    }

    /// <summary>Locked until the oldest wrong try of the window is a day old.</summary>
    private static DomainRuleException Locked(DateTimeOffset oldestCountedTry)
    {
        var until = oldestCountedTry + CipAttempt.Window;
        return new DomainRuleException("cip-locked",
                $"Troppi tentativi errati di verifica del CIP per questa tessera: verifica bloccata fino al {until:yyyy-MM-dd HH:mm} UTC.", RuleKind.Locked)
            .With("lockedUntil", until);
    }
}
