using Cms.Application.Identification.Contracts;
using Cms.Application.Activation.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Requests;
using Cms.Application.Consents.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;

namespace Cms.Application.Consents.PrintConsentRequestDocument;

/// <summary>The Dichiarazione consensi, and — for consents collected with an activation — the combined Attivazione e consensi.</summary>
/// <remarks>A command, though the API serves it as a GET (decision 0050): the print changes the request, so the print runs in a unit of
/// work by declaration, not because its audit entry happens to need one.</remarks>
public sealed record PrintConsentRequestDocumentCommand(Guid Id, string? Name) : ICommand<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class PrintConsentRequestDocumentValidator : AbstractValidator<PrintConsentRequestDocumentCommand>
{
    public PrintConsentRequestDocumentValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        RuleFor(c => c.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class PrintConsentRequestDocumentHandler(
    ConsentRequests requests, IActivationLookup activations, CounterRequestForms forms, IConsentForms renderer, ICurrentUser user, TimeProvider clock,
    AuditScope audit)
    : ICommandHandler<PrintConsentRequestDocumentCommand, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(PrintConsentRequestDocumentCommand command, CancellationToken cancellationToken)
    {
        var request = await CounterRequestSteps.OpenAsync(audit, requests.LoadAsync, command.Id, "consents:" + command.Name, cancellationToken, forUpdate: false);
        var status = request.StatusAt(clock.GetUtcNow());
        // The combined print carries the activation's first halves: it is that release's one print of them.
        var combined = command.Name == ConsentDocumentNames.ActivationAndConsents;
        var activation = combined && request.ActivationId is { } a ? await activations.PrintCodesFormAsync(a, user.OperatorId!.Value, cancellationToken) : null;
        CounterRequestForms.EnsureAvailable(command.Name, ConsentDocumentNames.Available(request, status, activation is not null), status);
        var consents = await requests.FormModelAsync(request, forms, cancellationToken);
        var content = combined
            ? renderer.ActivationAndConsents(activation ?? throw new DomainRuleException("document-not-available", "Attivazione non confermata.", RuleKind.NotFound), consents)
            : renderer.ConsentDeclaration(consents);
        return new RenderedDocument($"{command.Name}-{request.Id:N}.pdf", content);
    }
}
