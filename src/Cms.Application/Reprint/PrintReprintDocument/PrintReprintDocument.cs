using Cms.Application.Identification.Contracts;
using Cms.Domain.Reprint.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Requests;
using Cms.Application.Reprint.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Reprint;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;

namespace Cms.Application.Reprint.PrintReprintDocument;

/// <summary>The printable forms of a reprint: the request form, and after the confirm the first halves.</summary>
/// <remarks>A command, though the API serves it as a GET (decision 0050): the print changes the request, so the print runs in a unit of
/// work by declaration, not because its audit entry happens to need one.</remarks>
public sealed record PrintReprintDocumentCommand(Guid Id, string? Name) : ICommand<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class PrintReprintDocumentValidator : AbstractValidator<PrintReprintDocumentCommand>
{
    public PrintReprintDocumentValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        RuleFor(c => c.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class PrintReprintDocumentHandler(
    ReprintRequests requests, CounterRequestForms forms, ICodeReleaseForms renderer, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : ICommandHandler<PrintReprintDocumentCommand, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(PrintReprintDocumentCommand command, CancellationToken cancellationToken)
    {
        // The first halves print once per release: the row is locked, so of two prints at once one waits and is then refused. The
        // forms' prints are recorded for the confirm under the same lock as a change of the request.
        var codes = command.Name == ReprintDocumentNames.PersonalCodes;
        var request = await CounterRequestSteps.OpenAsync(audit, requests.LoadAsync, command.Id, "reprint:" + command.Name, cancellationToken);
        var now = clock.GetUtcNow();
        var status = request.StatusAt(now);
        if (codes && request.CodesPrintedAt is { } printedAt) throw CodesPrint.AlreadyPrinted(printedAt);
        CounterRequestForms.EnsureAvailable(command.Name, ReprintDocumentNames.Available(request, status), status);
        var reason = ReprintRequest.Label(request.Reason) + (request.ReasonNote is null ? "" : $": {request.ReasonNote}");
        var model = await forms.ModelAsync(request, codes, "REPRINT", reason, cancellationToken);
        var content = command.Name switch
        {
            ReprintDocumentNames.PersonalCodes => renderer.PersonalCodes(model),
            ReprintDocumentNames.SubstituteDeclaration => renderer.SubstituteDeclaration(model),
            ReprintDocumentNames.HealthDelegationForm => renderer.HealthDelegationRequestForm(model),
            _ => renderer.ActivationRequestForm(model),
        };
        if (codes) request.MarkCodesPrinted(now, user.OperatorId!.Value);
        else request.MarkFormPrinted(command.Name!, now); // a form printed while pending counts for the confirm (sign before confirm)
        return new RenderedDocument($"ristampa-{command.Name}-{request.Id:N}.pdf", content);
    }
}
