using Cms.Application.Readers.Common;
using FluentValidation;
using Mediator;

namespace Cms.Application.Readers.GetReaderDelivery;

public sealed record GetReaderDeliveryQuery(Guid Id) : IQuery<ReaderDeliveryResponse>;

public sealed class GetReaderDeliveryValidator : AbstractValidator<GetReaderDeliveryQuery>
{
    public GetReaderDeliveryValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class GetReaderDeliveryHandler(ReaderDeliveries deliveries, TimeProvider clock) : IQueryHandler<GetReaderDeliveryQuery, ReaderDeliveryResponse>
{
    public async ValueTask<ReaderDeliveryResponse> Handle(GetReaderDeliveryQuery query, CancellationToken cancellationToken)
    {
        var request = await deliveries.LoadAsync(query.Id, cancellationToken);
        return deliveries.Response(request, await deliveries.CardAsync(request.CardNumber, cancellationToken),
            await deliveries.CountAsync(request.HolderCodiceFiscale, request.HouseholdId, cancellationToken), clock.GetUtcNow());
    }
}
