using Cms.Domain.Reprint.Contracts;
using Cms.Domain.Identification.Contracts;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Identification.Contracts;
using Cms.Application.Reprint.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Identification;
using Cms.Domain.Reprint;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Reprint.UpdateReprint;

public sealed record UpdateReprintCommand(
    Guid Id, string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
    DeliveryInput? Delivery, bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, ReprintReason? Reason, string? ReasonNote,
    string? OutsideHealthAuthorityReason = null, SpecialCasesInput? SpecialCases = null, ChipData? DelegateCard = null)
    : ICommand<ReprintResponse>, IAuditedMessage, IReprintInput, IDelegateCardInput
{
    public OperationType OperationType => OperationType.Reprint;
}

public sealed class UpdateReprintValidator : AbstractValidator<UpdateReprintCommand>
{
    public UpdateReprintValidator()
    {
        PeopleInputRules.Apply(this);
        DelegateCards.Rules(this);
        ReprintInputRules.Apply(this);
    }
}

public sealed class UpdateReprintHandler(ReprintRequests requests, DelegateCards delegateCards, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit)
    : ICommandHandler<UpdateReprintCommand, ReprintResponse>
{
    public async ValueTask<ReprintResponse> Handle(UpdateReprintCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "modify";
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        if (command.CardNumber is not null && command.CardNumber != request.CardNumber)
            throw new DomainRuleException("card-number-immutable", "Il numero di tessera di una richiesta non si può cambiare: crearne una nuova.");
        request.EnsurePending(now);
        var card = await requests.CardAsync(request.CardNumber, cancellationToken);
        CardRules.EnsureReprintable(card.State);
        var people = await delegateCards.ResolveAsync(PeopleInputRules.ToDetails(command), command.DelegateCard, card, request.Delegate,
            cancellationToken);
        PeopleRules.Check(people, card.Holder.CodiceFiscale, card.Holder.Minor, RequestViews.Today(now),
            options.Value.Documents.SpecialCases, card.Holder.BirthDate);
        request.Modify(people, command.Reason!.Value, command.ReasonNote, ReprintInputRules.Place(card, command.OutsideHealthAuthorityReason), now,
            RequestViews.PendingFor(options.Value));
        audit.Detail = "modify" + ReprintInputRules.AuditSuffix(request) + DelegateCards.AuditSuffix(request.Delegate);
        return requests.Response(request, card, now);
    }
}
