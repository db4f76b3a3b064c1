using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Identification.Contracts;
using Cms.Application.Outbound;
using Cms.Application.Signature.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Outbound;
using FluentValidation;
using Mediator;

namespace Cms.Application.Signature.ConfirmSignatureRequest;

/// <summary>
/// The last step: accepted only after the request form was printed (since the last change) and with the operator's word that the
/// holder signed it. The card must still be active and the request the card's only one; the request to the certification
/// authority is queued in the same transaction, and sent with retries after the commit.
/// </summary>
public sealed record ConfirmSignatureRequestCommand(Guid Id, bool? FormPrintedAndSigned) : ICommand<SignatureRequestResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.SignatureCertificate;
}

public sealed class ConfirmSignatureRequestValidator : AbstractValidator<ConfirmSignatureRequestCommand>
{
    public ConfirmSignatureRequestValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class ConfirmSignatureRequestHandler(
    SignatureRequests requests, ICardRegistry registry, OutboundCalls calls, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : ICommandHandler<ConfirmSignatureRequestCommand, SignatureRequestResponse>
{
    public async ValueTask<SignatureRequestResponse> Handle(ConfirmSignatureRequestCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "confirm";
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.EnsureConfirmable(now, command.FormPrintedAndSigned == true);
        // Locks the card row: a revocation or suspension racing this confirm waits for it, then the queued call is not sent (its
        // precondition); one that committed first is seen here.
        await registry.LockStateAsync(request.CardNumber, now, cancellationToken);
        var card = await requests.CardAsync(request.CardNumber, cancellationToken);
        SignatureRequests.EnsureEligible(card); // suspended, revoked or expired since the create: refused now
        await requests.EnsureNoOtherAsync(request.CardNumber, request.Id, now, cancellationToken);
        var call = calls.Enqueue(OutboundTarget.CertificationAuthority, SignatureRequests.CallKind, request.Id.ToString(),
            SignatureRequests.CertificatePayload(request, card, now, user.OperatorId!.Value));
        request.Confirm(now, command.FormPrintedAndSigned == true, call.Id);
        return requests.Response(request, card, now, call,
            "Operazione effettuata correttamente. La richiesta del certificato di firma digitale è stata registrata e viene inviata al certificatore.");
    }
}
