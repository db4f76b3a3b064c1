using Cms.Application.Common.Abstractions;
using System.Text.Json;
using Cms.Application.Common.Auditing;
using Cms.Application.Delivery;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Interop.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Interop;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;

namespace Cms.Application.Interop.ConfirmInteropRequest;

/// <summary>
/// Step two: the request is queued for the issuing region in the operator's transaction and delivered by a background job
/// (retried until the peer answers); the counter follows it with <c>GET /interop/requests/{id}</c>.
/// </summary>
/// <param name="FormPrintedAndSigned">The operator's word that the request's forms were printed and signed at this counter [S 9.3.3, M 2.6].</param>
public sealed record ConfirmInteropRequestCommand(Guid Id, string? RecipientProof = null, bool? FormPrintedAndSigned = null) : ICommand<InteropRequestView>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Interoperability;
    public override string ToString() => $"ConfirmInteropRequestCommand {{ Id = {Id} }}";
}

public sealed class ConfirmInteropRequestValidator : AbstractValidator<ConfirmInteropRequestCommand>
{
    public ConfirmInteropRequestValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        RuleFor(c => c.RecipientProof).RecipientProofCode();
    }
}

public sealed class ConfirmInteropRequestHandler(
    InteropRequests requests, RecipientProofs proofs, IInteropScheduler scheduler, AfterCommit afterCommit, TimeProvider clock, AuditScope audit,
    ICurrentUser user)
    : ICommandHandler<ConfirmInteropRequestCommand, InteropRequestView>
{
    public async ValueTask<InteropRequestView> Handle(ConfirmInteropRequestCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        audit.Detail = $"confirm {request.Kind} to={request.TargetRegion}";
        request.EnsurePending(now);
        var body = InteropRequests.Body(request);
        SignedForms.Ensure(InteropDocumentNames.Forms(request.Kind, body.Mode), request.FormsPrinted, command.FormPrintedAndSigned == true);
        string? payload = null;
        if (request.Kind != InteropKind.Revocation)
        {
            // Proved here, by this region's delivery, to the address the request carries; the issuing region gets the statement.
            if (await proofs.VerifyAsync(request.Id, RequestInputRules.ToDelivery(body.Delivery!), command.RecipientProof, now, cancellationToken))
            {
                payload = JsonSerializer.Serialize(body with { RecipientVerifiedAt = now }, ApiNames.Json);
                audit.Detail += " recipient=proved";
            }
        }
        // The AUDIT_REST_02 tracking evidence names who confirmed, from which counter, and how they signed in (decision 0059).
        request.Confirm(now, payload, user.CodiceFiscale, LevelOfAssurance.Of(user.AuthenticationMethod));
        afterCommit.Add(_ =>
        {
            scheduler.Schedule(request.Id);
            return Task.CompletedTask;
        });
        return requests.View(request, now);
    }
}
