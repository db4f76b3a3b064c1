using Cms.Application.Interop.Common;
using FluentValidation;
using Mediator;

namespace Cms.Application.Interop.GetInteropRequest;

/// <summary>Where an interop request stands: queued, sent (with attempts and the next one), completed, failed with the peer's reason.</summary>
public sealed record GetInteropRequestQuery(Guid Id) : IQuery<InteropRequestView>;

public sealed class GetInteropRequestValidator : AbstractValidator<GetInteropRequestQuery>
{
    public GetInteropRequestValidator() => RuleFor(q => q.Id).NotEmpty();
}

public sealed class GetInteropRequestHandler(InteropRequests requests, TimeProvider clock) : IQueryHandler<GetInteropRequestQuery, InteropRequestView>
{
    public async ValueTask<InteropRequestView> Handle(GetInteropRequestQuery query, CancellationToken cancellationToken) =>
        requests.View(await requests.LoadAsync(query.Id, cancellationToken), clock.GetUtcNow());
}
