using Cms.Domain.Consents.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Outbound;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Consents.Common;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Auditing;
using Cms.Domain.Consents;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Consents.GetCardConsents;

/// <summary>The holder's FSE consents — the current version and every earlier one — seen through one of their cards.</summary>
public sealed record GetCardConsentsQuery(string? CardNumber) : IQuery<CardConsents>, IAuditedMessage
{
    public OperationType OperationType => OperationType.HistoryConsultation;
}

public sealed record CardConsents(
    string CardNumber, string HolderCodiceFiscale, ConsentModel ModelInEffect, string ModelLabel, ConsentVersionView? Current,
    IReadOnlyList<ConsentVersionView> History);

public sealed class GetCardConsentsValidator : AbstractValidator<GetCardConsentsQuery>
{
    public GetCardConsentsValidator() => RuleFor(q => q.CardNumber).ValidCardNumber();
}

public sealed class GetCardConsentsHandler(
    IConsentsData db, ICardDirectory cards, ConsentRequests requests, OutboundCalls calls, TimeProvider clock, AuditScope audit)
    : IQueryHandler<GetCardConsentsQuery, CardConsents>
{
    public async ValueTask<CardConsents> Handle(GetCardConsentsQuery query, CancellationToken cancellationToken)
    {
        audit.CardNumber = query.CardNumber;
        audit.Detail = "consents";
        var card = await cards.RequireCardAsync(query.CardNumber!, cancellationToken);
        audit.Touch(card.CardNumber, card.Holder.CodiceFiscale);
        var versions = await db.ConsentVersions.AsNoTracking().Where(v => v.HolderCodiceFiscale == card.Holder.CodiceFiscale)
            .OrderByDescending(v => v.Number).ToListAsync(cancellationToken);
        var sending = await calls.FindManyAsync(versions.Select(v => v.FseCallId), cancellationToken);
        var views = versions.Select(v => ConsentRequests.View(v, sending.GetValueOrDefault(v.FseCallId))).ToList();
        var model = requests.ModelOn(RequestViews.Today(clock.GetUtcNow()));
        return new CardConsents(card.CardNumber, card.Holder.CodiceFiscale, model, ConsentRules.Label(model), views.FirstOrDefault(), views);
    }
}
