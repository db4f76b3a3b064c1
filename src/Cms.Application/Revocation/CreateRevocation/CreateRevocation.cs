using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Revocation.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Revocation;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Revocation.CreateRevocation;

/// <summary>
/// Step one of a revocation [T 2.5]: the card by its number, the person at the counter, the reason (theft and loss with
/// their evidence). The answer is the summary with the steps still missing: CIP verification, form printed, confirm. A card never
/// activated has no CIP step (decision 0040).
/// </summary>
public sealed record CreateRevocationCommand(
    string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
    bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, RevocationReason? Reason, LossEvidenceInput? Evidence)
    : ICommand<RevocationResponse>, IAuditedMessage, IRevocationInput
{
    public OperationType OperationType => OperationType.Revocation;
}

public sealed class CreateRevocationValidator : AbstractValidator<CreateRevocationCommand>
{
    public CreateRevocationValidator()
    {
        RevocationRequests.CardNumberRule<CreateRevocationCommand>(this, c => c.CardNumber);
        RevocationInputRules.Apply(this);
    }
}

public sealed class CreateRevocationHandler(
    IRevocationData db, RevocationRequests requests, ICurrentUser user, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CreateRevocationCommand, RevocationResponse>
{
    public async ValueTask<RevocationResponse> Handle(CreateRevocationCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.CardNumber = command.CardNumber;
        audit.Detail = "create";
        var card = await requests.CardAsync(command.CardNumber!, cancellationToken);
        audit.Touch(card.CardNumber, card.Holder.CodiceFiscale);
        CardRules.EnsureRevocable(card.State);
        var attendee = AttendeeInputRules.ToDetails(command);
        PeopleRules.EnsureInPersonOrLegalDelegation(attendee.Mode);
        PeopleRules.Check(attendee, card.Holder.CodiceFiscale, card.Holder.Minor, RequestViews.Today(now));
        var request = new RevocationRequest(Guid.CreateVersion7(), card.CardNumber, card.Holder.CodiceFiscale, user.OperatorId!.Value,
            user.CounterCode!, now, RequestViews.PendingFor(options.Value), attendee, command.Reason!.Value,
            RevocationInputRules.ToEvidence(command.Evidence), cardNeverActivated: card.State == CardState.NotActive);
        db.RevocationRequests.Add(request);
        audit.RequestId = request.Id.ToString();
        audit.Detail = $"create reason={request.Reason}{(request.CipRequired ? "" : " no-cip")}";
        return RevocationRequests.Response(request, card, now);
    }
}
