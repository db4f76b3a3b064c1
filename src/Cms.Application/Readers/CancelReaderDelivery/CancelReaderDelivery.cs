using Cms.Application.Common.Auditing;
using Cms.Application.Requests;
using Cms.Application.Readers.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Readers.CancelReaderDelivery;

public sealed record CancelReaderDeliveryCommand(Guid Id) : ICommand<ReaderDeliveryResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.ReaderDelivery;
}

public sealed class CancelReaderDeliveryValidator : AbstractValidator<CancelReaderDeliveryCommand>
{
    public CancelReaderDeliveryValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class CancelReaderDeliveryHandler(ReaderDeliveries deliveries, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CancelReaderDeliveryCommand, ReaderDeliveryResponse>
{
    public async ValueTask<ReaderDeliveryResponse> Handle(CancelReaderDeliveryCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var request = await CounterRequestSteps.CancelAsync(audit, deliveries.LoadAsync, command.Id, now, cancellationToken);
        return deliveries.Response(request, await deliveries.CardAsync(request.CardNumber, cancellationToken),
            await deliveries.CountAsync(request.HolderCodiceFiscale, request.HouseholdId, cancellationToken), now);
    }
}
