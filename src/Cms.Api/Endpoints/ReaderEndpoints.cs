using Cms.Api.Idempotency;
using Cms.Api.Security;
using Cms.Application.Common.Documents;
using Cms.Application.Readers.CancelReaderDelivery;
using Cms.Application.Readers.Common;
using Cms.Application.Readers.ConfirmReaderDelivery;
using Cms.Application.Readers.CreateReaderDelivery;
using Cms.Application.Readers.GetReaderDelivery;
using Cms.Application.Readers.PrintReaderDeliveryDocument;
using Cms.Application.Readers.UpdateReaderDelivery;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Endpoints;

public static class ReaderEndpoints
{
    public sealed record UpdateReaderDeliveryRequest(string? OverrideReason, string? ReaderSerial);

    public static RouteGroupBuilder MapReaderEndpoints(this RouteGroupBuilder api)
    {
        var readers = api.MapGroup("/reader-deliveries").WithTags("Richiesta lettore").RequireAuthorization(Policies.Operator);

        readers.MapPost("", async ([FromBody] CreateReaderDeliveryCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/reader-deliveries/{created.Id}", created);
            })
            .Idempotent()
            .WithName("createReaderDelivery")
            .WithSummary("Richiesta di consegna di un lettore di smart card (passo 1: riepilogo)")
            .WithDescription("Carta attiva. Il riepilogo indica i lettori già consegnati al titolare e al nucleo familiare e l'ultima data; " +
                "oltre il limite della Regione (uno per nucleo) serve overrideReason.")
            .Produces<ReaderDeliveryResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        readers.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new GetReaderDeliveryQuery(id), ct))
            .WithName("getReaderDelivery").WithSummary("Una consegna di lettore")
            .Produces<ReaderDeliveryResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        readers.MapPut("/{id:guid}", async (Guid id, [FromBody] UpdateReaderDeliveryRequest r, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new UpdateReaderDeliveryCommand(id, r.OverrideReason, r.ReaderSerial), ct))
            .Idempotent()
            .WithName("updateReaderDelivery").WithSummary("Modifica di una consegna in attesa (il modulo va ristampato)")
            .Produces<ReaderDeliveryResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        readers.MapPost("/{id:guid}/confirm", async (Guid id, [FromBody] RevocationEndpoints.ConfirmWithFormRequest? r, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new ConfirmReaderDeliveryCommand(id, r?.FormPrintedAndSigned), ct))
            .Idempotent()
            .WithName("confirmReaderDelivery")
            .WithSummary("Conferma della consegna del lettore")
            .WithDescription("Solo dopo la stampa del modulo di richiesta e consegna, con la conferma che è stato letto, stampato e firmato.")
            .Produces<ReaderDeliveryResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        readers.MapPost("/{id:guid}/cancel", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new CancelReaderDeliveryCommand(id), ct))
            .Idempotent()
            .WithName("cancelReaderDelivery").WithSummary("Annullamento di una consegna in attesa")
            .Produces<ReaderDeliveryResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        readers.MapGet("/{id:guid}/documents/{name}", async (Guid id, string name, IMediator mediator, CancellationToken ct) =>
            {
                var document = await mediator.Send(new PrintReaderDeliveryDocumentCommand(id, name), ct);
                return Results.File(document.Content, RenderedDocument.ContentType, document.FileName);
            })
            .WithName("getReaderDeliveryDocument")
            .WithSummary("Modulo di richiesta e consegna lettore (modulo-richiesta-lettore); la stampa abilita la conferma")
            .ProducesPdf()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }
}
