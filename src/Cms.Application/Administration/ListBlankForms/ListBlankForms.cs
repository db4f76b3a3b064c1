using Cms.Application.Common.Documents;
using FluentValidation;
using Mediator;

namespace Cms.Application.Administration.ListBlankForms;

/// <summary>The blank forms of the Modulistica.</summary>
public sealed record ListBlankFormsQuery : IQuery<IReadOnlyList<BlankFormInfo>>;

public sealed class ListBlankFormsValidator : AbstractValidator<ListBlankFormsQuery>;

public sealed class ListBlankFormsHandler : IQueryHandler<ListBlankFormsQuery, IReadOnlyList<BlankFormInfo>>
{
    public ValueTask<IReadOnlyList<BlankFormInfo>> Handle(ListBlankFormsQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(BlankForms.All);
}

