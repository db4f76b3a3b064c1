using Cms.Application.Activation.Contracts;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Consents.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using FluentValidation;
using Mediator;

namespace Cms.Application.Consents.GetConsentRequestDocument;

/// <summary>The Dichiarazione consensi, and — for consents collected with an activation — the combined Attivazione e consensi.</summary>
public sealed record GetConsentRequestDocumentQuery(Guid Id, string? Name) : IQuery<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class GetConsentRequestDocumentValidator : AbstractValidator<GetConsentRequestDocumentQuery>
{
    public GetConsentRequestDocumentValidator()
    {
        RuleFor(q => q.Id).NotEmpty();
        RuleFor(q => q.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class GetConsentRequestDocumentHandler(
    ConsentRequests requests, IActivationLookup activations, CounterRequestForms forms, IFormRenderer renderer, ICurrentUser user, TimeProvider clock,
    AuditScope audit)
    : IQueryHandler<GetConsentRequestDocumentQuery, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(GetConsentRequestDocumentQuery query, CancellationToken cancellationToken)
    {
        audit.RequestId = query.Id.ToString();
        audit.Detail = "consents:" + query.Name;
        var request = await requests.LoadAsync(query.Id, cancellationToken);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        var status = request.StatusAt(clock.GetUtcNow());
        // The combined print carries the activation's first halves: it is that release's one print of them.
        var combined = query.Name == ConsentDocumentNames.ActivationAndConsents;
        var activation = combined && request.ActivationId is { } a ? await activations.PrintCodesFormAsync(a, user.OperatorId!.Value, cancellationToken) : null;
        CounterRequestForms.EnsureAvailable(query.Name, ConsentDocumentNames.Available(request, status, activation is not null), status);
        var consents = await requests.FormModelAsync(request, forms, cancellationToken);
        var content = combined
            ? renderer.ActivationAndConsents(activation ?? throw new DomainRuleException("document-not-available", "Attivazione non confermata.", RuleKind.NotFound), consents)
            : renderer.ConsentDeclaration(consents);
        return new RenderedDocument($"{query.Name}-{request.Id:N}.pdf", content);
    }
}
