using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Signature.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Signature;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Signature.CreateSignatureRequest;

/// <summary>
/// Step one of a digital-signature certificate request [S 7, S 9.3.2 point 8]: the active card of an adult holder, present in person
/// with an identity document. The answer is the summary with the steps still missing: the request form printed and signed, the confirm.
/// One request per card at a time.
/// </summary>
public sealed record CreateSignatureRequestCommand(string? CardNumber, DocumentInput? Document, bool? PrivacyConsent)
    : ICommand<SignatureRequestResponse>, IAuditedMessage, ISignatureInput
{
    public OperationType OperationType => OperationType.SignatureCertificate;
}

public sealed class CreateSignatureRequestValidator : AbstractValidator<CreateSignatureRequestCommand>
{
    public CreateSignatureRequestValidator()
    {
        RuleFor(c => c.CardNumber).ValidCardNumber();
        SignatureInputRules.Apply(this);
    }
}

public sealed class CreateSignatureRequestHandler(
    ISignatureData db, SignatureRequests requests, ICurrentUser user, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit)
    : ICommandHandler<CreateSignatureRequestCommand, SignatureRequestResponse>
{
    public async ValueTask<SignatureRequestResponse> Handle(CreateSignatureRequestCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.CardNumber = command.CardNumber;
        audit.Detail = "create";
        var card = await requests.CardAsync(command.CardNumber!, cancellationToken);
        audit.Touch(card.CardNumber, card.Holder.CodiceFiscale);
        SignatureRequests.EnsureEligible(card);
        var request = new SignatureCertificateRequest(Guid.CreateVersion7(), card.CardNumber, card.Holder.CodiceFiscale, user.OperatorId!.Value,
            user.CounterCode!, now, RequestViews.PendingFor(options.Value), RequestInputRules.ToDocument(command.Document!),
            command.PrivacyConsent == true, card.Holder.Minor);
        await requests.EnsureNoOtherAsync(card.CardNumber, null, now, cancellationToken);
        db.SignatureRequests.Add(request);
        audit.RequestId = request.Id.ToString();
        return requests.Response(request, card, now, null);
    }
}
