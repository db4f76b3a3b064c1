using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Application.Reporting.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Reporting.GetCardHistory;

public sealed record CardHistory(CardView Card, IReadOnlyList<OperationView> Operations);

/// <summary>
/// The operations of one card [T 2.7]. Reading it is itself recorded. A counter operator reads it only after identifying a card
/// of its holder (<see cref="HolderIdentification"/>); auditors always.
/// </summary>
public sealed record GetCardHistoryQuery(string? CardNumber, bool IncludeReads = false) : IQuery<CardHistory>, IAuditedMessage
{
    public OperationType OperationType => OperationType.HistoryConsultation;
}

public sealed class GetCardHistoryValidator : AbstractValidator<GetCardHistoryQuery>
{
    public GetCardHistoryValidator() => RuleFor(q => q.CardNumber).ValidCardNumber();
}

public sealed class GetCardHistoryHandler(ICmsDbContext db, ICardDirectory cards, HolderIdentification identification, AuditScope audit) : IQueryHandler<GetCardHistoryQuery, CardHistory>
{
    public async ValueTask<CardHistory> Handle(GetCardHistoryQuery query, CancellationToken cancellationToken)
    {
        audit.CardNumber = query.CardNumber;
        var card = await cards.RequireCardAsync(query.CardNumber!, cancellationToken);
        audit.Touch(card.CardNumber, card.Holder.CodiceFiscale);
        await identification.EnsureIdentifiedAsync(card.Holder.CodiceFiscale, cancellationToken);
        var operations = await HistoryQueries.OperationsOf(db, [card.CardNumber], query.IncludeReads, cancellationToken);
        return new CardHistory(card, operations.GetValueOrDefault(card.CardNumber, []));
    }
}

internal static class HistoryQueries
{
    public static async Task<Dictionary<string, List<OperationView>>> OperationsOf(
        ICmsDbContext db, IReadOnlyCollection<string> cardNumbers, bool includeReads, CancellationToken cancellationToken)
    {
        var entries = db.Operations.AsNoTracking().Where(o => o.CardNumber != null && cardNumbers.Contains(o.CardNumber));
        if (!includeReads)
            entries = entries.Where(o => o.Type != OperationType.Identification && o.Type != OperationType.HistoryConsultation);
        var list = await entries.OrderByDescending(o => o.Sequence).Take(5000).ToListAsync(cancellationToken);
        // Newest first by date: operations imported from a previous CMS (decision 0039) are written after Cms's own but happened before.
        return list.OrderByDescending(o => o.OccurredAt).ThenByDescending(o => o.Sequence)
            .GroupBy(o => o.CardNumber!).ToDictionary(g => g.Key, g => g.Select(OperationView.From).ToList());
    }
}
