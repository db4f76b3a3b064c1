using Cms.Application.Activation.Common;
using FluentValidation;
using Mediator;

namespace Cms.Application.Activation.GetActivation;

public sealed record GetActivationQuery(Guid Id) : IQuery<ActivationResponse>;

public sealed class GetActivationValidator : AbstractValidator<GetActivationQuery>
{
    public GetActivationValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class GetActivationHandler(ActivationRequests requests, TimeProvider clock) : IQueryHandler<GetActivationQuery, ActivationResponse>
{
    public async ValueTask<ActivationResponse> Handle(GetActivationQuery query, CancellationToken cancellationToken)
    {
        var request = await requests.LoadAsync(query.Id, cancellationToken);
        var card = await requests.CardAsync(request.CardNumber, cancellationToken);
        return requests.Response(request, card, clock.GetUtcNow());
    }
}
