using Cms.Application.Common.Auditing;
using Cms.Application.Requests;
using Cms.Application.Interop.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Interop.CancelInteropRequest;

/// <summary>Drops a request not yet confirmed (nothing was sent).</summary>
public sealed record CancelInteropRequestCommand(Guid Id) : ICommand<InteropRequestView>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Interoperability;
}

public sealed class CancelInteropRequestValidator : AbstractValidator<CancelInteropRequestCommand>
{
    public CancelInteropRequestValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class CancelInteropRequestHandler(InteropRequests requests, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CancelInteropRequestCommand, InteropRequestView>
{
    public async ValueTask<InteropRequestView> Handle(CancelInteropRequestCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var request = await CounterRequestSteps.CancelAsync(audit, requests.LoadAsync, command.Id, now, cancellationToken);
        return requests.View(request, now);
    }
}
