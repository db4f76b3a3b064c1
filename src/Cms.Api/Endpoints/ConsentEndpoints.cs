using Cms.Api.Idempotency;
using Cms.Api.Security;
using Cms.Application.Common.Documents;
using Cms.Application.Requests;
using Cms.Application.Consents.CancelConsentRequest;
using Cms.Application.Consents.Common;
using Cms.Application.Consents.ConfirmConsentRequest;
using Cms.Application.Consents.CreateConsentRequest;
using Cms.Application.Consents.GetCardConsents;
using Cms.Application.Consents.GetConsentRequest;
using Cms.Application.Consents.PrintConsentRequestDocument;
using Cms.Application.Consents.UpdateConsentRequest;
using Cms.Domain.Requests;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Endpoints;

public static class ConsentEndpoints
{
    public sealed record UpdateConsentRequestBody(
        string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
        bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, ConsentChoicesInput? Consents, bool? DeclarationConfirmed);

    public static RouteGroupBuilder MapConsentEndpoints(this RouteGroupBuilder api)
    {
        var consents = api.MapGroup("/consent-requests").WithTags("Consensi FSE").RequireAuthorization(Policies.Operator);

        consents.MapPost("", async ([FromBody] CreateConsentRequestCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/consent-requests/{created.Id}", created);
            })
            .Idempotent()
            .WithName("createConsentRequest")
            .WithSummary("Raccolta dei consensi FSE (passo 1: riepilogo)")
            .WithDescription("All'attivazione (activationId) o in seguito; diretta o su delega, con documento. I consensi seguono il modello della " +
                "Regione in vigore alla data (attuale: consultazione da parte di terzi e dati pregressi; storico: anche l'alimentazione).")
            .Produces<ConsentRequestResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        consents.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new GetConsentRequestQuery(id), ct))
            .WithName("getConsentRequest").WithSummary("Una richiesta di consensi, con la versione registrata e l'esito dell'invio al FSE")
            .Produces<ConsentRequestResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        consents.MapPut("/{id:guid}", async (Guid id, [FromBody] UpdateConsentRequestBody r, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new UpdateConsentRequestCommand(id, r.CardNumber, r.Mode, r.DelegationKind, r.Delegate, r.Document, r.PrivacyConsent,
                    r.HealthDelegationDocumentsReceived, r.Consents, r.DeclarationConfirmed), ct))
            .Idempotent()
            .WithName("updateConsentRequest").WithSummary("Modifica di una richiesta di consensi in attesa")
            .Produces<ConsentRequestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        consents.MapPost("/{id:guid}/confirm", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new ConfirmConsentRequestCommand(id), ct))
            .Idempotent()
            .WithName("confirmConsentRequest")
            .WithSummary("Conferma dei consensi: nuova versione e invio al FSE in background")
            .Produces<ConsentRequestResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        consents.MapPost("/{id:guid}/cancel", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new CancelConsentRequestCommand(id), ct))
            .Idempotent()
            .WithName("cancelConsentRequest").WithSummary("Annullamento di una richiesta di consensi")
            .Produces<ConsentRequestResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        consents.MapGet("/{id:guid}/documents/{name}", async (Guid id, string name, IMediator mediator, CancellationToken ct) =>
            {
                var document = await mediator.Send(new PrintConsentRequestDocumentCommand(id, name), ct);
                return Results.File(document.Content, RenderedDocument.ContentType, document.FileName);
            })
            .WithName("getConsentRequestDocument")
            .WithSummary("Moduli stampabili: dichiarazione-consensi, attivazione-e-consensi")
            .WithDescription("attivazione-e-consensi porta la prima metà dei codici dell'attivazione: si stampa una sola volta, e non dopo " +
                "codici-personali dell'attivazione (409 document-already-printed).")
            .ProducesPdf()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/cards/{cardNumber}/consents", async (string cardNumber, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new GetCardConsentsQuery(cardNumber), ct))
            .RequireAuthorization(Policies.HistoryReader)
            .WithTags("Consensi FSE")
            .WithName("getCardConsents")
            .WithSummary("Consensi FSE del titolare della carta: versione corrente e storico, con l'esito dell'invio")
            .Produces<CardConsents>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }
}
