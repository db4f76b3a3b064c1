using Cms.Domain.Reprint.Contracts;
using Cms.Application.Administration.Contracts;
using Cms.Application.Common.Auditing;
using Cms.Application.Delivery;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Application.Reprint.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Reprint;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;

namespace Cms.Application.Reprint.ConfirmReprint;

/// <summary>
/// Step two: the same codes are released again — first halves in the answer (for printing), second halves queued to the
/// holder's e-mail or mobile — and the operation recorded, in one transaction.
/// </summary>
/// <param name="FormPrintedAndSigned">The operator's word that the request's forms were printed and signed (sign before confirm).</param>
public sealed record ConfirmReprintCommand(Guid Id, string? RecipientProof = null, bool? FormPrintedAndSigned = null) : ICommand<ReprintConfirmation>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Reprint;
    public override string ToString() => $"ConfirmReprintCommand {{ Id = {Id} }}";
}

public sealed record ReprintConfirmation(Guid Id, RequestStatus Status, CodeParts FirstHalves, Guid DeliveryId,
    IReadOnlyList<string> Documents, IReadOnlyList<string> Warnings);

public sealed class ConfirmReprintValidator : AbstractValidator<ConfirmReprintCommand>
{
    public ConfirmReprintValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        RuleFor(c => c.RecipientProof).RecipientProofCode();
    }
}

public sealed class ConfirmReprintHandler(
    ReprintRequests requests, ICardRegistry registry, CodeRelease release, RecipientProofs proofs, IRecipientGuard recipients,
    TimeProvider clock, AuditScope audit)
    : ICommandHandler<ConfirmReprintCommand, ReprintConfirmation>
{
    public async ValueTask<ReprintConfirmation> Handle(ConfirmReprintCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "confirm";
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.EnsurePending(now);
        SignedForms.Ensure(ReprintDocumentNames.ToSign(request), request.FormsPrinted, command.FormPrintedAndSigned == true);
        var proved = await proofs.VerifyAsync(request.Id, request.Delivery, command.RecipientProof, now, cancellationToken);
        await recipients.EnsureNotSharedAsync(request.Delivery, request.HolderCodiceFiscale, now, cancellationToken);
        var codes = await registry.ReleaseAgainAsync(request.CardNumber, now, cancellationToken);
        var (first, deliveryId) = release.Release(request, codes, "REPRINT", now);
        audit.Detail = $"confirm reason={request.Reason} channel={request.Delivery.Channel}{(proved ? " recipient=proved" : "")}" +
            ReprintInputRules.AuditSuffix(request);
        return new ReprintConfirmation(request.Id, request.Status, first, deliveryId, ReprintDocumentNames.Available(request, request.Status),
            [ReprintRequest.ChangedCodesWarning]);
    }
}
