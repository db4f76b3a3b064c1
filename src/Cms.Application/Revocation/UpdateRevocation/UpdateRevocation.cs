using Cms.Domain.Revocation.Contracts;
using Cms.Domain.Identification.Contracts;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Revocation.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Revocation;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Revocation.UpdateRevocation;

/// <summary>Changes a pending revocation; the form must then be printed again (it no longer says what will be executed).</summary>
public sealed record UpdateRevocationCommand(
    Guid Id, string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
    bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, RevocationReason? Reason, LossEvidenceInput? Evidence)
    : ICommand<RevocationResponse>, IAuditedMessage, IRevocationInput
{
    public OperationType OperationType => OperationType.Revocation;
}

public sealed class UpdateRevocationValidator : AbstractValidator<UpdateRevocationCommand>
{
    public UpdateRevocationValidator() => RevocationInputRules.Apply(this);
}

public sealed class UpdateRevocationHandler(RevocationRequests requests, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit)
    : ICommandHandler<UpdateRevocationCommand, RevocationResponse>
{
    public async ValueTask<RevocationResponse> Handle(UpdateRevocationCommand command, CancellationToken cancellationToken)
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
        CardRules.EnsureRevocable(card.State);
        var attendee = AttendeeInputRules.ToDetails(command);
        PeopleRules.EnsureInPersonOrLegalDelegation(attendee.Mode);
        PeopleRules.Check(attendee, card.Holder.CodiceFiscale, card.Holder.Minor, RequestViews.Today(now));
        request.Modify(attendee, command.Reason!.Value, RevocationInputRules.ToEvidence(command.Evidence), now, RequestViews.PendingFor(options.Value));
        return RevocationRequests.Response(request, card, now);
    }
}
