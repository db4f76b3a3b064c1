using Cms.Application.Administration.Common;
using Cms.Application.Common.Abstractions;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Administration.ListCounters;

public sealed record ListCountersQuery(string? Region) : IQuery<IReadOnlyList<CounterDto>>;

public sealed class ListCountersValidator : AbstractValidator<ListCountersQuery>
{
    public ListCountersValidator() => RuleFor(q => q.Region).Matches("^[0-9]{3}$").When(q => q.Region is not null);
}

public sealed class ListCountersHandler(IAdministrationData db) : IQueryHandler<ListCountersQuery, IReadOnlyList<CounterDto>>
{
    public async ValueTask<IReadOnlyList<CounterDto>> Handle(ListCountersQuery query, CancellationToken cancellationToken)
    {
        var counters = db.Counters.AsNoTracking();
        if (query.Region is not null) counters = counters.Where(c => c.Region == query.Region);
        var list = await counters.OrderBy(c => c.Code).ToListAsync(cancellationToken);
        return list.Select(CounterDto.From).ToList();
    }
}
