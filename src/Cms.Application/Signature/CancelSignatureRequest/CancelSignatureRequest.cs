using Cms.Application.Common.Auditing;
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
        audit.RequestId = command.Id.ToString();
        audit.Detail = "cancel";
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.Cancel(now);
        return await requests.ResponseAsync(request, now, cancellationToken);
    }
}
