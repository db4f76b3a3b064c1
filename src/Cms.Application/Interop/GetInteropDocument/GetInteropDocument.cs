using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Common.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Interop.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Interop;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Cms.Application.Interop.GetInteropDocument;

/// <summary>
/// The counter's print of a completed interop request: <c>codici-personali</c>, the first halves the issuing region
/// answered [S 9.3.3 point 6], with the same wording as a local release. Printing is recorded.
/// </summary>
public sealed record GetInteropDocumentQuery(Guid Id, string? Name) : IQuery<RenderedDocument>, IAuditedMessage
{
    public OperationType OperationType => OperationType.DocumentPrint;
}

public sealed class GetInteropDocumentValidator : AbstractValidator<GetInteropDocumentQuery>
{
    public GetInteropDocumentValidator()
    {
        RuleFor(q => q.Id).NotEmpty();
        RuleFor(q => q.Name).NotEmpty().MaximumLength(60);
    }
}

public sealed class GetInteropDocumentHandler(
    ICmsDbContext db, InteropRequests requests, ICodeCipher cipher, IFormRenderer renderer, ICurrentUser user, TimeProvider clock, AuditScope audit)
    : IQueryHandler<GetInteropDocumentQuery, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(GetInteropDocumentQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = query.Id.ToString();
        audit.Detail = "interop:" + query.Name;
        if (query.Name != InteropRequests.PersonalCodes)
            throw new DomainRuleException("document-not-found", "Documento non previsto per questa richiesta.", RuleKind.NotFound);
        // Printed once: the row is locked (two prints at once: one waits, then is refused) and the sealed halves erased with the print.
        var request = await requests.LoadAsync(query.Id, cancellationToken, forUpdate: true);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        if (request.CodesPrintedAt is { } printedAt) throw CodesPrint.AlreadyPrinted(printedAt);
        if (InteropRequests.FirstHalvesPurged(request))
            throw new DomainRuleException("first-halves-purged", InteropRequests.FirstHalvesPurgedText, RuleKind.Conflict);
        if (request.StatusAt(now) != InteropStatus.Completed || request.FirstHalvesCiphertext is null)
            throw new DomainRuleException("document-not-available",
                "I codici si stampano quando la Regione emittente ha completato la richiesta.", RuleKind.Conflict)
                .With("requestStatus", request.StatusAt(now));
        var firstHalves = JsonSerializer.Deserialize<CodeParts>(
            cipher.OpenBytes(request.FirstHalvesKeyId!, request.FirstHalvesCiphertext, InteropRequests.FirstHalvesContext(request.Id)), ApiNames.Json)!;
        var body = InteropRequests.Body(request);
        var counter = await db.Counters.AsNoTracking().Where(c => c.Code == request.CounterCode).Select(c => c.Name).SingleOrDefaultAsync(cancellationToken);
        var h = body.Holder!;
        RuleExtensions.TryParseDate(h.BirthDate, out var birth);
        var holder = new PersonOnForm(h.Surname!, h.GivenName!, h.CodiceFiscale!, BirthDate: birth);
        var requester = body.Delegate is { } d ? new PersonOnForm(d.Surname!.ToUpperInvariant(), d.GivenName!.ToUpperInvariant(), d.CodiceFiscale!) : holder;
        var model = new ActivationFormModel(request.CounterCode, counter ?? request.CounterCode, request.Id, now, request.CardNumber,
            request.CardExpiryDate ?? default, holder, requester, body.Mode!.Value, body.DelegationKind, RequestInputRules.ToDocument(body.Document!),
            RequestInputRules.ToDelivery(body.Delivery!), true, firstHalves, request.Kind == InteropKind.Reprint ? "REPRINT" : "ACTIVATION");
        var content = renderer.PersonalCodes(model);
        request.MarkCodesPrinted(now, user.OperatorId!.Value);
        return new RenderedDocument($"{query.Name}-{request.Id:N}.pdf", content);
    }
}
