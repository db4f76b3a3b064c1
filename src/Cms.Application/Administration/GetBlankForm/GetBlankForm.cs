using Cms.Application.Common.Documents;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Administration.GetBlankForm;

/// <summary>A blank form as PDF, with the operator's counter, the date and time.</summary>
public sealed record GetBlankFormQuery(string? Name) : IQuery<RenderedDocument>;

public sealed class GetBlankFormValidator : AbstractValidator<GetBlankFormQuery>
{
    public GetBlankFormValidator() => RuleFor(q => q.Name).NotEmpty().MaximumLength(60);
}

public sealed class GetBlankFormHandler(Administration.Contracts.IAdministrationDirectory administration, ICurrentUser user, IBlankFormRenderer renderer, IOptions<CmsOptions> options, TimeProvider clock)
    : IQueryHandler<GetBlankFormQuery, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(GetBlankFormQuery query, CancellationToken cancellationToken)
    {
        if (BlankForms.All.All(f => f.Name != query.Name))
            throw new DomainRuleException("form-not-found", $"Modulo '{query.Name}' inesistente.", RuleKind.NotFound)
                .With("available", BlankForms.All.Select(f => f.Name).ToList());
        var counterName = user.CounterCode is null ? null
            : await administration.CounterNameAsync(user.CounterCode, cancellationToken);
        var region = options.Value.Issuers.GetValueOrDefault(options.Value.Region, options.Value.Region);
        var model = new BlankFormModel(user.CounterCode, counterName, region, clock.GetUtcNow());
        return new RenderedDocument($"{query.Name}.pdf", renderer.BlankForm(query.Name!, model));
    }
}
