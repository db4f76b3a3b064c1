using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Signature.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Signature.GetSignatureRequestDocument;

/// <summary>
/// The Modulo di richiesta del certificato di firma digitale [S 9.3.2 point 8]: printed and signed by the holder before the confirm;
/// producing it while the request is pending is recorded on the request.
/// </summary>
public sealed record GetSignatureRequestDocumentQuery(Guid Id, string? Name) : IQuery<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class GetSignatureRequestDocumentValidator : AbstractValidator<GetSignatureRequestDocumentQuery>
{
    public GetSignatureRequestDocumentValidator()
    {
        RuleFor(q => q.Id).NotEmpty();
        RuleFor(q => q.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class GetSignatureRequestDocumentHandler(
    SignatureRequests requests, CounterRequestForms forms, IFormRenderer renderer, TimeProvider clock, AuditScope audit)
    : IQueryHandler<GetSignatureRequestDocumentQuery, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(GetSignatureRequestDocumentQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = query.Id.ToString();
        audit.Detail = "signature:" + query.Name;
        var request = await requests.LoadAsync(query.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        var status = request.StatusAt(now);
        CounterRequestForms.EnsureAvailable(query.Name, SignatureDocumentNames.Available(status), status);
        var basics = await forms.BasicsAsync(request.CardNumber, request.CounterCode, cancellationToken);
        var content = renderer.SignatureRequestForm(new SignatureFormModel(basics, request.Id, request.Document, requests.CertificationAuthority));
        request.MarkFormPrinted(now);
        return new RenderedDocument($"firma-digitale-{query.Name}-{request.Id:N}.pdf", content);
    }
}
