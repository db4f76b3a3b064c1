using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Revocation.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Revocation;
using FluentValidation;
using Mediator;

namespace Cms.Application.Revocation.GetRevocationDocument;

/// <summary>
/// The Modulo di richiesta revoca, in the direct or the delegated wording of the seeds [T 2.5.1, 2.5.2]. Producing it
/// while the request is pending is recorded: the confirm is accepted only after it.
/// </summary>
public sealed record GetRevocationDocumentQuery(Guid Id, string? Name) : IQuery<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class GetRevocationDocumentValidator : AbstractValidator<GetRevocationDocumentQuery>
{
    public GetRevocationDocumentValidator()
    {
        RuleFor(q => q.Id).NotEmpty();
        RuleFor(q => q.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class GetRevocationDocumentHandler(
    RevocationRequests requests, CounterRequestForms forms, IFormRenderer renderer, TimeProvider clock, AuditScope audit)
    : IQueryHandler<GetRevocationDocumentQuery, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(GetRevocationDocumentQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = query.Id.ToString();
        audit.Detail = "revocation:" + query.Name;
        var request = await requests.LoadAsync(query.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        var status = request.StatusAt(now);
        CounterRequestForms.EnsureAvailable(query.Name, RevocationDocumentNames.Available(status), status);
        var basics = await forms.BasicsAsync(request.CardNumber, request.CounterCode, cancellationToken);
        var evidence = LossEvidence.Describe(request.EvidenceKind, request.EvidenceReference);
        var delegatePerson = request.Delegate is { } d ? new PersonOnForm(d.Surname, d.GivenName, d.CodiceFiscale) : null;
        var content = renderer.RevocationRequestForm(new RevocationFormModel(basics, request.Id, delegatePerson, request.Mode, request.DelegationKind,
            request.Document, RevocationRequest.Label(request.Reason), evidence, request.CipRequired ? null : RevocationRequest.NoCipNote));
        request.MarkFormPrinted(now);
        return new RenderedDocument($"revoca-{query.Name}-{request.Id:N}.pdf", content);
    }
}
