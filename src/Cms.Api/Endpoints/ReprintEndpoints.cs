using Cms.Domain.Reprint.Contracts;
using Cms.Api.Idempotency;
using Cms.Api.Security;
using Cms.Application.Common.Documents;
using Cms.Application.Requests;
using Cms.Application.Identification.Contracts;
using Cms.Application.Reprint.CancelReprint;
using Cms.Application.Reprint.Common;
using Cms.Application.Reprint.ConfirmReprint;
using Cms.Application.Reprint.CreateReprint;
using Cms.Application.Reprint.GetReprint;
using Cms.Application.Reprint.PrintReprintDocument;
using Cms.Application.Reprint.UpdateReprint;
using Cms.Application.Reprint.SendReprintRecipientProof;
using Cms.Application.Delivery;
using Cms.Domain.Reprint;
using Cms.Domain.Requests;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Endpoints;

public static class ReprintEndpoints
{
    public sealed record UpdateReprintRequest(
        string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
        DeliveryInput? Delivery, bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, ReprintReason? Reason, string? ReasonNote,
        string? OutsideHealthAuthorityReason = null, SpecialCasesInput? SpecialCases = null, ChipData? DelegateCard = null);

    public static RouteGroupBuilder MapReprintEndpoints(this RouteGroupBuilder api)
    {
        var reprints = api.MapGroup("/reprints").WithTags("Ristampa PIN/PUK").RequireAuthorization(Policies.Operator);

        reprints.MapPost("", async ([FromBody] CreateReprintCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/reprints/{created.Id}", created);
            })
            .Idempotent()
            .WithName("createReprint")
            .WithSummary("Richiesta di ristampa di PIN/PUK (passo 1: riepilogo)")
            .WithDescription("Tessera attiva; diretta o su delega; motivo; canale di invio. I codici modificati dal titolare non sono recuperabili. " +
                "Da uno sportello di un'azienda sanitaria diversa da quella del titolare (o se quella del titolare non è nota) serve " +
                "outsideHealthAuthorityReason, altrimenti 422 reprint-outside-health-authority. specialCases come per l'attivazione.")
            .Produces<ReprintResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        reprints.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new GetReprintQuery(id), ct))
            .WithName("getReprint").WithSummary("Una richiesta di ristampa")
            .Produces<ReprintResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        reprints.MapPut("/{id:guid}", async (Guid id, [FromBody] UpdateReprintRequest r, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new UpdateReprintCommand(id, r.CardNumber, r.Mode, r.DelegationKind, r.Delegate, r.Document, r.Delivery,
                    r.PrivacyConsent, r.HealthDelegationDocumentsReceived, r.Reason, r.ReasonNote, r.OutsideHealthAuthorityReason, r.SpecialCases, r.DelegateCard), ct))
            .Idempotent()
            .WithName("updateReprint").WithSummary("Modifica di una richiesta di ristampa in attesa di conferma")
            .Produces<ReprintResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        reprints.MapPost("/{id:guid}/recipient-proof", async (Guid id, IMediator mediator, CancellationToken ct) =>
                Results.Accepted(null, await mediator.Send(new SendReprintRecipientProofCommand(id), ct)))
            .Idempotent()
            .WithName("sendReprintRecipientProof")
            .WithSummary("Invio del codice di verifica del destinatario (prima della conferma)")
            .WithDescription("Un codice di 6 cifre è inviato all'indirizzo e-mail o al cellulare della richiesta; il titolare lo legge all'operatore e la " +
                "conferma lo riporta in recipientProof. Un nuovo invio sostituisce il codice precedente (Cms:RecipientProof:MaxSends).")
            .Produces<RecipientProofSent>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        reprints.MapPost("/{id:guid}/confirm", async (Guid id, ConfirmCodeReleaseRequest? body, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new ConfirmReprintCommand(id, body?.RecipientProof, body?.FormPrintedAndSigned), ct))
            .Idempotent()
            .WithName("confirmReprint")
            .WithSummary("Conferma della ristampa (passo 2): prima parte dei codici in risposta, seconda parte inviata")
            .WithDescription("Prima della conferma si stampano (GET documents/{name}) e si fanno firmare i moduli della richiesta; la conferma lo " +
                "dichiara con formPrintedAndSigned: true, altrimenti è rifiutata con form-not-printed. Accetta l'intestazione Idempotency-Key.")
            .Produces<ReprintConfirmation>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        reprints.MapPost("/{id:guid}/cancel", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new CancelReprintCommand(id), ct))
            .Idempotent()
            .WithName("cancelReprint").WithSummary("Annullamento di una richiesta di ristampa")
            .Produces<ReprintResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        reprints.MapGet("/{id:guid}/documents/{name}", async (Guid id, string name, IMediator mediator, CancellationToken ct) =>
            {
                var document = await mediator.Send(new PrintReprintDocumentCommand(id, name), ct);
                return Results.File(document.Content, RenderedDocument.ContentType, document.FileName);
            })
            .WithName("getReprintDocument")
            .WithSummary("Moduli stampabili: modulo-richiesta-codici, codici-personali")
            .WithDescription("codici-personali (la prima metà dei codici) si stampa una sola volta: una seconda richiesta è 409 document-already-printed.")
            .ProducesPdf()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }
}
