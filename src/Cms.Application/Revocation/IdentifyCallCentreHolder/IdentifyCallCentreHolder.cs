using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Application.Revocation.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Revocation;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Revocation.IdentifyCallCentreHolder;

/// <summary>
/// The call centre identifies the holder on the telephone by codice fiscale and CIP [TM 8.2, S 6.2, S 9.5.2], only where the
/// region provides suspension (the only thing the call centre does with it). The CIP is tried exactly as at a counter
/// (<see cref="CipChecks"/>: same tries, same lock of 5 wrong ones per card in 24 hours, every try kept), so the telephone is no
/// way around the counter's lock nor the counter around the telephone's. Recorded as an identification (a read of personal data).
/// </summary>
public sealed record IdentifyCallCentreHolderCommand(string? CodiceFiscale, string? Cip)
    : ICommand<CallCentreIdentificationResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.Identification;
    public override string ToString() => $"IdentifyCallCentreHolderCommand {{ CodiceFiscale = {CodiceFiscale} }}";
}

/// <summary>The identified holder's card, and until when this operator may suspend or reactivate it through this identification.</summary>
public sealed record CallCentreIdentificationResponse(
    Guid Id, string CardNumber, string DisplayNumber, CardState CardState, DateOnly ExpiryDate, string HolderSurname, string HolderGivenName,
    DateTimeOffset IdentifiedAt, DateTimeOffset ExpiresAt, IReadOnlyList<CardOperation> AllowedOperations);

public sealed class IdentifyCallCentreHolderValidator : AbstractValidator<IdentifyCallCentreHolderCommand>
{
    public IdentifyCallCentreHolderValidator(IOptions<CmsOptions> options)
    {
        // Where the region does not provide suspension, the handler answers so, whatever the body.
        When(_ => options.Value.SuspensionEnabled, () =>
        {
            RuleFor(c => c.CodiceFiscale).ValidCodiceFiscale();
            RuleFor(c => c.Cip).ValidCip();
        });
    }
}

public sealed class IdentifyCallCentreHolderHandler(
    IRevocationData db, ICardDirectory cards, CipChecks cipChecks, StateChanges changes, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : ICommandHandler<IdentifyCallCentreHolderCommand, CallCentreIdentificationResponse>
{
    public async ValueTask<CallCentreIdentificationResponse> Handle(IdentifyCallCentreHolderCommand command, CancellationToken cancellationToken)
    {
        audit.ActorCounterCode = CallCentreChannel.Code;
        audit.Detail = "call-centre identify";
        changes.EnsureEnabled();
        var codiceFiscale = command.CodiceFiscale!.Trim().ToUpperInvariant();
        audit.HolderCodiceFiscale = codiceFiscale;
        var now = clock.GetUtcNow();
        // The holder's newest card that can still be suspended or reactivated (the list is by expiry, newest first).
        var holder = await cards.FindHolderCardsAsync(codiceFiscale, cancellationToken);
        var card = holder?.Cards.FirstOrDefault(c => c.State is CardState.Active or CardState.Suspended)
            ?? throw new DomainRuleException("holder-card-not-found",
                "Nessuna tessera attiva o sospesa risulta intestata a questo codice fiscale.", RuleKind.NotFound);
        audit.Touch(card.CardNumber, codiceFiscale);
        var id = Guid.CreateVersion7();
        audit.RequestId = id.ToString();

        await cipChecks.CheckAsync(card.CardNumber, id, command.Cip!, user.OperatorId!.Value, CallCentreChannel.Code, now, cancellationToken);
        var identification = new CallCentreIdentification(id, card.CardNumber, codiceFiscale, user.OperatorId!.Value, now);
        db.CallCentreIdentifications.Add(identification);
        audit.Detail = "call-centre identify ok";
        return new CallCentreIdentificationResponse(id, card.CardNumber, card.DisplayNumber, card.State, card.ExpiryDate, card.Holder.Surname,
            card.Holder.GivenName, now, identification.ExpiresAt,
            card.State == CardState.Active ? [CardOperation.Suspension] : [CardOperation.Reactivation]);
    }
}
