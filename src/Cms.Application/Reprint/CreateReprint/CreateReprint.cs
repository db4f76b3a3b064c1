using Cms.Domain.Reprint.Contracts;
using Cms.Domain.Identification.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Application.Reprint.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Identification;
using Cms.Domain.Reprint;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Reprint.CreateReprint;

/// <summary>Step one of a reprint of PIN/PUK [M 2.5, T 2.4]: checks every rule and answers a summary with the warning.</summary>
public sealed record CreateReprintCommand(
    string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
    DeliveryInput? Delivery, bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, ReprintReason? Reason, string? ReasonNote,
    string? OutsideHealthAuthorityReason = null, SpecialCasesInput? SpecialCases = null, ChipData? DelegateCard = null)
    : ICommand<ReprintResponse>, IAuditedMessage, IReprintInput, IDelegateCardInput
{
    public OperationType OperationType => OperationType.Reprint;
}

public sealed class CreateReprintValidator : AbstractValidator<CreateReprintCommand>
{
    public CreateReprintValidator()
    {
        RuleFor(c => c.CardNumber).ValidCardNumber();
        PeopleInputRules.Apply(this);
        DelegateCards.Rules(this);
        ReprintInputRules.Apply(this);
    }
}

public sealed class CreateReprintHandler(
    IReprintData db, ReprintRequests requests, DelegateCards delegateCards, ICurrentUser user, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CreateReprintCommand, ReprintResponse>
{
    public async ValueTask<ReprintResponse> Handle(CreateReprintCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.CardNumber = command.CardNumber;
        audit.Detail = "create";
        var card = await requests.CardAsync(command.CardNumber!, cancellationToken);
        audit.Touch(card.CardNumber, card.Holder.CodiceFiscale);
        CardRules.EnsureReprintable(card.State);
        var people = await delegateCards.ResolveAsync(PeopleInputRules.ToDetails(command), command.DelegateCard, card, null, cancellationToken);
        PeopleRules.Check(people, card.Holder.CodiceFiscale, card.Holder.Minor, RequestViews.Today(now),
            options.Value.Documents.SpecialCases, card.Holder.BirthDate);
        var request = new ReprintRequest(Guid.CreateVersion7(), card.CardNumber, card.Holder.CodiceFiscale, user.OperatorId!.Value,
            user.CounterCode!, now, RequestViews.PendingFor(options.Value), people, command.Reason!.Value, command.ReasonNote,
            ReprintInputRules.Place(card, command.OutsideHealthAuthorityReason));
        db.ReprintRequests.Add(request);
        audit.RequestId = request.Id.ToString();
        audit.Detail = "create" + ReprintInputRules.AuditSuffix(request) + DelegateCards.AuditSuffix(request.Delegate);
        return requests.Response(request, card, now);
    }
}
