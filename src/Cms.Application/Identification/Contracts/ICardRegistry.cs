using Cms.Application.Common.Abstractions;
using Cms.Domain.Common;
using Cms.Domain.Identification;
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
}

internal sealed class CardRegistry(ICmsDbContext db, ICodeCipher cipher) : ICardRegistry
{
    public async Task<CardCodes> ActivateAsync(string cardNumber, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The cast keeps the primary-key index in use (a text parameter against character(20) would scan the table).
        await db.LockAsync($"SELECT 1 FROM identification.cards WHERE card_number = CAST({cardNumber} AS character(20)) FOR UPDATE", cancellationToken);
        var card = await db.Cards.SingleOrDefaultAsync(c => c.CardNumber == cardNumber, cancellationToken)
            ?? throw CardNotFound.Error();
        card.Activate(now);
        return cipher.Open(card.CardNumber, card.Codes);
    }

    public async Task<CardCodes> ReleaseAgainAsync(string cardNumber, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.LockAsync($"SELECT 1 FROM identification.cards WHERE card_number = CAST({cardNumber} AS character(20)) FOR UPDATE", cancellationToken);
        var card = await db.Cards.AsNoTracking().SingleOrDefaultAsync(c => c.CardNumber == cardNumber, cancellationToken)
            ?? throw CardNotFound.Error();
        Card.EnsureReprintable(card.StateOn(DateOnly.FromDateTime(now.UtcDateTime)));
        return cipher.Open(card.CardNumber, card.Codes);
    }

    public async Task<CardCodes> ReadCodesAsync(string cardNumber, CancellationToken cancellationToken)
    {
        var card = await db.Cards.AsNoTracking().SingleOrDefaultAsync(c => c.CardNumber == cardNumber, cancellationToken)
            ?? throw CardNotFound.Error();
        return cipher.Open(card.CardNumber, card.Codes);
    }
}
