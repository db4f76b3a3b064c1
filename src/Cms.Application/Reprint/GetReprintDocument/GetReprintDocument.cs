using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Auditing;
using Cms.Application.Common.Documents;
using Cms.Application.Common.Options;
using Cms.Application.Common.Requests;
using Cms.Application.Identification.Contracts;
using Cms.Application.Reprint.Common;
using Cms.Domain.Auditing;
using Cms.Domain.Common;
using Cms.Domain.Reprint;
using Cms.Domain.Requests;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

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
    ICmsDbContext db, ReprintRequests requests, ICardRegistry registry, IFormRenderer renderer, IOptions<CmsOptions> options,
    TimeProvider clock, AuditScope audit)
    : IQueryHandler<GetReprintDocumentQuery, RenderedDocument>
{
    public async ValueTask<RenderedDocument> Handle(GetReprintDocumentQuery query, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        audit.RequestId = query.Id.ToString();
        audit.Detail = "reprint:" + query.Name;
        var request = await requests.LoadAsync(query.Id, cancellationToken);
        audit.Touch(request.CardNumber, request.HolderCodiceFiscale);
        var status = request.StatusAt(now);
        var available = ReprintDocumentNames.Available(request, status);
        if (!available.Contains(query.Name!))
            throw new DomainRuleException("document-not-available",
                    $"Il modulo '{query.Name}' non è disponibile per questa richiesta (stato {status.ToString().ToUpperInvariant()}).", RuleKind.NotFound)
                .With("available", available);
        var card = await requests.CardAsync(request.CardNumber, cancellationToken);
        var counter = await db.Counters.AsNoTracking().Where(c => c.Code == request.CounterCode).Select(c => c.Name).SingleOrDefaultAsync(cancellationToken);
        var h = card.Holder;
        var holder = new PersonOnForm(h.Surname, h.GivenName, h.CodiceFiscale, h.BirthPlace, h.BirthProvince, h.BirthDate, h.Citizenship, h.Sex,
            h.Residence.Address, h.Residence.Postcode, h.Residence.Municipality, h.Residence.Province);
        var requester = request.Delegate is { } d ? new PersonOnForm(d.Surname, d.GivenName, d.CodiceFiscale) : holder;
        CodeParts? firstHalves = null;
        if (query.Name == ReprintDocumentNames.PersonalCodes)
            firstHalves = CodeHalves.Split(await registry.ReadCodesAsync(request.CardNumber, cancellationToken), options.Value.Codes).First;
        var reason = ReprintRequest.Label(request.Reason) + (request.ReasonNote is null ? "" : $": {request.ReasonNote}");
        var model = new ActivationFormModel(request.CounterCode, counter ?? request.CounterCode, request.Id, now, request.CardNumber, card.ExpiryDate,
            holder, requester, request.Mode, request.DelegationKind, request.Document, request.Delivery, status == RequestStatus.Completed, firstHalves,
            "REPRINT", reason);
        var content = query.Name == ReprintDocumentNames.PersonalCodes ? renderer.PersonalCodes(model) : renderer.ActivationRequestForm(model);
        return new RenderedDocument($"ristampa-{query.Name}-{request.Id:N}.pdf", content);
    }
}
