using Cms.Application.Consents.Common;
using FluentValidation;
using Mediator;

namespace Cms.Application.Consents.GetConsentRequest;

public sealed record GetConsentRequestQuery(Guid Id) : IQuery<ConsentRequestResponse>;

public sealed class GetConsentRequestValidator : AbstractValidator<GetConsentRequestQuery>
{
    public GetConsentRequestValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class GetConsentRequestHandler(ConsentRequests requests, TimeProvider clock) : IQueryHandler<GetConsentRequestQuery, ConsentRequestResponse>
{
    public async ValueTask<ConsentRequestResponse> Handle(GetConsentRequestQuery query, CancellationToken cancellationToken)
    {
        var request = await requests.LoadAsync(query.Id, cancellationToken);
        return await requests.ResponseAsync(request, await requests.CardAsync(request.CardNumber, cancellationToken), clock.GetUtcNow(), cancellationToken);
    }
}
