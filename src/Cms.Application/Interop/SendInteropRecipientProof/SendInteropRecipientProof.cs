using Cms.Application.Common.Auditing;
using Cms.Application.Delivery;
using Cms.Application.Requests;
using Cms.Application.Interop.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Interop;
using FluentValidation;
using Mediator;

namespace Cms.Application.Interop.SendInteropRecipientProof;

/// <summary>
/// As at a counter, for an activation or reprint of another region's card: the code goes, from this region, to the address
/// the request carries; the confirm checks it here and the request then travels with this region's signed statement that
/// the recipient was proved (<c>recipientVerifiedAt</c>), which the issuing region requires under its own policy.
/// </summary>
public sealed record SendInteropRecipientProofCommand(Guid Id) : ICommand<RecipientProofSent>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Interoperability;
}

public sealed class SendInteropRecipientProofValidator : AbstractValidator<SendInteropRecipientProofCommand>
{
    public SendInteropRecipientProofValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class SendInteropRecipientProofHandler(InteropRequests requests, RecipientProofs proofs, TimeProvider clock, AuditScope audit)
    : ICommandHandler<SendInteropRecipientProofCommand, RecipientProofSent>
{
    public async ValueTask<RecipientProofSent> Handle(SendInteropRecipientProofCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "recipient-proof";
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.EnsurePending(now);
        var body = InteropRequests.Body(request);
        if (request.Kind == InteropKind.Revocation || body.Delivery is null)
            throw new DomainRuleException("recipient-proof-not-applicable",
                "La revoca non invia codici: non c'è un destinatario da verificare.", RuleKind.Conflict);
        var address = RequestInputRules.ToDelivery(body.Delivery);
        var sent = await proofs.SendAsync(request.Id, "INTEROP", request.CardNumber, address, now, cancellationToken);
        audit.Detail = $"recipient-proof channel={address.Channel} sends-left={sent.SendsLeft}";
        return sent;
    }
}
