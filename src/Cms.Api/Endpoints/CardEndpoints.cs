using Cms.Api.Security;
using Cms.Application.Identification.Contracts;
using Cms.Application.Identification.IdentifyCard;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Application.Reporting.GetCardHistory;
using Cms.Application.Reporting.GetHolderCards;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Endpoints;

public static class CardEndpoints
{
    public const long MaxFeedBytes = 2L * 1024 * 1024 * 1024;

    private const string HistoryRule = "Un operatore di sportello consulta lo storico solo dopo aver identificato una tessera del titolare, " +
        "entro Cms:History:IdentifiedWithinMinutes (30 minuti); altrimenti 403 holder-not-identified. I revisori senza questo vincolo.";

    public static RouteGroupBuilder MapCardEndpoints(this RouteGroupBuilder api)
    {
        var cards = api.MapGroup("").WithTags("Tessere");

        cards.MapPost("/cards/identify", async ([FromBody] IdentifyCardQuery query, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(query, ct))
            .RequireAuthorization(Policies.Operator)
            .WithName("identifyCard")
            .WithSummary("Identificazione della tessera")
            .WithDescription("Manuale (codice fiscale + ultime 5 cifre + scadenza), da chip, o dal solo numero di tessera (revoca). " +
                "Una tessera sconosciuta risponde 404 con interoperabilityAvailable; dati del chip diversi da quelli in banca dati 409.")
            .Produces<CardView>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        cards.MapGet("/cards/{cardNumber}/history", async (string cardNumber, bool? includeReads, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new GetCardHistoryQuery(cardNumber, includeReads ?? false), ct))
            .RequireAuthorization(Policies.HistoryReader)
            .WithName("getCardHistory").WithSummary("Storico delle operazioni di una tessera")
            .WithDescription(HistoryRule)
            .Produces<CardHistory>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        cards.MapGet("/holders/{codiceFiscale}/cards", async (string codiceFiscale, bool? includeReads, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new GetHolderCardsQuery(codiceFiscale.ToUpperInvariant(), includeReads ?? false), ct))
            .RequireAuthorization(Policies.HistoryReader)
            .WithName("getHolderCards").WithSummary("Tutte le tessere di un assistito, anche le precedenti, con le loro operazioni")
            .WithDescription(HistoryRule)
            .Produces<HolderHistory>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/issuer/card-feed", async (HttpRequest request, bool? migration, IMediator mediator, CancellationToken ct) =>
                request.ContentType?.Split(';')[0].Trim() is "application/x-ndjson" or "application/json" or "text/plain"
                    ? Results.Ok(await mediator.Send(new ImportCardFeedCommand(request.Body, migration ?? false), ct))
                    : Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, type: "urn:cms:problem:unsupported-media-type",
                        title: "Formato non supportato", detail: "Il caricamento delle tessere si invia in NDJSON (application/x-ndjson), una tessera per riga.",
                        extensions: new Dictionary<string, object?> { ["rule"] = "unsupported-media-type" }))
            .RequireAuthorization(Policies.Issuer)
            .WithTags("Ente emettitore")
            .WithName("loadCardFeed")
            .WithSummary("Caricamento massivo di tessere, titolari e codici (NDJSON)")
            .WithDescription("Una tessera per riga. Idempotente per numero di tessera; le righe errate sono indicate per numero e le altre vengono caricate. " +
                "Con migration=true (il passaggio di una regione a Cms dal sistema precedente) ogni riga porta anche state, activatedAt e activationMode, " +
                "e facoltativamente consents, readerDeliveries e operations (registrate nel registro delle operazioni come importate); i codici sono facoltativi. " +
                "Senza migration quei campi sono ignorati e ogni tessera nuova è caricata NOT_ACTIVE.")
            .WithMetadata(new DocumentedBody(typeof(CardMigrationLine), "application/x-ndjson"))
            .Produces<CardFeedResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithMetadata(new RequestSizeLimitAttribute(MaxFeedBytes));
        return api;
    }
}
