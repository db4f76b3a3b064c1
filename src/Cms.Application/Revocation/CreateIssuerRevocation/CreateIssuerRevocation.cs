using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Validation;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Outbound;
using Cms.Application.Identification.Contracts;
using Cms.Application.Revocation.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Outbound;
using Cms.Domain.Revocation;
using FluentValidation;
using Mediator;

namespace Cms.Application.Revocation.CreateIssuerRevocation;

/// <summary>
/// Revocation on the issuer's initiative [S 9.7.2, TM 10.7.1] (role Issuer): no CIP, no counter; the card becomes REVOKED
/// and the certificate-revocation request is queued at once.
/// </summary>
public sealed record CreateIssuerRevocationCommand(string? CardNumber, IssuerRevocationReason? Reason, string? Note)
    : ICommand<IssuerRevocationResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Revocation;
}

public sealed record IssuerRevocationResponse(
    Guid Id, string CardNumber, CardState CardState, IssuerRevocationReason Reason, string ReasonLabel, string? Note, DateTimeOffset RevokedAt,
    OutboundCallView CertificateRevocation);

public sealed class CreateIssuerRevocationValidator : AbstractValidator<CreateIssuerRevocationCommand>
{
    public CreateIssuerRevocationValidator()
    {
        RevocationRequests.CardNumberRule<CreateIssuerRevocationCommand>(this, c => c.CardNumber);
        RuleFor(c => c.Reason).NotNull().IsInEnum();
        RuleFor(c => c.Note).MaximumLength(300);
    }
}

public sealed class CreateIssuerRevocationHandler(
    IRevocationData db, ICardDirectory cards, ICardRegistry registry, OutboundCalls calls, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CreateIssuerRevocationCommand, IssuerRevocationResponse>
{
    public async ValueTask<IssuerRevocationResponse> Handle(CreateIssuerRevocationCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.CardNumber = command.CardNumber;
        audit.Detail = $"issuer reason={command.Reason}";
        var card = await cards.RequireCardAsync(command.CardNumber!, cancellationToken);
        audit.Touch(card.CardNumber, card.Holder.CodiceFiscale);
        await registry.ChangeStateAsync(card.CardNumber, CardTransition.Revoke, now, cancellationToken);
        var id = Guid.CreateVersion7();
        var call = calls.Enqueue(OutboundTarget.CertificationAuthority, "REVOCATION", id.ToString(),
            RevocationRequests.CertificatePayload("REVOKE", card.CardNumber, card.Holder.CodiceFiscale,
                ApiNames.Of(command.Reason!.Value), id, now, null));
        var revocation = new IssuerRevocation(id, card.CardNumber, card.Holder.CodiceFiscale, command.Reason.Value, command.Note,
            user.OperatorId!.Value, now, call.Id);
        db.IssuerRevocations.Add(revocation);
        audit.RequestId = id.ToString();
        return new IssuerRevocationResponse(id, card.CardNumber, CardState.Revoked, revocation.Reason, IssuerRevocation.Label(revocation.Reason),
            revocation.Note, now, call);
    }
}
