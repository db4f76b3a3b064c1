using Cms.Application.Common.Auditing;
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
        audit.RequestId = command.Id.ToString();
        audit.Detail = "cancel";
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.Cancel(now);
        return await requests.ResponseAsync(request, await requests.CardAsync(request.CardNumber, cancellationToken), now, cancellationToken);
    }
}
