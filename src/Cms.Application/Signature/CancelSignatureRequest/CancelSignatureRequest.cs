using Cms.Application.Common.Auditing;
using Cms.Application.Requests;
using Cms.Application.Signature.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Signature.CancelSignatureRequest;

public sealed record CancelSignatureRequestCommand(Guid Id) : ICommand<SignatureRequestResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.SignatureCertificate;
}

public sealed class CancelSignatureRequestValidator : AbstractValidator<CancelSignatureRequestCommand>
{
    public CancelSignatureRequestValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class CancelSignatureRequestHandler(SignatureRequests requests, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CancelSignatureRequestCommand, SignatureRequestResponse>
{
    public async ValueTask<SignatureRequestResponse> Handle(CancelSignatureRequestCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var request = await CounterRequestSteps.CancelAsync(audit, requests.LoadAsync, command.Id, now, cancellationToken);
        return await requests.ResponseAsync(request, now, cancellationToken);
    }
}
