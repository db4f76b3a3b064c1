using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Interop.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Interop.ConfirmInteropRequest;

/// <summary>
/// Step two: the request is queued for the issuing region in the operator's transaction and delivered by a background job
/// (retried until the peer answers); the counter follows it with <c>GET /interop/requests/{id}</c>.
/// </summary>
public sealed record ConfirmInteropRequestCommand(Guid Id) : ICommand<InteropRequestView>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Interoperability;
}

public sealed class ConfirmInteropRequestValidator : AbstractValidator<ConfirmInteropRequestCommand>
{
    public ConfirmInteropRequestValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class ConfirmInteropRequestHandler(
    InteropRequests requests, IInteropScheduler scheduler, AfterCommit afterCommit, TimeProvider clock, AuditScope audit)
    : ICommandHandler<ConfirmInteropRequestCommand, InteropRequestView>
{
    public async ValueTask<InteropRequestView> Handle(ConfirmInteropRequestCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        audit.Detail = $"confirm {request.Kind} to={request.TargetRegion}";
        request.Confirm(now);
        afterCommit.Add(_ =>
        {
            scheduler.Schedule(request.Id);
            return Task.CompletedTask;
        });
        return requests.View(request, now);
    }
}
