using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Validation;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Identification.Contracts;
using Cms.Application.Revocation.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Revocation;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Revocation.VerifyCip;

/// <summary>
/// The CIP check of a revocation, its own step [T 2.5.1]: compared in constant time; at most 5 wrong tries per card in
/// 24 hours — at any counter — then the card's CIP verification is locked (423) until the oldest of them is a day old.
/// Every try, right or wrong, is kept and audited; the CIP itself never is.
/// </summary>
public sealed record VerifyCipCommand(Guid Id, string? Cip) : ICommand<CipVerification>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Revocation;
    public override string ToString() => $"VerifyCipCommand {{ Id = {Id} }}";
}

public sealed record CipVerification(Guid Id, bool Verified, DateTimeOffset VerifiedAt, IReadOnlyList<string> NextSteps);

public sealed class VerifyCipValidator : AbstractValidator<VerifyCipCommand>
{
    public VerifyCipValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        RuleFor(c => c.Cip).ValidCip();
    }
}

public sealed class VerifyCipHandler(
    RevocationRequests requests, CipChecks cipChecks, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : ICommandHandler<VerifyCipCommand, CipVerification>
{
    public async ValueTask<CipVerification> Handle(VerifyCipCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "verify-cip";
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.EnsurePending(now);
        request.EnsureCipRequired(); // a card never activated: no CIP to try, and no try counted

        await cipChecks.CheckAsync(request.CardNumber, request.Id, command.Cip!, user.OperatorId!.Value, user.CounterCode!, now, cancellationToken);
        request.MarkCipVerified(now);
        audit.Detail = "verify-cip ok";
        var next = new List<string>();
        if (request.FormPrintedAt is null) next.Add("print-" + RevocationDocumentNames.RequestForm);
        next.Add("confirm");
        return new CipVerification(request.Id, true, now, next);
    }
}
