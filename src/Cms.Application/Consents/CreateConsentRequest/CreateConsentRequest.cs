using Cms.Domain.Consents.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Consents.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Consents;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Consents.CreateConsentRequest;

/// <summary>
/// Step one of the FSE consents [T 2.2.1, 2.3, TM 10.4]: the person at the counter with a document, the consents of the
/// model in effect today (the region's dated policy), the declaration; answers the summary. <c>activationId</c> ties the
/// consents to an activation of the same card for the combined print.
/// </summary>
public sealed record CreateConsentRequestCommand(
    string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
    bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, ConsentChoicesInput? Consents, bool? DeclarationConfirmed, Guid? ActivationId)
    : ICommand<ConsentRequestResponse>, IAuditedMessage, IConsentInput
{
    public OperationType OperationType => OperationType.FseConsents;
}

public sealed class CreateConsentRequestValidator : AbstractValidator<CreateConsentRequestCommand>
{
    public CreateConsentRequestValidator()
    {
        RuleFor(c => c.CardNumber).ValidCardNumber();
        ConsentInputRules.Apply(this);
    }
}

public sealed class CreateConsentRequestHandler(
    IConsentsData db, ConsentRequests requests, ICurrentUser user, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CreateConsentRequestCommand, ConsentRequestResponse>
{
    public async ValueTask<ConsentRequestResponse> Handle(CreateConsentRequestCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.CardNumber = command.CardNumber;
        audit.Detail = "create";
        var card = await requests.CardAsync(command.CardNumber!, cancellationToken);
        audit.Touch(card.CardNumber, card.Holder.CodiceFiscale);
        ConsentRequests.EnsureConsentable(card);
        await requests.CheckActivationAsync(command.ActivationId, card.CardNumber, cancellationToken);
        var attendee = AttendeeInputRules.ToDetails(command);
        PeopleRules.EnsureInPersonOrLegalDelegation(attendee.Mode);
        PeopleRules.Check(attendee, card.Holder.CodiceFiscale, card.Holder.Minor, RequestViews.Today(now));
        var model = requests.ModelOn(RequestViews.Today(now));
        var request = new ConsentRequest(Guid.CreateVersion7(), card.CardNumber, card.Holder.CodiceFiscale, user.OperatorId!.Value, user.CounterCode!,
            now, RequestViews.PendingFor(options.Value), attendee, model, ConsentInputRules.ToChoices(command.Consents!),
            command.DeclarationConfirmed == true, command.ActivationId);
        db.ConsentRequests.Add(request);
        audit.RequestId = request.Id.ToString();
        audit.Detail = $"create model={model}";
        return await requests.ResponseAsync(request, card, now, cancellationToken);
    }
}
