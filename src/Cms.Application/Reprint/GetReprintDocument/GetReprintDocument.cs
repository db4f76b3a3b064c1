using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Reprint.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Reprint;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;

namespace Cms.Application.Reprint.GetReprintDocument;

/// <summary>The printable forms of a reprint: the request form, and after the confirm the first halves.</summary>
public sealed record GetReprintDocumentQuery(Guid Id, string? Name) : IQuery<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class GetReprintDocumentValidator : AbstractValidator<GetReprintDocumentQuery>
{
    public GetReprintDocumentValidator()
    {
        RuleFor(q => q.Id).NotEmpty();
        RuleFor(q => q.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class GetReprintDocumentHandler(
    ReprintRequests requests, CounterRequestForms forms, IFormRenderer renderer, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : IQueryHandler<GetReprintDocumentQuery, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(GetReprintDocumentQuery query, CancellationToken cancellationToken)
    {
        audit.RequestId = query.Id.ToString();
        audit.Detail = "reprint:" + query.Name;
        // The first halves print once per release: the row is locked, so of two prints at once one waits and is then refused. The
        // forms' prints are recorded for the confirm under the same lock as a change of the request.
        var codes = query.Name == ReprintDocumentNames.PersonalCodes;
        var request = await requests.LoadAsync(query.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        var now = clock.GetUtcNow();
        var status = request.StatusAt(now);
        if (codes && request.CodesPrintedAt is { } printedAt) throw CodesPrint.AlreadyPrinted(printedAt);
        CounterRequestForms.EnsureAvailable(query.Name, ReprintDocumentNames.Available(request, status), status);
        var reason = ReprintRequest.Label(request.Reason) + (request.ReasonNote is null ? "" : $": {request.ReasonNote}");
        var model = await forms.ModelAsync(request, codes, "REPRINT", reason, cancellationToken);
        var content = query.Name switch
        {
            ReprintDocumentNames.PersonalCodes => renderer.PersonalCodes(model),
            ReprintDocumentNames.SubstituteDeclaration => renderer.SubstituteDeclaration(model),
            ReprintDocumentNames.HealthDelegationForm => renderer.HealthDelegationRequestForm(model),
            _ => renderer.ActivationRequestForm(model),
        };
        if (codes) request.MarkCodesPrinted(now, user.OperatorId!.Value);
        else request.MarkFormPrinted(query.Name!, now); // a form printed while pending counts for the confirm (sign before confirm)
        return new RenderedDocument($"ristampa-{query.Name}-{request.Id:N}.pdf", content);
    }
}
