using Cms.Application.Delivery;
using Cms.Application.Common.Abstractions;
using Cms.Domain.Common;
using Cms.Domain.Delivery;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Activation.GetDelivery;

public sealed record DeliveryStatusView(
    Guid Id, DeliveryChannel Channel, string Recipient, string Purpose, DeliveryStatus Status, int Attempts, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? SentAt);

/// <summary>Where the message with the second halves is: queued, sending, sent, or failed with its last error.</summary>
public sealed record GetDeliveryQuery(Guid Id) : IQuery<DeliveryStatusView>;

public sealed class GetDeliveryValidator : AbstractValidator<GetDeliveryQuery>
{
    public GetDeliveryValidator() => RuleFor(q => q.Id).NotEmpty();
}

public sealed class GetDeliveryHandler(ICmsDbContext db) : IQueryHandler<GetDeliveryQuery, DeliveryStatusView>
{
    public async ValueTask<DeliveryStatusView> Handle(GetDeliveryQuery query, CancellationToken cancellationToken)
    {
        var m = await db.CodeMessages.AsNoTracking().SingleOrDefaultAsync(x => x.Id == query.Id, cancellationToken)
            ?? throw new DomainRuleException("delivery-not-found", "Invio non trovato.", RuleKind.NotFound);
        return new DeliveryStatusView(m.Id, m.Channel, Mask(m.Recipient), m.Purpose, m.Status, m.Attempts, m.LastError, m.CreatedAt,
            m.Status is DeliveryStatus.Queued ? m.NextAttemptAt : null, m.SentAt);
    }

    /// <summary>m****@example.it, +39333****567: enough to recognise it, not to harvest it.</summary>
    public static string Mask(string recipient) => RecipientMask.Mask(recipient);
}
