using Cms.Application.Common.Abstractions;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Identification.Contracts;

/// <summary>Changes of a card's state that other modules ask for, inside their own transaction.</summary>
public interface ICardRegistry
{
    /// <summary>
    /// Locks the card row, checks it is NOT_ACTIVE and not expired, makes it ACTIVE and returns its codes.
    /// A second activation racing this one waits for the lock, then finds the card active (409).
    /// </summary>
    Task<CardCodes> ActivateAsync(string cardNumber, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Locks the card row, checks it is ACTIVE and returns its codes, to release them again.</summary>
    Task<CardCodes> ReleaseAgainAsync(string cardNumber, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The card's codes, for a release already recorded (its printout); callers print only the first halves.</summary>
    Task<CardCodes> ReadCodesAsync(string cardNumber, CancellationToken cancellationToken);

    /// <summary>
    /// Locks the card row (so that tries on one card are counted one after the other) and compares the CIP given with the
    /// card's in constant time. The caller counts and records the try in the same transaction.
    /// </summary>
    Task<bool> CipMatchesAsync(string cardNumber, string cip, CancellationToken cancellationToken);

    /// <summary>Locks the card row and moves it to its new state (REVOKED, SUSPENDED or ACTIVE again), checking it may.</summary>
    /// <param name="check">Checked against the card's state once its row is locked, before the transition (a rule that must see the
    /// state no other transaction can change meanwhile).</param>
    Task ChangeStateAsync(string cardNumber, CardTransition transition, DateTimeOffset now, CancellationToken cancellationToken,
        Action<CardState>? check = null);

    /// <summary>
    /// Locks the card row until the caller's transaction ends and answers its state that day: a revocation or suspension racing the
    /// caller waits for it, and the caller sees the state no other transaction can change meanwhile.
    /// </summary>
    Task<CardState> LockStateAsync(string cardNumber, DateTimeOffset now, CancellationToken cancellationToken);
}

public enum CardTransition
{
    Revoke,
    Suspend,
    Reactivate,
}

internal sealed class CardRegistry(IIdentificationData db, ICodeCipher cipher) : ICardRegistry
{
    /// <summary>The card's row, read and locked (until the command's transaction ends) by one statement.</summary>
    private IQueryable<Card> Locked(string cardNumber) => db.ForUpdate<Card>(c => c.CardNumber == cardNumber);

    public async Task<CardCodes> ActivateAsync(string cardNumber, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var card = await Locked(cardNumber).SingleOrDefaultAsync(cancellationToken) ?? throw CardNotFound.Error();
        card.Activate(now);
        return cipher.Open(card.CardNumber, card.HeldCodes());
    }

    public async Task<CardCodes> ReleaseAgainAsync(string cardNumber, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var card = await Locked(cardNumber).AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? throw CardNotFound.Error();
        Card.EnsureReprintable(card.StateOn(DateOnly.FromDateTime(now.UtcDateTime)));
        return cipher.Open(card.CardNumber, card.HeldCodes());
    }

    public async Task<bool> CipMatchesAsync(string cardNumber, string cip, CancellationToken cancellationToken)
    {
        var card = await Locked(cardNumber).AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? throw CardNotFound.Error();
        var codes = cipher.Open(card.CardNumber, card.HeldCodes());
        // Hashing first makes both sides the same length, so neither the length nor the first wrong digit shows in the timing.
        var given = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(cip));
        var stored = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(codes.Cip));
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(given, stored);
    }

    public async Task<CardState> LockStateAsync(string cardNumber, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var card = await Locked(cardNumber).AsNoTracking().SingleOrDefaultAsync(cancellationToken) ?? throw CardNotFound.Error();
        return card.StateOn(DateOnly.FromDateTime(now.UtcDateTime));
    }

    public async Task ChangeStateAsync(string cardNumber, CardTransition transition, DateTimeOffset now, CancellationToken cancellationToken,
        Action<CardState>? check = null)
    {
        var card = await Locked(cardNumber).SingleOrDefaultAsync(cancellationToken) ?? throw CardNotFound.Error();
        check?.Invoke(card.State);
        switch (transition)
        {
            case CardTransition.Revoke: card.Revoke(now); break;
            case CardTransition.Suspend: card.Suspend(now); break;
            default: card.Reactivate(now); break;
        }
    }

    public async Task<CardCodes> ReadCodesAsync(string cardNumber, CancellationToken cancellationToken)
    {
        var card = await db.Cards.AsNoTracking().SingleOrDefaultAsync(c => c.CardNumber == cardNumber, cancellationToken)
            ?? throw CardNotFound.Error();
        return cipher.Open(card.CardNumber, card.HeldCodes());
    }
}
