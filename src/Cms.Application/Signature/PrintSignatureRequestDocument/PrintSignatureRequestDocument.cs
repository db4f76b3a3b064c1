using Cms.Application.Identification.Contracts;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Requests;
using Cms.Application.Signature.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Signature.PrintSignatureRequestDocument;

/// <summary>
/// The Modulo di richiesta del certificato di firma digitale [S 9.3.2 point 8]: printed and signed by the holder before the confirm;
/// producing it while the request is pending is recorded on the request.
/// </summary>
/// <remarks>A command, though the API serves it as a GET (decision 0050): the print changes the request, so the print runs in a unit of
/// work by declaration, not because its audit entry happens to need one.</remarks>
public sealed record PrintSignatureRequestDocumentCommand(Guid Id, string? Name) : ICommand<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class PrintSignatureRequestDocumentValidator : AbstractValidator<PrintSignatureRequestDocumentCommand>
{
    public PrintSignatureRequestDocumentValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        RuleFor(c => c.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class PrintSignatureRequestDocumentHandler(
    SignatureRequests requests, CounterRequestForms forms, ISignatureForms renderer, TimeProvider clock, AuditScope audit)
    : ICommandHandler<PrintSignatureRequestDocumentCommand, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(PrintSignatureRequestDocumentCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var request = await CounterRequestSteps.OpenAsync(audit, requests.LoadAsync, command.Id, "signature:" + command.Name, cancellationToken);
        var status = request.StatusAt(now);
        CounterRequestForms.EnsureAvailable(command.Name, SignatureDocumentNames.Available(status), status);
        var basics = await forms.BasicsAsync(request.CardNumber, request.CounterCode, cancellationToken);
        var content = renderer.SignatureRequestForm(new SignatureFormModel(basics, request.Id, request.Document, requests.CertificationAuthority));
        request.MarkFormPrinted(now);
        return new RenderedDocument($"firma-digitale-{command.Name}-{request.Id:N}.pdf", content);
    }
}
