using Cms.Api.Idempotency;
using Cms.Api.Security;
using Cms.Application.Activation.CancelActivation;
using Cms.Application.Activation.Common;
using Cms.Application.Activation.ConfirmActivation;
using Cms.Application.Activation.CreateActivation;
using Cms.Application.Activation.GetActivation;
using Cms.Application.Activation.PrintActivationDocument;
using Cms.Application.Activation.SendActivationRecipientProof;
using Cms.Application.Delivery;
using Cms.Application.Activation.UpdateActivation;
using Cms.Application.Activation.GetDelivery;
using Cms.Application.Common.Documents;
using Cms.Application.Requests;
using Cms.Application.Identification.Contracts;
using Cms.Domain.Requests;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Endpoints;

public static class ActivationEndpoints
{
    public sealed record UpdateActivationRequest(
        string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
        DeliveryInput? Delivery, bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, SpecialCasesInput? SpecialCases = null, ChipData? DelegateCard = null);

    public static RouteGroupBuilder MapActivationEndpoints(this RouteGroupBuilder api)
    {
        var activations = api.MapGroup("/activations").WithTags("Attivazione").RequireAuthorization(Policies.Operator);

        activations.MapPost("", async ([FromBody] CreateActivationCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/activations/{created.Id}", created);
            })
            .Idempotent()
            .WithName("createActivation")
            .WithSummary("Richiesta di attivazione della tessera (passo 1: riepilogo)")
            .WithDescription("Diretta, su delega (potestà genitoriale, tutore, curatore) o su delega per motivi di salute. Risponde il riepilogo da confermare. " +
                "specialCases registra i casi particolari dei manuali: minore emancipato di persona, documento scaduto con la dichiarazione " +
                "dell'art. 45 c. 3 d.p.r. 445/2000 (se Cms:Documents:AcceptExpiredWithDeclaration), certificato medico e impedimento oltre tre mesi " +
                "per la delega per motivi di salute. Accetta l'intestazione Idempotency-Key.")
            .Produces<ActivationResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        activations.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new GetActivationQuery(id), ct))
            .WithName("getActivation").WithSummary("Una richiesta di attivazione")
            .Produces<ActivationResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        activations.MapPut("/{id:guid}", async (Guid id, [FromBody] UpdateActivationRequest r, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new UpdateActivationCommand(id, r.CardNumber, r.Mode, r.DelegationKind, r.Delegate, r.Document, r.Delivery,
                    r.PrivacyConsent, r.HealthDelegationDocumentsReceived, r.SpecialCases, r.DelegateCard), ct))
            .Idempotent()
            .WithName("updateActivation").WithSummary("Modifica di una richiesta in attesa di conferma")
            .Produces<ActivationResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        activations.MapPost("/{id:guid}/recipient-proof", async (Guid id, IMediator mediator, CancellationToken ct) =>
                Results.Accepted(null, await mediator.Send(new SendActivationRecipientProofCommand(id), ct)))
            .Idempotent()
            .WithName("sendActivationRecipientProof")
            .WithSummary("Invio del codice di verifica del destinatario (prima della conferma)")
            .WithDescription("Un codice di 6 cifre è inviato all'indirizzo e-mail o al cellulare della richiesta; il titolare lo legge all'operatore e la " +
                "conferma lo riporta in recipientProof. Un nuovo invio sostituisce il codice precedente (Cms:RecipientProof:MaxSends).")
            .Produces<RecipientProofSent>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        activations.MapPost("/{id:guid}/confirm", async (Guid id, ConfirmCodeReleaseRequest? body, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new ConfirmActivationCommand(id, body?.RecipientProof, body?.FormPrintedAndSigned), ct))
            .Idempotent()
            .WithName("confirmActivation")
            .WithSummary("Conferma dell'attivazione (passo 2)")
            .WithDescription("La tessera diventa ATTIVA; la risposta porta la prima parte di PIN, PUK e CIP da stampare, la seconda parte è inviata " +
                "all'indirizzo e-mail o al cellulare indicati. Prima della conferma si stampano (GET documents/{name}) e si fanno firmare i moduli " +
                "della richiesta; la conferma lo dichiara con formPrintedAndSigned: true, altrimenti è rifiutata con form-not-printed. " +
                "Accetta l'intestazione Idempotency-Key.")
            .Produces<ActivationConfirmation>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        activations.MapPost("/{id:guid}/cancel", async (Guid id, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new CancelActivationCommand(id), ct))
            .Idempotent()
            .WithName("cancelActivation").WithSummary("Annullamento di una richiesta in attesa di conferma")
            .Produces<ActivationResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        activations.MapGet("/{id:guid}/documents/{name}", async (Guid id, string name, IMediator mediator, CancellationToken ct) =>
            {
                var document = await mediator.Send(new PrintActivationDocumentCommand(id, name), ct);
                return Results.File(document.Content, RenderedDocument.ContentType, document.FileName);
            })
            .WithName("getActivationDocument")
            .WithSummary("Moduli stampabili: modulo-richiesta-codici, codici-personali, dichiarazione-sostitutiva")
            .WithDescription("codici-personali (la prima metà dei codici) si stampa una sola volta: una seconda richiesta è 409 document-already-printed.")
            .ProducesPdf()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        api.MapGet("/deliveries/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new GetDeliveryQuery(id), ct))
            .RequireAuthorization(Policies.HistoryReader)
            .WithTags("Invii")
            .WithName("getDelivery")
            .WithSummary("Stato dell'invio della seconda parte dei codici")
            .Produces<DeliveryStatusView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }
}
