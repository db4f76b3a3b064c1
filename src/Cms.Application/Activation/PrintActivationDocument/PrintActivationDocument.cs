using Cms.Application.Identification.Contracts;
using Cms.Application.Activation.Common;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Requests;
using Cms.Domain.Auditing;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;

namespace Cms.Application.Activation.PrintActivationDocument;

/// <summary>A printable form of an activation request; printing is recorded.</summary>
/// <remarks>A command, though the API serves it as a GET (decision 0050): the print changes the request, so the print runs in a unit of
/// work by declaration, not because its audit entry happens to need one.</remarks>
public sealed record PrintActivationDocumentCommand(Guid Id, string? Name) : ICommand<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class PrintActivationDocumentValidator : AbstractValidator<PrintActivationDocumentCommand>
{
    public PrintActivationDocumentValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        RuleFor(c => c.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class PrintActivationDocumentHandler(
    ActivationRequests requests, CounterRequestForms forms, ICodeReleaseForms renderer, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : ICommandHandler<PrintActivationDocumentCommand, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(PrintActivationDocumentCommand command, CancellationToken cancellationToken)
    {
        // The first halves print once per release: the row is locked, so of two prints at once one waits and is then refused. A form
        // printed while pending is recorded for the confirm (sign before confirm), under the same lock as a change of the request.
        var codes = command.Name == ActivationDocumentNames.PersonalCodes;
        var request = await CounterRequestSteps.OpenAsync(audit, requests.LoadAsync, command.Id, "activation:" + command.Name, cancellationToken);
        var now = clock.GetUtcNow();
        var status = request.StatusAt(now);
        if (codes && request.CodesPrintedAt is { } printedAt) throw CodesPrint.AlreadyPrinted(printedAt);
        CounterRequestForms.EnsureAvailable(command.Name, ActivationDocumentNames.Available(request, status), status);
        var model = await forms.ModelAsync(request, codes, "ACTIVATION", null, cancellationToken);
        if (codes) request.MarkCodesPrinted(now, user.OperatorId!.Value);
        else request.MarkFormPrinted(command.Name!, now);
        var content = command.Name switch
        {
            ActivationDocumentNames.RequestForm => renderer.ActivationRequestForm(model),
            ActivationDocumentNames.PersonalCodes => renderer.PersonalCodes(model),
            ActivationDocumentNames.HealthDelegationForm => renderer.HealthDelegationRequestForm(model),
            _ => renderer.SubstituteDeclaration(model),
        };
        return new RenderedDocument($"{command.Name}-{request.Id:N}.pdf", content);
    }
}
