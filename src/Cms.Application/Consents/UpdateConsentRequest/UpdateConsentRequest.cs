using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Consents.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Consents.UpdateConsentRequest;

public sealed record UpdateConsentRequestCommand(
    Guid Id, string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
    bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, ConsentChoicesInput? Consents, bool? DeclarationConfirmed)
    : ICommand<ConsentRequestResponse>, IAuditedMessage, IConsentInput
{
    public OperationType OperationType => OperationType.FseConsents;
}

public sealed class UpdateConsentRequestValidator : AbstractValidator<UpdateConsentRequestCommand>
{
    public UpdateConsentRequestValidator() => ConsentInputRules.Apply(this);
}

public sealed class UpdateConsentRequestHandler(ConsentRequests requests, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit)
    : ICommandHandler<UpdateConsentRequestCommand, ConsentRequestResponse>
{
    public async ValueTask<ConsentRequestResponse> Handle(UpdateConsentRequestCommand command, CancellationToken cancellationToken)
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
        ConsentRequests.EnsureConsentable(card);
        var attendee = AttendeeInputRules.ToDetails(command);
        PeopleRules.EnsureInPersonOrLegalDelegation(attendee.Mode);
        PeopleRules.Check(attendee, card.Holder.CodiceFiscale, card.Holder.Minor, RequestViews.Today(now));
        request.Modify(attendee, requests.ModelOn(RequestViews.Today(now)), ConsentInputRules.ToChoices(command.Consents!),
            command.DeclarationConfirmed == true, now, RequestViews.PendingFor(options.Value));
        return await requests.ResponseAsync(request, card, now, cancellationToken);
    }
}
