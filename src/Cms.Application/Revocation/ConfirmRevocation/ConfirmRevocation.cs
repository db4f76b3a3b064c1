using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Validation;
using Cms.Application.Common.Auditing;
using Cms.Application.Outbound;
using Cms.Application.Identification.Contracts;
using Cms.Application.Revocation.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Outbound;
using Cms.Domain.Revocation;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;

namespace Cms.Application.Revocation.ConfirmRevocation;

/// <summary>
/// The last step: accepted only after the CIP was verified (a card never activated has none, decision 0040) and the form printed, with the operator's word that it was
/// signed. The card becomes REVOKED for good and the certificate-revocation request to the certification authority is
/// queued, in one transaction.
/// </summary>
public sealed record ConfirmRevocationCommand(Guid Id, bool? FormPrintedAndSigned) : ICommand<RevocationConfirmation>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Revocation;
}

public sealed record RevocationConfirmation(Guid Id, RequestStatus Status, CardState CardState, string Message, OutboundCallView CertificateRevocation);

public sealed class ConfirmRevocationValidator : AbstractValidator<ConfirmRevocationCommand>
{
    public ConfirmRevocationValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class ConfirmRevocationHandler(
    RevocationRequests requests, ICardRegistry registry, OutboundCalls calls, TimeProvider clock, AuditScope audit)
    : ICommandHandler<ConfirmRevocationCommand, RevocationConfirmation>
{
    public async ValueTask<RevocationConfirmation> Handle(ConfirmRevocationCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "confirm";
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.EnsureConfirmable(now, command.FormPrintedAndSigned == true);
        // Without the CIP step the card must still be never activated: checked on the locked row, so an activation committing
        // meanwhile is seen (it holds the same lock).
        await registry.ChangeStateAsync(request.CardNumber, CardTransition.Revoke, now, cancellationToken,
            request.CipRequired ? null : state => request.EnsureCardStillNeverActivated(state is CardState.Active or CardState.Suspended));
        var call = calls.Enqueue(OutboundTarget.CertificationAuthority, "REVOCATION", request.Id.ToString(),
            RevocationRequests.CertificatePayload("REVOKE", request.CardNumber, request.HolderCodiceFiscale, ApiNames.Of(request.Reason),
                request.Id, now, request.CounterCode));
        request.Confirm(now, command.FormPrintedAndSigned == true, call.Id);
        audit.Detail = $"confirm reason={request.Reason}{(request.CipRequired ? "" : " no-cip")}";
        return new RevocationConfirmation(request.Id, request.Status, CardState.Revoked,
            $"Operazione effettuata correttamente. Tessera numero {request.CardNumber} revocata.", call);
    }
}
