using Cms.Application.Administration.Common;
using Cms.Application.Common.Abstractions;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.ListOperators;

public sealed record ListOperatorsQuery(string? CounterCode) : IQuery<IReadOnlyList<OperatorDto>>;

public sealed class ListOperatorsValidator : AbstractValidator<ListOperatorsQuery>
{
    public ListOperatorsValidator() => RuleFor(q => q.CounterCode).MaximumLength(40);
}

public sealed class ListOperatorsHandler(IAdministrationData db) : IQueryHandler<ListOperatorsQuery, IReadOnlyList<OperatorDto>>
{
    public async ValueTask<IReadOnlyList<OperatorDto>> Handle(ListOperatorsQuery query, CancellationToken cancellationToken)
    {
        var operators = db.Operators.AsNoTracking();
        if (query.CounterCode is not null) operators = operators.Where(o => o.CounterCode == query.CounterCode);
        var list = await operators.OrderBy(o => o.Surname).ThenBy(o => o.GivenName).ToListAsync(cancellationToken);
        return list.Select(OperatorDto.From).ToList();
    }
}
