using Cms.Application.Activation.Common;
using Cms.Application.Common.Auditing;
using Cms.Application.Requests;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Activation.CancelActivation;

public sealed record CancelActivationCommand(Guid Id) : ICommand<ActivationResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Activation;
}

public sealed class CancelActivationValidator : AbstractValidator<CancelActivationCommand>
{
    public CancelActivationValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class CancelActivationHandler(ActivationRequests requests, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CancelActivationCommand, ActivationResponse>
{
    public async ValueTask<ActivationResponse> Handle(CancelActivationCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var request = await CounterRequestSteps.CancelAsync(audit, requests.LoadAsync, command.Id, now, cancellationToken);
        var card = await requests.CardAsync(request.CardNumber, cancellationToken);
        return requests.Response(request, card, now);
    }
}
