using Cms.Domain.Identification.Contracts;
using Cms.Application.Activation.Common;
using Cms.Application.Activation.CreateActivation;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Activation;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Activation.UpdateActivation;

/// <summary>"Modifica": the operator corrects a pending request; every rule is checked again.</summary>
public sealed record UpdateActivationCommand(
    Guid Id, string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
    DeliveryInput? Delivery, bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, SpecialCasesInput? SpecialCases = null, ChipData? DelegateCard = null)
    : ICommand<ActivationResponse>, IAuditedMessage, IActivationInput, IDelegateCardInput
{
    public OperationType OperationType => OperationType.Activation;
}

public sealed class UpdateActivationValidator : AbstractValidator<UpdateActivationCommand>
{
    public UpdateActivationValidator()
    {
        PeopleInputRules.Apply(this);
        DelegateCards.Rules(this);
    }
}

public sealed class UpdateActivationHandler(ActivationRequests requests, DelegateCards delegateCards, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit)
    : ICommandHandler<UpdateActivationCommand, ActivationResponse>
{
    public async ValueTask<ActivationResponse> Handle(UpdateActivationCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "modify";
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        if (command.CardNumber is not null && command.CardNumber != request.CardNumber)
            throw new DomainRuleException("card-number-immutable", "Il numero di tessera di una richiesta non si può cambiare: crearne una nuova.");
        request.EnsurePending(now);
        var card = await requests.CardAsync(request.CardNumber, cancellationToken);
        CardRules.EnsureActivatable(card.State);
        var details = await delegateCards.ResolveAsync(PeopleInputRules.ToDetails(command), command.DelegateCard, card, request.Delegate,
            cancellationToken);
        PeopleRules.Check(details, card.Holder.CodiceFiscale, card.Holder.Minor, RequestViews.Today(now),
            options.Value.Documents.SpecialCases, card.Holder.BirthDate);
        request.Modify(details, now, RequestViews.PendingFor(options.Value));
        audit.Detail = "modify" + request.Special.AuditSuffix() + DelegateCards.AuditSuffix(request.Delegate);
        return requests.Response(request, card, now);
    }
}
