using Cms.Application.Reprint.Common;
using Cms.Application.Common.Auditing;
using Cms.Application.Delivery;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Reprint.SendReprintRecipientProof;

/// <summary>
/// Before the confirm: a 6-digit code goes to the request's own e-mail or mobile; the holder reads it out and the confirm
/// carries it (decision 0036). A new call replaces the code, up to Cms:RecipientProof:MaxSends.
/// </summary>
public sealed record SendReprintRecipientProofCommand(Guid Id) : ICommand<RecipientProofSent>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Reprint;
}

public sealed class SendReprintRecipientProofValidator : AbstractValidator<SendReprintRecipientProofCommand>
{
    public SendReprintRecipientProofValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class SendReprintRecipientProofHandler(ReprintRequests requests, RecipientProofs proofs, TimeProvider clock, AuditScope audit)
    : ICommandHandler<SendReprintRecipientProofCommand, RecipientProofSent>
{
    public async ValueTask<RecipientProofSent> Handle(SendReprintRecipientProofCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "recipient-proof";
        // The request's row lock serialises the sends and the confirm of one request.
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.EnsurePending(now);
        var sent = await proofs.SendAsync(request.Id, "REPRINT", request.CardNumber, request.Delivery, now, cancellationToken);
        audit.Detail = $"recipient-proof channel={request.Delivery.Channel} sends-left={sent.SendsLeft}";
        return sent;
    }
}
