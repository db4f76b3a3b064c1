using Cms.Application.Common.Auditing;
using Cms.Application.Readers.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Readers.ConfirmReaderDelivery;

/// <summary>
/// The delivery is recorded only after the form was printed, with the operator's word that it was read, printed and signed.
/// The household's readers are counted again under a lock, so two counters cannot both hand out its one reader.
/// </summary>
public sealed record ConfirmReaderDeliveryCommand(Guid Id, bool? FormPrintedAndSigned) : ICommand<ReaderDeliveryResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.ReaderDelivery;
}

public sealed class ConfirmReaderDeliveryValidator : AbstractValidator<ConfirmReaderDeliveryCommand>
{
    public ConfirmReaderDeliveryValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class ConfirmReaderDeliveryHandler(ReaderDeliveries deliveries, TimeProvider clock, AuditScope audit)
    : ICommandHandler<ConfirmReaderDeliveryCommand, ReaderDeliveryResponse>
{
    public async ValueTask<ReaderDeliveryResponse> Handle(ConfirmReaderDeliveryCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "confirm";
        var request = await deliveries.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.EnsurePending(now);
        var card = await deliveries.CardAsync(request.CardNumber, cancellationToken);
        ReaderDeliveries.EnsureActive(card);
        await deliveries.LockHouseholdAsync(request.HolderCodiceFiscale, request.HouseholdId, cancellationToken);
        var count = await deliveries.CountAsync(request.HolderCodiceFiscale, request.HouseholdId, cancellationToken);
        request.Confirm(now, command.FormPrintedAndSigned == true, count, deliveries.Rule.Limit);
        audit.Detail = request.OverrideReason is null ? "confirm" : "confirm override";
        return deliveries.Response(request, card, count with { Holder = count.Holder + 1, Household = count.Household + 1, LastDeliveredAt = now }, now,
            "Operazione effettuata correttamente. La registrazione della consegna del lettore è andata a buon fine.");
    }
}
