using Cms.Application.Common.Auditing;
using Cms.Application.Requests;
using Cms.Application.Reprint.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Reprint.CancelReprint;

public sealed record CancelReprintCommand(Guid Id) : ICommand<ReprintResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Reprint;
}

public sealed class CancelReprintValidator : AbstractValidator<CancelReprintCommand>
{
    public CancelReprintValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class CancelReprintHandler(ReprintRequests requests, TimeProvider clock, AuditScope audit) : ICommandHandler<CancelReprintCommand, ReprintResponse>
{
    public async ValueTask<ReprintResponse> Handle(CancelReprintCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var request = await CounterRequestSteps.CancelAsync(audit, requests.LoadAsync, command.Id, now, cancellationToken);
        return requests.Response(request, await requests.CardAsync(request.CardNumber, cancellationToken), now);
    }
}
