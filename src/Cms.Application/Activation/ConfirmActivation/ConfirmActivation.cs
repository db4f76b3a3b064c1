using Cms.Application.Activation.Common;
using Cms.Application.Administration.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Delivery;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Auditing;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;

namespace Cms.Application.Activation.ConfirmActivation;

/// <summary>
/// Step two: in one transaction the card becomes ACTIVE, the operation is recorded and the message with the
/// second halves is written to the outbox; the answer carries the first halves, for printing.
/// </summary>
/// <param name="FormPrintedAndSigned">The operator's word that the request's forms were printed and signed (sign before confirm).</param>
public sealed record ConfirmActivationCommand(Guid Id, string? RecipientProof = null, bool? FormPrintedAndSigned = null) : ICommand<ActivationConfirmation>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Activation;
    public override string ToString() => $"ConfirmActivationCommand {{ Id = {Id} }}";
}

public sealed record ActivationConfirmation(Guid Id, RequestStatus Status, CardState CardState, CodeParts FirstHalves, Guid DeliveryId,
    IReadOnlyList<string> Documents, IReadOnlyList<string> Notes);

public sealed class ConfirmActivationValidator : AbstractValidator<ConfirmActivationCommand>
{
    public ConfirmActivationValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        RuleFor(c => c.RecipientProof).RecipientProofCode();
    }
}

public sealed class ConfirmActivationHandler(
    ActivationRequests requests, ICardRegistry registry, CodeRelease release, RecipientProofs proofs, IRecipientGuard recipients,
    TimeProvider clock, AuditScope audit)
    : ICommandHandler<ConfirmActivationCommand, ActivationConfirmation>
{
    public async ValueTask<ActivationConfirmation> Handle(ConfirmActivationCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "confirm";
        // Locks the request row: a second confirm of the same request waits, then finds it completed.
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.EnsurePending(now);
        SignedForms.Ensure(ActivationDocumentNames.ToSign(request), request.FormsPrinted, command.FormPrintedAndSigned == true);
        var proved = await proofs.VerifyAsync(request.Id, request.Delivery, command.RecipientProof, now, cancellationToken);
        await recipients.EnsureNotSharedAsync(request.Delivery, request.HolderCodiceFiscale, now, cancellationToken);
        // Locks the card row: a confirm of another request for the same card waits, then finds it active.
        var codes = await registry.ActivateAsync(request.CardNumber, now, cancellationToken);
        var (first, deliveryId) = release.Release(request, codes, "ACTIVATION", now);
        audit.Detail = $"confirm mode={request.Mode} channel={request.Delivery.Channel}{(proved ? " recipient=proved" : "")}" +
            request.Special.AuditSuffix();
        return new ActivationConfirmation(request.Id, request.Status, CardState.Active, first, deliveryId,
            ActivationDocumentNames.Available(request, request.Status),
            ["Dopo l'attivazione è possibile raccogliere i consensi al Fascicolo Sanitario Elettronico."]);
    }
}
