using Cms.Domain.Identification.Contracts;
using Cms.Application.Activation.Common;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Activation;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Activation.CreateActivation;

/// <summary>Step one of an activation: checks every rule and answers a summary; nothing changes on the card yet.</summary>
public sealed record CreateActivationCommand(
    string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
    DeliveryInput? Delivery, bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, SpecialCasesInput? SpecialCases = null, ChipData? DelegateCard = null)
    : ICommand<ActivationResponse>, IAuditedMessage, IActivationInput, IDelegateCardInput
{
    public OperationType OperationType => OperationType.Activation;
}

public sealed class CreateActivationValidator : AbstractValidator<CreateActivationCommand>
{
    public CreateActivationValidator()
    {
        RuleFor(c => c.CardNumber).ValidCardNumber();
        PeopleInputRules.Apply(this);
        DelegateCards.Rules(this);
    }
}

public sealed class CreateActivationHandler(
    IActivationData db, ActivationRequests requests, DelegateCards delegateCards, ICurrentUser user, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CreateActivationCommand, ActivationResponse>
{
    public async ValueTask<ActivationResponse> Handle(CreateActivationCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.CardNumber = command.CardNumber;
        audit.Detail = "create";
        var card = await requests.CardAsync(command.CardNumber!, cancellationToken);
        audit.Touch(card.CardNumber, card.Holder.CodiceFiscale);
        CardRules.EnsureActivatable(card.State);
        var details = await delegateCards.ResolveAsync(PeopleInputRules.ToDetails(command), command.DelegateCard, card, null, cancellationToken);
        PeopleRules.Check(details, card.Holder.CodiceFiscale, card.Holder.Minor, RequestViews.Today(now),
            options.Value.Documents.SpecialCases, card.Holder.BirthDate);
        var request = new ActivationRequest(Guid.CreateVersion7(), card.CardNumber, card.Holder.CodiceFiscale, user.OperatorId!.Value,
            user.CounterCode!, now, RequestViews.PendingFor(options.Value), details);
        db.ActivationRequests.Add(request);
        audit.RequestId = request.Id.ToString();
        audit.Detail = "create" + request.Special.AuditSuffix() + DelegateCards.AuditSuffix(request.Delegate);
        return requests.Response(request, card, now);
    }
}
