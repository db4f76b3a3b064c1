using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Validation;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Application.Outbound;
using Cms.Application.Requests;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Identification.Contracts;
using Cms.Domain.Outbound;
using Cms.Domain.Revocation;
using Cms.Domain.Requests;
using Microsoft.Extensions.Options;

namespace Cms.Application.Revocation.Common;

public sealed record StateChangeResponse(
    Guid Id, StateChangeKind Kind, string CardNumber, CardState CardState, SuspensionReason? Reason, string? Note, DateTimeOffset At,
    OutboundCallView CertificateCall);

/// <summary>Suspension and reactivation [S 9.5–9.6]: only where the region enables them; the certificate follows through the CA.</summary>
public sealed class StateChanges(
    IRevocationData db, ICardDirectory cards, ICardRegistry registry, OutboundCalls calls, ICurrentUser user, IOptions<CmsOptions> options,
    TimeProvider clock)
{
    public void EnsureEnabled()
    {
        if (!options.Value.SuspensionEnabled)
            throw new DomainRuleException("suspension-not-enabled",
                "La Regione non prevede la sospensione e la riattivazione della carta: per una carta smarrita o rubata richiedere la revoca.",
                RuleKind.Forbidden);
    }

    public async Task<StateChangeResponse> ApplyAsync(StateChangeKind kind, string cardNumber, IAttendeeInput input, SuspensionReason? reason,
        string? note, Cms.Application.Common.Auditing.AuditScope audit, CancellationToken cancellationToken)
    {
        EnsureEnabled();
        var now = clock.GetUtcNow();
        var card = await cards.RequireCardAsync(cardNumber, cancellationToken);
        audit.Touch(card.CardNumber, card.Holder.CodiceFiscale);
        var attendee = AttendeeInputRules.ToDetails(input);
        PeopleRules.EnsureInPersonOrLegalDelegation(attendee.Mode);
        PeopleRules.Check(attendee, card.Holder.CodiceFiscale, card.Holder.Minor, RequestViews.Today(now));
        var id = Guid.CreateVersion7();
        var transition = kind == StateChangeKind.Suspension ? CardTransition.Suspend : CardTransition.Reactivate;
        var action = kind == StateChangeKind.Suspension ? "SUSPEND" : "REACTIVATE";
        var change = new StateChange(id, kind, card.CardNumber, card.Holder.CodiceFiscale, attendee, reason, note, user.OperatorId!.Value,
            user.CounterCode!, now);
        await registry.ChangeStateAsync(card.CardNumber, transition, now, cancellationToken);
        var call = calls.Enqueue(OutboundTarget.CertificationAuthority, kind == StateChangeKind.Suspension ? "SUSPENSION" : "REACTIVATION", id.ToString(),
            RevocationRequests.CertificatePayload(action, card.CardNumber, card.Holder.CodiceFiscale, reason is { } r ? ApiNames.Of(r) : "RICHIESTA_TITOLARE",
                id, now, user.CounterCode));
        change.AttachCertificateCall(call.Id);
        db.StateChanges.Add(change);
        audit.RequestId = id.ToString();
        return new StateChangeResponse(id, kind, card.CardNumber, kind == StateChangeKind.Suspension ? CardState.Suspended : CardState.Active,
            change.Reason, change.Note, now, call);
    }

    /// <summary>
    /// The same change asked on the telephone [S 9.5.2]: no person at a counter and no document — the holder proved who they
    /// are with codice fiscale and CIP in <paramref name="identification"/>; recorded under the call centre's channel code.
    /// </summary>
    public async Task<StateChangeResponse> ApplyFromCallCentreAsync(StateChangeKind kind, CallCentreIdentification identification,
        SuspensionReason? reason, string? note, Cms.Application.Common.Auditing.AuditScope audit, CancellationToken cancellationToken)
    {
        EnsureEnabled();
        var now = clock.GetUtcNow();
        var card = await cards.RequireCardAsync(identification.CardNumber, cancellationToken);
        audit.Touch(card.CardNumber, card.Holder.CodiceFiscale);
        var id = Guid.CreateVersion7();
        var change = new CallCentreStateChange(id, identification.Id, kind, card.CardNumber, card.Holder.CodiceFiscale, reason, note,
            user.OperatorId!.Value, now);
        await registry.ChangeStateAsync(card.CardNumber, kind == StateChangeKind.Suspension ? CardTransition.Suspend : CardTransition.Reactivate,
            now, cancellationToken);
        var call = calls.Enqueue(OutboundTarget.CertificationAuthority, kind == StateChangeKind.Suspension ? "SUSPENSION" : "REACTIVATION", id.ToString(),
            RevocationRequests.CertificatePayload(kind == StateChangeKind.Suspension ? "SUSPEND" : "REACTIVATE", card.CardNumber,
                card.Holder.CodiceFiscale, reason is { } r ? ApiNames.Of(r) : "RICHIESTA_TITOLARE", id, now, CallCentreChannel.Code));
        change.AttachCertificateCall(call.Id);
        db.CallCentreStateChanges.Add(change);
        audit.RequestId = id.ToString();
        return new StateChangeResponse(id, kind, card.CardNumber, kind == StateChangeKind.Suspension ? CardState.Suspended : CardState.Active,
            change.Reason, change.Note, now, call);
    }
}
