using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Application.Reporting.Common;
using Cms.Application.Reporting.GetCardHistory;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;

namespace Cms.Application.Reporting.GetHolderCards;

public sealed record HolderCardHistory(CardView Card, IReadOnlyList<OperationView> Operations);

public sealed record HolderHistory(HolderView Holder, IReadOnlyList<HolderCardHistory> Cards);

/// <summary>
/// All the cards of a holder, old ones too, each with its operations [T 2.7]. Recorded. A counter operator reads it only after
/// identifying a card of that holder (<see cref="HolderIdentification"/>), checked before the holder is even looked up; auditors always.
/// </summary>
public sealed record GetHolderCardsQuery(string? CodiceFiscale, bool IncludeReads = false) : IQuery<HolderHistory>, IAuditedMessage
{
    public OperationType OperationType => OperationType.HistoryConsultation;
}

public sealed class GetHolderCardsValidator : AbstractValidator<GetHolderCardsQuery>
{
    public GetHolderCardsValidator() => RuleFor(q => q.CodiceFiscale).ValidCodiceFiscale();
}

public sealed class GetHolderCardsHandler(ICmsDbContext db, ICardDirectory directory, HolderIdentification identification, AuditScope audit) : IQueryHandler<GetHolderCardsQuery, HolderHistory>
{
    public async ValueTask<HolderHistory> Handle(GetHolderCardsQuery query, CancellationToken cancellationToken)
    {
        audit.HolderCodiceFiscale = query.CodiceFiscale;
        await identification.EnsureIdentifiedAsync(query.CodiceFiscale!, cancellationToken);
        var found = await directory.FindHolderCardsAsync(query.CodiceFiscale!, cancellationToken)
            ?? throw new DomainRuleException("holder-not-found", "Assistito non presente in banca dati.", RuleKind.NotFound);
        var operations = await HistoryQueries.OperationsOf(db, found.Cards.Select(c => c.CardNumber).ToList(), query.IncludeReads, cancellationToken);
        return new HolderHistory(found.Holder,
            found.Cards.Select(c => new HolderCardHistory(c, operations.GetValueOrDefault(c.CardNumber, []))).ToList());
    }
}
