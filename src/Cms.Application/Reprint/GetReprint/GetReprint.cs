using Cms.Application.Reprint.Common;
using FluentValidation;
using Mediator;

namespace Cms.Application.Reprint.GetReprint;

public sealed record GetReprintQuery(Guid Id) : IQuery<ReprintResponse>;

public sealed class GetReprintValidator : AbstractValidator<GetReprintQuery>
{
    public GetReprintValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class GetReprintHandler(ReprintRequests requests, TimeProvider clock) : IQueryHandler<GetReprintQuery, ReprintResponse>
{
    public async ValueTask<ReprintResponse> Handle(GetReprintQuery query, CancellationToken cancellationToken)
    {
        var request = await requests.LoadAsync(query.Id, cancellationToken);
        return requests.Response(request, await requests.CardAsync(request.CardNumber, cancellationToken), clock.GetUtcNow());
    }
}
