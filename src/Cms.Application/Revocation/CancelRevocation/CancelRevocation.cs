using Cms.Application.Common.Auditing;
using Cms.Application.Requests;
using Cms.Application.Revocation.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Revocation.CancelRevocation;

public sealed record CancelRevocationCommand(Guid Id) : ICommand<RevocationResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Revocation;
}

public sealed class CancelRevocationValidator : AbstractValidator<CancelRevocationCommand>
{
    public CancelRevocationValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class CancelRevocationHandler(RevocationRequests requests, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CancelRevocationCommand, RevocationResponse>
{
    public async ValueTask<RevocationResponse> Handle(CancelRevocationCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var request = await CounterRequestSteps.CancelAsync(audit, requests.LoadAsync, command.Id, now, cancellationToken);
        return await requests.ResponseAsync(request, now, cancellationToken);
    }
}
