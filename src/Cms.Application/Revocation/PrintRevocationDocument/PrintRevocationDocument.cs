using Cms.Application.Identification.Contracts;
using Cms.Domain.Revocation.Contracts;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Requests;
using Cms.Application.Revocation.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Revocation;
using FluentValidation;
using Mediator;

namespace Cms.Application.Revocation.PrintRevocationDocument;

/// <summary>
/// The Modulo di richiesta revoca, in the direct or the delegated wording of the seeds [T 2.5.1, 2.5.2]. Producing it
/// while the request is pending is recorded: the confirm is accepted only after it.
/// </summary>
/// <remarks>A command, though the API serves it as a GET (decision 0050): the print changes the request, so the print runs in a unit of
/// work by declaration, not because its audit entry happens to need one.</remarks>
public sealed record PrintRevocationDocumentCommand(Guid Id, string? Name) : ICommand<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class PrintRevocationDocumentValidator : AbstractValidator<PrintRevocationDocumentCommand>
{
    public PrintRevocationDocumentValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        RuleFor(c => c.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class PrintRevocationDocumentHandler(
    RevocationRequests requests, CounterRequestForms forms, IRevocationForms renderer, TimeProvider clock, AuditScope audit)
    : ICommandHandler<PrintRevocationDocumentCommand, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(PrintRevocationDocumentCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var request = await CounterRequestSteps.OpenAsync(audit, requests.LoadAsync, command.Id, "revocation:" + command.Name, cancellationToken);
        var status = request.StatusAt(now);
        CounterRequestForms.EnsureAvailable(command.Name, RevocationDocumentNames.Available(status), status);
        var basics = await forms.BasicsAsync(request.CardNumber, request.CounterCode, cancellationToken);
        var evidence = LossEvidence.Describe(request.EvidenceKind, request.EvidenceReference);
        var delegatePerson = request.Delegate is { } d ? new PersonOnForm(d.Surname, d.GivenName, d.CodiceFiscale) : null;
        var content = renderer.RevocationRequestForm(new RevocationFormModel(basics, request.Id, delegatePerson, request.Mode, request.DelegationKind,
            request.Document, RevocationRequest.Label(request.Reason), evidence, request.CipRequired ? null : RevocationRequest.NoCipNote));
        request.MarkFormPrinted(now);
        return new RenderedDocument($"revoca-{command.Name}-{request.Id:N}.pdf", content);
    }
}
