using Cms.Application.Common.Auditing;
using Cms.Application.Requests;
using Cms.Application.Consents.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Consents.CancelConsentRequest;

public sealed record CancelConsentRequestCommand(Guid Id) : ICommand<ConsentRequestResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.FseConsents;
}

public sealed class CancelConsentRequestValidator : AbstractValidator<CancelConsentRequestCommand>
{
    public CancelConsentRequestValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class CancelConsentRequestHandler(ConsentRequests requests, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CancelConsentRequestCommand, ConsentRequestResponse>
{
    public async ValueTask<ConsentRequestResponse> Handle(CancelConsentRequestCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var request = await CounterRequestSteps.CancelAsync(audit, requests.LoadAsync, command.Id, now, cancellationToken);
        return await requests.ResponseAsync(request, await requests.CardAsync(request.CardNumber, cancellationToken), now, cancellationToken);
    }
}
