using System.Text.Json;
using Cms.Application.Activation.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Identification.Contracts;
using Cms.Application.Interop.Common;
using Cms.Application.Interop.Contracts;
using Cms.Application.Reprint.Contracts;
using Cms.Application.Revocation.Contracts;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Interop;
using FluentValidation;
using Mediator;
using Cms.Application.Common.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Interop.ReceiveInteropRequest;

/// <summary>
/// A peer region's counter asks this region (the card's issuer) to activate, reprint or revoke [SPEC §3.11]. The peer is already
/// authenticated (signature, fresh timestamp, never-seen signature). Done under this region's own rules, once per request
/// id: a repeat gets the first answer again; the second halves leave from here, by this region's delivery.
/// </summary>
public sealed record ReceiveInteropRequestCommand(InteropInboundBody Body) : ICommand<InteropInboundAnswer>, IAuditedMessage
{
    public OperationType OperationType => Body.Kind switch
    {
        InteropKind.Activation => OperationType.Activation,
        InteropKind.Reprint => OperationType.Reprint,
        _ => OperationType.Revocation,
    };
}

public sealed class ReceiveInteropRequestValidator : AbstractValidator<ReceiveInteropRequestCommand>
{
    public ReceiveInteropRequestValidator()
    {
        RuleFor(c => c.Body).NotNull();
        When(c => c.Body is not null, () =>
        {
            RuleFor(c => c.Body.RequestId).NotEmpty().OverridePropertyName("requestId");
            RuleFor(c => c.Body.Kind).IsInEnum().OverridePropertyName("kind");
            RuleFor(c => c.Body.CardNumber).ValidCardNumber().OverridePropertyName("cardNumber");
            RuleFor(c => c.Body.OriginRegion).NotEmpty().RegionCode().OverridePropertyName("originRegion");
            RuleFor(c => c.Body.OriginCounter).NotEmpty().MaximumLength(40).OverridePropertyName("originCounter");
            RuleFor(c => c.Body).SetValidator(new BodyValidator());
        });
    }

    private sealed class BodyValidator : AbstractValidator<InteropInboundBody>
    {
        public BodyValidator() => InteropInputRules.Apply(this);
    }
}

public sealed class ReceiveInteropRequestHandler(
    IInteropData db, ICardDirectory cards, IPeerActivations activations, IPeerReprints reprints, IPeerRevocations revocations, ICodeCipher cipher,
    ICurrentUser user, IOptions<CmsOptions> options, IInboundEvidence evidence,
    TimeProvider clock, AuditScope audit) : ICommandHandler<ReceiveInteropRequestCommand, InteropInboundAnswer>
{
    public async ValueTask<InteropInboundAnswer> Handle(ReceiveInteropRequestCommand command, CancellationToken cancellationToken)
    {
        var body = command.Body;
        var region = user.Region!;
        var holder = InteropHolderRules.Normalise(body.Holder!);
        audit.Touch(body.CardNumber, holder.CodiceFiscale);
        audit.RequestId = body.RequestId.ToString();
        // AUDIT_REST_02 (decision 0059): who asked at the requesting region, from which counter, how they signed in, as it signed.
        // The whole signed evidence is kept with the inbound request; the trail's detail (200 characters) names the operator, the
        // level of assurance, the counter when it is not the request's, and the evidence's jti (its first 8 characters).
        var tracking = evidence.Current is { } e
            ? $" by={e.UserId} loa={e.LoA}{(e.UserLocation == body.OriginCounter ? "" : " at=" + e.UserLocation)} ev={e.Jti[..Math.Min(8, e.Jti.Length)]}"
            : "";
        audit.Detail = $"interop-inbound {body.Kind} from={region} counter={body.OriginCounter}{tracking}";
        if (body.OriginRegion != region)
            throw new DomainRuleException("interop-origin-mismatch", "La Regione indicata nella richiesta non è quella che la firma.", RuleKind.Forbidden);

        // One request id, one operation: a repeat waits for the first to finish, then gets its answer.
        await db.LockKeyAsync($"interop-inbound:{region}:{body.RequestId:N}", cancellationToken);
        var seen = await db.InboundInteropRequests.AsNoTracking()
            .SingleOrDefaultAsync(r => r.PeerRegion == region && r.RequestId == body.RequestId, cancellationToken);
        if (seen is not null)
        {
            audit.Detail += " repeat";
            // Kept only as long as a sender repeats (Interop:PurgeAnswersAfterDays): the operation is not done twice either way.
            if (seen.AnswerKeyId is null || seen.AnswerCiphertext is null)
                throw new DomainRuleException("interop-answer-purged",
                    "La richiesta è già stata eseguita da questa Regione, ma la sua risposta non è più conservata: per nuovi codici serve una ristampa.",
                    RuleKind.Conflict);
            return JsonSerializer.Deserialize<InteropInboundAnswer>(
                cipher.OpenBytes(seen.AnswerKeyId, seen.AnswerCiphertext, AnswerContext(region, body.RequestId)), ApiNames.Json)!;
        }

        // The holder as the other counter saw them must be the card's holder here.
        var card = await cards.RequireCardAsync(body.CardNumber!, cancellationToken);
        RuleExtensions.TryParseDate(holder.BirthDate, out var birth);
        if (card.Holder.CodiceFiscale != holder.CodiceFiscale || !InteropHolderRules.SameName(card.Holder.Surname, holder.Surname)
            || !InteropHolderRules.SameName(card.Holder.GivenName, holder.GivenName) || card.Holder.BirthDate != birth)
            throw new DomainRuleException("holder-data-mismatch",
                "I dati del titolare non corrispondono a quelli della tessera presso la Regione emittente: l'operazione è interrotta.",
                RuleKind.Conflict);

        var origin = new PeerOrigin(user.OperatorId!.Value, region, user.CounterCode!);
        InteropInboundAnswer answer;
        if (body.Kind == InteropKind.Revocation)
        {
            var revoked = await revocations.RevokeAsync(card.CardNumber, body, body.RevocationReason!.Value, body.Evidence?.ToEvidence(), body.Cip!,
                origin, cancellationToken);
            answer = new InteropInboundAnswer(body.RequestId, body.Kind, revoked.LocalRequestId, card.CardNumber, revoked.CardState,
                revoked.CardExpiryDate, null, null);
        }
        else
        {
            // Under this region's policy the requesting region must have proved the recipient, as a counter here would.
            if (options.Value.RecipientProof.Required && body.RecipientVerifiedAt is null)
                throw new DomainRuleException("recipient-not-verified",
                    "La Regione emittente richiede che il destinatario dei codici sia verificato con il codice di verifica prima della conferma: " +
                    "la richiesta non ne riporta la verifica.");
            var release = body.Kind == InteropKind.Activation
                ? await activations.ActivateAsync(card.CardNumber, body, origin, cancellationToken)
                : await reprints.ReprintAsync(card.CardNumber, body, body.Reason!.Value, body.ReasonNote, body.OutsideHealthAuthorityReason, origin,
                    cancellationToken);
            answer = new InteropInboundAnswer(body.RequestId, body.Kind, release.LocalRequestId, card.CardNumber, release.CardState,
                release.CardExpiryDate, release.FirstHalves, release.DeliveryId);
        }
        var (keyId, ciphertext) = cipher.SealBytes(JsonSerializer.SerializeToUtf8Bytes(answer, ApiNames.Json), AnswerContext(region, body.RequestId));
        db.InboundInteropRequests.Add(new InboundInteropRequest(region, body.RequestId, body.Kind, card.CardNumber, answer.LocalRequestId,
            keyId, ciphertext, clock.GetUtcNow(), evidence.Current?.Token));
        audit.Detail = $"interop-inbound {body.Kind} from={region} counter={body.OriginCounter} local={answer.LocalRequestId}{tracking}" +
            (body.RecipientVerifiedAt is null ? "" : " recipient=proved-by-origin");
        return answer;
    }

    public static string AnswerContext(string region, Guid requestId) => $"interop-answer:{region}:{requestId:N}";
}
