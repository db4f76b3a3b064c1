using Cms.Application.Identification.Contracts;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Requests;
using Cms.Application.Readers.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Readers.PrintReaderDeliveryDocument;

/// <summary>The Modulo di richiesta e consegna lettore smart-card [T 2.6]; producing it while pending unlocks the confirm.</summary>
/// <remarks>A command, though the API serves it as a GET (decision 0050): the print changes the request, so the print runs in a unit of
/// work by declaration, not because its audit entry happens to need one.</remarks>
public sealed record PrintReaderDeliveryDocumentCommand(Guid Id, string? Name) : ICommand<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class PrintReaderDeliveryDocumentValidator : AbstractValidator<PrintReaderDeliveryDocumentCommand>
{
    public PrintReaderDeliveryDocumentValidator()
    {
        RuleFor(c => c.Id).NotEmpty();
        RuleFor(c => c.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class PrintReaderDeliveryDocumentHandler(
    ReaderDeliveries deliveries, CounterRequestForms forms, IReaderForms renderer, TimeProvider clock, AuditScope audit)
    : ICommandHandler<PrintReaderDeliveryDocumentCommand, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(PrintReaderDeliveryDocumentCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var request = await CounterRequestSteps.OpenAsync(audit, deliveries.LoadAsync, command.Id, "reader:" + command.Name, cancellationToken);
        var status = request.StatusAt(now);
        CounterRequestForms.EnsureAvailable(command.Name, ReaderDocumentNames.Available(status), status);
        var basics = await forms.BasicsAsync(request.CardNumber, request.CounterCode, cancellationToken);
        var count = await deliveries.CountAsync(request.HolderCodiceFiscale, request.HouseholdId, cancellationToken);
        var content = renderer.ReaderDeliveryForm(new ReaderFormModel(basics, request.Id, count.Holder, count.Household ?? count.Holder, request.OverrideReason));
        request.MarkFormPrinted(now);
        return new RenderedDocument($"lettore-{command.Name}-{request.Id:N}.pdf", content);
    }
}
