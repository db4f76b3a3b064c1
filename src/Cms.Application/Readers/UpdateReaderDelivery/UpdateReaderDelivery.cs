using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Readers.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Readers;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Readers.UpdateReaderDelivery;

/// <summary>Changes the override reason or the reader's serial of a pending delivery; the form must be printed again.</summary>
public sealed record UpdateReaderDeliveryCommand(Guid Id, string? OverrideReason, string? ReaderSerial) : ICommand<ReaderDeliveryResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.ReaderDelivery;
}

public sealed class UpdateReaderDeliveryValidator : AbstractValidator<UpdateReaderDeliveryCommand>
{
    public UpdateReaderDeliveryValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        RuleFor(c => c.OverrideReason).MaximumLength(300);
        RuleFor(c => c.ReaderSerial).MaximumLength(60);
    }
}

public sealed class UpdateReaderDeliveryHandler(ReaderDeliveries deliveries, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit)
    : ICommandHandler<UpdateReaderDeliveryCommand, ReaderDeliveryResponse>
{
    public async ValueTask<ReaderDeliveryResponse> Handle(UpdateReaderDeliveryCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "modify";
        var request = await deliveries.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.EnsurePending(now);
        var card = await deliveries.CardAsync(request.CardNumber, cancellationToken);
        ReaderDeliveries.EnsureActive(card);
        var count = await deliveries.CountAsync(request.HolderCodiceFiscale, request.HouseholdId, cancellationToken);
        ReaderDelivery.EnsureWithinLimit(count, deliveries.Rule.Limit, command.OverrideReason);
        request.Modify(command.OverrideReason, command.ReaderSerial, now, RequestViews.PendingFor(options.Value));
        return deliveries.Response(request, card, count, now);
    }
}
