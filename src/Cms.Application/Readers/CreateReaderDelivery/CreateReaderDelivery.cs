using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Readers.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Readers;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Readers.CreateReaderDelivery;

/// <summary>
/// Step one of a reader delivery [T 2.6]: an active card; the answer shows the readers the holder and the household already
/// received and the last date. Beyond the region's limit (one per household) only with an override and its reason.
/// </summary>
public sealed record CreateReaderDeliveryCommand(string? CardNumber, string? OverrideReason, string? ReaderSerial)
    : ICommand<ReaderDeliveryResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.ReaderDelivery;
}

public sealed class CreateReaderDeliveryValidator : AbstractValidator<CreateReaderDeliveryCommand>
{
    public CreateReaderDeliveryValidator()
    {
        RuleFor(c => c.CardNumber).ValidCardNumber();
        RuleFor(c => c.OverrideReason).MaximumLength(300);
        RuleFor(c => c.ReaderSerial).MaximumLength(60);
    }
}

public sealed class CreateReaderDeliveryHandler(
    IReadersData db, ReaderDeliveries deliveries, ICurrentUser user, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CreateReaderDeliveryCommand, ReaderDeliveryResponse>
{
    public async ValueTask<ReaderDeliveryResponse> Handle(CreateReaderDeliveryCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.CardNumber = command.CardNumber;
        audit.Detail = "create";
        var card = await deliveries.CardAsync(command.CardNumber!, cancellationToken);
        audit.Touch(card.CardNumber, card.Holder.CodiceFiscale);
        ReaderDeliveries.EnsureActive(card);
        var count = await deliveries.CountAsync(card.Holder.CodiceFiscale, card.Holder.HouseholdId, cancellationToken);
        ReaderDelivery.EnsureWithinLimit(count, deliveries.Rule.Limit, command.OverrideReason);
        var request = new ReaderDelivery(Guid.CreateVersion7(), card.CardNumber, card.Holder.CodiceFiscale, card.Holder.HouseholdId,
            user.OperatorId!.Value, user.CounterCode!, now, RequestViews.PendingFor(options.Value), command.OverrideReason, command.ReaderSerial);
        db.ReaderDeliveries.Add(request);
        audit.RequestId = request.Id.ToString();
        audit.Detail = request.OverrideReason is null ? "create" : "create override";
        return deliveries.Response(request, card, count, now, count.Message);
    }
}
