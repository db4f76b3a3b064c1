using Cms.Domain.Consents.Contracts;
using Cms.Application.Common.Validation;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Outbound;
using Cms.Application.Consents.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Consents;
using Cms.Domain.Outbound;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Consents.ConfirmConsentRequest;

/// <summary>
/// The consents become the holder's new version, and their sending to the regional FSE system is queued, in one
/// transaction; the background job keeps the outcome ("consents sent").
/// </summary>
public sealed record ConfirmConsentRequestCommand(Guid Id) : ICommand<ConsentRequestResponse>, IAuditedMessage
{
    public OperationType OperationType => OperationType.FseConsents;
}

public sealed class ConfirmConsentRequestValidator : AbstractValidator<ConfirmConsentRequestCommand>
{
    public ConfirmConsentRequestValidator() => RuleFor(c => c.Id).NotEmpty();
}

public sealed class ConfirmConsentRequestHandler(
    IConsentsData db, ConsentRequests requests, OutboundCalls calls, TimeProvider clock, AuditScope audit)
    : ICommandHandler<ConfirmConsentRequestCommand, ConsentRequestResponse>
{
    public async ValueTask<ConsentRequestResponse> Handle(ConfirmConsentRequestCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "confirm";
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.EnsurePending(now);
        var card = await requests.CardAsync(request.CardNumber, cancellationToken);
        ConsentRequests.EnsureConsentable(card);

        // Versions of one holder are numbered one after the other, whatever counter records them.
        await db.LockKeyAsync("consents:" + request.HolderCodiceFiscale, cancellationToken);
        var number = 1 + (await db.ConsentVersions.Where(v => v.HolderCodiceFiscale == request.HolderCodiceFiscale)
            .MaxAsync(v => (int?)v.Number, cancellationToken) ?? 0);
        var versionId = Guid.CreateVersion7();
        var c = request.Choices;
        var call = calls.Enqueue(OutboundTarget.Fse, "CONSENTS", versionId.ToString(), new
        {
            codiceFiscale = request.HolderCodiceFiscale, cardNumber = request.CardNumber, version = number, model = ApiNames.Of(request.Model),
            informationNoticeSeen = c.InformationNoticeSeen, feedingConsent = c.FeedingConsent, consultationConsent = c.ConsultationConsent,
            notificationEmail = c.NotificationEmail, pastData = ApiNames.Of(c.PastData), recordedAt = now, counterCode = request.CounterCode,
            mode = ApiNames.Of(request.Mode), delegateCodiceFiscale = request.Delegate?.CodiceFiscale,
        });
        db.ConsentVersions.Add(new ConsentVersion(versionId, request.HolderCodiceFiscale, request.CardNumber, number, request.Model, c, request.Mode,
            request.Id, request.OperatorId, request.CounterCode, now, call.Id));
        request.Complete(now, versionId);
        audit.Detail = $"confirm version={number} model={request.Model}";
        await db.SaveChangesAsync(cancellationToken);
        return await requests.ResponseAsync(request, card, now, cancellationToken);
    }
}
