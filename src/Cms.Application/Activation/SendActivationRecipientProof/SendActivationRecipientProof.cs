using Cms.Application.Activation.Common;
using Cms.Application.Common.Auditing;
using Cms.Application.Delivery;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Activation.SendActivationRecipientProof;

/// <summary>
/// Before the confirm: a 6-digit code goes to the request's own e-mail or mobile; the holder reads it out and the confirm
/// carries it (decision 0036). A new call replaces the code, up to Cms:RecipientProof:MaxSends.
/// </summary>
public sealed record SendActivationRecipientProofCommand(Guid Id) : ICommand<RecipientProofSent>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Activation;
}

public sealed class SendActivationRecipientProofValidator : AbstractValidator<SendActivationRecipientProofCommand>
{
    public SendActivationRecipientProofValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class SendActivationRecipientProofHandler(ActivationRequests requests, RecipientProofs proofs, TimeProvider clock, AuditScope audit)
    : ICommandHandler<SendActivationRecipientProofCommand, RecipientProofSent>
{
    public async ValueTask<RecipientProofSent> Handle(SendActivationRecipientProofCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "recipient-proof";
        // The request's row lock serialises the sends and the confirm of one request.
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.EnsurePending(now);
        var sent = await proofs.SendAsync(request.Id, "ACTIVATION", request.CardNumber, request.Delivery, now, cancellationToken);
        audit.Detail = $"recipient-proof channel={request.Delivery.Channel} sends-left={sent.SendsLeft}";
        return sent;
    }
}
