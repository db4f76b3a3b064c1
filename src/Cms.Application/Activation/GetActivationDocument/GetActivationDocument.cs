using Cms.Application.Activation.Common;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Domain.Auditing;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;

namespace Cms.Application.Activation.GetActivationDocument;

/// <summary>A printable form of an activation request; printing is recorded.</summary>
public sealed record GetActivationDocumentQuery(Guid Id, string? Name) : IQuery<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class GetActivationDocumentValidator : AbstractValidator<GetActivationDocumentQuery>
{
    public GetActivationDocumentValidator()
    {
        RuleFor(q => q.Id).NotEmpty();
        RuleFor(q => q.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class GetActivationDocumentHandler(
    ActivationRequests requests, CounterRequestForms forms, IFormRenderer renderer, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : IQueryHandler<GetActivationDocumentQuery, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(GetActivationDocumentQuery query, CancellationToken cancellationToken)
    {
        audit.RequestId = query.Id.ToString();
        audit.Detail = "activation:" + query.Name;
        // The first halves print once per release: the row is locked, so of two prints at once one waits and is then refused. A form
        // printed while pending is recorded for the confirm (sign before confirm), under the same lock as a change of the request.
        var codes = query.Name == ActivationDocumentNames.PersonalCodes;
        var request = await requests.LoadAsync(query.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        var now = clock.GetUtcNow();
        var status = request.StatusAt(now);
        if (codes && request.CodesPrintedAt is { } printedAt) throw CodesPrint.AlreadyPrinted(printedAt);
        CounterRequestForms.EnsureAvailable(query.Name, ActivationDocumentNames.Available(request, status), status);
        var model = await forms.ModelAsync(request, codes, "ACTIVATION", null, cancellationToken);
        if (codes) request.MarkCodesPrinted(now, user.OperatorId!.Value);
        else request.MarkFormPrinted(query.Name!, now);
        var content = query.Name switch
        {
            ActivationDocumentNames.RequestForm => renderer.ActivationRequestForm(model),
            ActivationDocumentNames.PersonalCodes => renderer.PersonalCodes(model),
            ActivationDocumentNames.HealthDelegationForm => renderer.HealthDelegationRequestForm(model),
            _ => renderer.SubstituteDeclaration(model),
        };
        return new RenderedDocument($"{query.Name}-{request.Id:N}.pdf", content);
    }
}
