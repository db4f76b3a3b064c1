using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Readers.Common;
using Cms.Domain.Auditing;
using FluentValidation;
using Mediator;

namespace Cms.Application.Readers.GetReaderDeliveryDocument;

/// <summary>The Modulo di richiesta e consegna lettore smart-card [T 2.6]; producing it while pending unlocks the confirm.</summary>
public sealed record GetReaderDeliveryDocumentQuery(Guid Id, string? Name) : IQuery<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class GetReaderDeliveryDocumentValidator : AbstractValidator<GetReaderDeliveryDocumentQuery>
{
    public GetReaderDeliveryDocumentValidator()
    {
        RuleFor(q => q.Id).NotEmpty();
        RuleFor(q => q.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class GetReaderDeliveryDocumentHandler(
    ReaderDeliveries deliveries, CounterRequestForms forms, IFormRenderer renderer, TimeProvider clock, AuditScope audit)
    : IQueryHandler<GetReaderDeliveryDocumentQuery, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(GetReaderDeliveryDocumentQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = query.Id.ToString();
        audit.Detail = "reader:" + query.Name;
        var request = await deliveries.LoadAsync(query.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        var status = request.StatusAt(now);
        CounterRequestForms.EnsureAvailable(query.Name, ReaderDocumentNames.Available(status), status);
        var basics = await forms.BasicsAsync(request.CardNumber, request.CounterCode, cancellationToken);
        var count = await deliveries.CountAsync(request.HolderCodiceFiscale, request.HouseholdId, cancellationToken);
        var content = renderer.ReaderDeliveryForm(new ReaderFormModel(basics, request.Id, count.Holder, count.Household ?? count.Holder, request.OverrideReason));
        request.MarkFormPrinted(now);
        return new RenderedDocument($"lettore-{query.Name}-{request.Id:N}.pdf", content);
    }
}
