using Cms.Api.Idempotency;
using Cms.Api.Security;
using Cms.Application.Common.Documents;
using Cms.Application.Requests;
using Cms.Application.Signature.CancelSignatureRequest;
using Cms.Application.Signature.Common;
using Cms.Application.Signature.ConfirmSignatureRequest;
using Cms.Application.Signature.CreateSignatureRequest;
using Cms.Application.Signature.GetSignatureRequest;
using Cms.Application.Signature.PrintSignatureRequestDocument;
using Cms.Application.Signature.UpdateSignatureRequest;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Endpoints;

/// <summary>The digital-signature certificate request [S 7, S 9.3.2 point 8] (decision 0045).</summary>
public static class SignatureEndpoints
{
    public sealed record UpdateSignatureRequestBody(DocumentInput? Document, bool? PrivacyConsent);

    public static RouteGroupBuilder MapSignatureEndpoints(this RouteGroupBuilder api)
    {
        var requests = api.MapGroup("/signature-requests").WithTags("Certificato di firma digitale").RequireAuthorization(Policies.Operator);

        requests.MapPost("", async ([FromBody] CreateSignatureRequestCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/signature-requests/{created.Id}", created);
            })
            .Idempotent()
            .WithName("createSignatureRequest")
            .WithSummary("Richiesta del certificato di firma digitale (passo 1: riepilogo)")
            .WithDescription("Tessera attiva di un titolare maggiorenne, presente di persona con il documento di riconoscimento (mai per delega). " +
                "Una sola richiesta per tessera: un'altra in attesa, o già inviata e non rifiutata dal certificatore, è signature-request-exists.")
            .Produces<SignatureRequestResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        requests.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new GetSignatureRequestQuery(id), ct))
            .WithName("getSignatureRequest")
            .WithSummary("Una richiesta del certificato di firma digitale e lo stato dell'invio al certificatore")
            .Produces<SignatureRequestResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        requests.MapPut("/{id:guid}", async (Guid id, [FromBody] UpdateSignatureRequestBody r, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new UpdateSignatureRequestCommand(id, r.Document, r.PrivacyConsent), ct))
            .Idempotent()
            .WithName("updateSignatureRequest").WithSummary("Modifica di una richiesta in attesa (il modulo va ristampato e firmato)")
            .Produces<SignatureRequestResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        requests.MapPost("/{id:guid}/confirm", async (Guid id, [FromBody] RevocationEndpoints.ConfirmWithFormRequest? r, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new ConfirmSignatureRequestCommand(id, r?.FormPrintedAndSigned), ct))
            .Idempotent()
            .WithName("confirmSignatureRequest")
            .WithSummary("Conferma della richiesta: la richiesta di emissione è inviata al certificatore")
            .WithDescription("Solo dopo la stampa del modulo di richiesta (form-not-printed) e con formPrintedAndSigned; la chiamata al certificatore " +
                "è accodata nella stessa transazione e ritentata finché non risponde. Lo stato si segue con GET (certificateStatus).")
            .Produces<SignatureRequestResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        requests.MapPost("/{id:guid}/cancel", async (Guid id, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new CancelSignatureRequestCommand(id), ct))
            .Idempotent()
            .WithName("cancelSignatureRequest").WithSummary("Annullamento di una richiesta in attesa")
            .Produces<SignatureRequestResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        requests.MapGet("/{id:guid}/documents/{name}", async (Guid id, string name, IMediator mediator, CancellationToken ct) =>
            {
                var document = await mediator.Send(new PrintSignatureRequestDocumentCommand(id, name), ct);
                return Results.File(document.Content, RenderedDocument.ContentType, document.FileName);
            })
            .WithName("getSignatureRequestDocument")
            .WithSummary("Modulo di richiesta del certificato di firma digitale (modulo-richiesta-firma-digitale); la stampa abilita la conferma")
            .ProducesPdf()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }
}
