using Cms.Domain.Revocation.Contracts;
using Cms.Domain.Reprint.Contracts;
using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Application.Interop.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Interop;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Interop.CreateInteropRequest;

/// <summary>
/// Step one of an operation on another region's card [T 2.11, S 8]: the card is not in this registry and its number names
/// a peer region; the operator gives the full card number, the holder, the person present with their document and where
/// the second halves go (and the reason of a reprint). Checked and answered as a summary; nothing is sent yet.
/// </summary>
public sealed record CreateInteropRequestCommand(
    InteropKind? Kind, string? CardNumber, InteropHolderInput? Holder, RequestMode? Mode, DelegationKind? DelegationKind,
    DelegateInput? Delegate, DocumentInput? Document, DeliveryInput? Delivery, bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived,
    ReprintReason? Reason, string? ReasonNote, RevocationReason? RevocationReason = null, InteropEvidenceInput? Evidence = null, string? Cip = null,
    string? OutsideHealthAuthorityReason = null)
    : ICommand<InteropRequestView>, IAuditedMessage, IInteropInput
{
    public OperationType OperationType => OperationType.Interoperability;
    public override string ToString() => $"CreateInteropRequestCommand {{ Kind = {Kind}, CardNumber = {CardNumber} }}";
}

public sealed class CreateInteropRequestValidator : AbstractValidator<CreateInteropRequestCommand>
{
    public CreateInteropRequestValidator()
    {
        RuleFor(c => c.Kind).NotNull().IsInEnum();
        RuleFor(c => c.CardNumber).ValidCardNumber();
        InteropInputRules.Apply(this);
    }
}

public sealed class CreateInteropRequestHandler(
    IInteropData db, ICardDirectory cards, InteropRequests requests, ICodeCipher cipher, ICurrentUser user, IOptions<CmsOptions> options,
    TimeProvider clock, AuditScope audit) : ICommandHandler<CreateInteropRequestCommand, InteropRequestView>
{
    public async ValueTask<InteropRequestView> Handle(CreateInteropRequestCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var cardNumber = command.CardNumber!;
        var holder = InteropHolderRules.Normalise(command.Holder!);
        audit.Touch(cardNumber, holder.CodiceFiscale);
        audit.Detail = $"create {command.Kind}";
        // Only the counter types the region's policy names work in interoperability; pharmacies never [T 2.11, S 8] (decision 0038).
        // The endpoints' authorisation policy refuses the others first, with the same problem; this holds for any other way in.
        if (!options.Value.Interop.Policy().Allows(user.CounterType)) throw options.Value.Interop.NotAllowedAtCounter();
        var region = CardNumber.RegionCode(cardNumber);
        if (region == options.Value.Region || await cards.FindCardAsync(cardNumber, cancellationToken) is not null)
            throw new DomainRuleException("card-in-local-registry",
                "La tessera è di questa Regione: l'operazione si fa allo sportello, senza interoperabilità.", RuleKind.Conflict);
        var peer = await db.Peers.AsNoTracking().SingleOrDefaultAsync(p => p.RegionCode == region && p.Enabled, cancellationToken)
            ?? throw Peer.NotRegistered(region);
        var today = RequestViews.Today(now);
        var revocation = command.Kind == InteropKind.Revocation;
        if (revocation)
        {
            // As at a counter: in person or by legal delegation, and theft or loss with their evidence.
            var attendee = AttendeeInputRules.ToDetails(command);
            PeopleRules.EnsureInPersonOrLegalDelegation(attendee.Mode);
            PeopleRules.Check(attendee, holder.CodiceFiscale!, InteropHolderRules.IsMinor(holder, today), today);
            RevocationRules.CheckEvidence(command.RevocationReason!.Value, command.Evidence?.ToEvidence());
        }
        else
        {
            PeopleRules.Check(PeopleInputRules.ToDetails(command), holder.CodiceFiscale!, InteropHolderRules.IsMinor(holder, today), today);
            // A counter of another region is outside the holder's health authority by definition: the reprint states why.
            if (command.Kind == InteropKind.Reprint)
                new ReprintPlace(region, null, command.OutsideHealthAuthorityReason).Check(user.CounterCode!);
        }

        var id = Guid.CreateVersion7();
        var body = new InteropInboundBody(id, command.Kind!.Value, options.Value.Region, user.CounterCode, cardNumber, holder, command.Mode,
            command.DelegationKind, command.Delegate, command.Document, revocation ? null : command.Delivery, command.PrivacyConsent,
            command.HealthDelegationDocumentsReceived, command.Kind == InteropKind.Reprint ? command.Reason : null,
            command.Kind == InteropKind.Reprint ? command.ReasonNote : null,
            revocation ? command.RevocationReason : null, revocation ? command.Evidence : null,
            OutsideHealthAuthorityReason: command.Kind == InteropKind.Reprint ? command.OutsideHealthAuthorityReason?.Trim() : null);
        // The CIP the holder gave travels to the issuing region, which verifies it; here it is kept sealed until then.
        var (secretKeyId, secret) = revocation
            ? cipher.SealBytes(System.Text.Encoding.UTF8.GetBytes(command.Cip!), InteropRequests.SecretContext(id))
            : ((string?)null, (byte[]?)null);
        var request = new InteropRequest(id, command.Kind!.Value, peer.RegionCode, cardNumber, holder.CodiceFiscale!,
            JsonSerializer.Serialize(body, ApiNames.Json), secretKeyId, secret, user.OperatorId!.Value, user.CounterCode!, now,
            RequestViews.PendingFor(options.Value));
        db.InteropRequests.Add(request);
        audit.RequestId = id.ToString();
        if (body.OutsideHealthAuthorityReason is { } outside)
            audit.Detail += $" outside-asl=\"{(outside.Length > 100 ? outside[..100] + "…" : outside)}\"";
        return requests.View(request, now);
    }
}
