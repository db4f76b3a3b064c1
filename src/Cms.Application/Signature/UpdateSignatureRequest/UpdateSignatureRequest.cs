using Cms.Application.Common.Auditing;
using Cms.Application.Common.Options;
using Cms.Application.Requests;
using Cms.Application.Signature.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cms.Application.Signature.UpdateSignatureRequest;

/// <summary>Corrects the document or the privacy consent of a pending request; the form must be printed and signed again.</summary>
public sealed record UpdateSignatureRequestCommand(Guid Id, DocumentInput? Document, bool? PrivacyConsent)
    : ICommand<SignatureRequestResponse>, IAuditedMessage, ISignatureInput
{
    public OperationType OperationType => OperationType.SignatureCertificate;
}

public sealed class UpdateSignatureRequestValidator : AbstractValidator<UpdateSignatureRequestCommand>
{
    public UpdateSignatureRequestValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        SignatureInputRules.Apply(this);
    }
}

public sealed class UpdateSignatureRequestHandler(SignatureRequests requests, IOptions<CmsOptions> options, TimeProvider clock, AuditScope audit)
    : ICommandHandler<UpdateSignatureRequestCommand, SignatureRequestResponse>
{
    public async ValueTask<SignatureRequestResponse> Handle(UpdateSignatureRequestCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = command.Id.ToString();
        audit.Detail = "modify";
        var request = await requests.LoadAsync(command.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        request.EnsurePending(now);
        var card = await requests.CardAsync(request.CardNumber, cancellationToken);
        SignatureRequests.EnsureEligible(card);
        request.Modify(RequestInputRules.ToDocument(command.Document!), command.PrivacyConsent == true, card.Holder.Minor, now,
            RequestViews.PendingFor(options.Value));
        return requests.Response(request, card, now, null);
    }
}
