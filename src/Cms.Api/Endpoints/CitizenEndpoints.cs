using Cms.Api.Idempotency;
using Cms.Api.Security;
using Cms.Application.Citizen.RenewCard;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Endpoints;

public static class CitizenEndpoints
{
    public static RouteGroupBuilder MapCitizenEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/citizen/renewals", async ([FromBody] RenewCardCommand command, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var result = await mediator.Send(command, ct);
                // The whole codes are shown once: nothing may keep this answer.
                http.Response.Headers.CacheControl = "no-store";
                return Results.Created($"/api/v1/citizen/renewals/{result.Protocol}", result);
            })
            .RequireAuthorization(Policies.ClientCertificate)
            .WithTags("Cittadino")
            // Keyed by the card's certificate, not by an operator (decision 0047): a double "Conferma" gets the whole codes again.
            .Idempotent(IdempotencyKeyOwner.Certificate)
            .WithName("renewCard")
            .WithSummary("Il cittadino attiva da sé la nuova tessera (rinnovo), accedendo con il certificato della tessera in uso")
            .WithDescription("Ultime 6 cifre e data di scadenza della nuova tessera, e la conferma (confirmed=true: \"Confermo la correttezza dei dati e " +
                "la richiesta di attivazione della tessera TS/CNS, con il rilascio dei relativi codici PIN, PUK e CIP\"). Ammessa solo se la nuova tessera " +
                "ha lo stesso ente emittente della tessera in uso, il titolare ha ancora diritto all'assistenza e la tessera in uso è stata attivata in " +
                "modalità diretta. Con confirmed=false si verificano i dati: se sono corretti la risposta è 422 confirmation-required, che riporta " +
                "ciò che la pagina \"Conferma dati\" mostra (cardNumber, expiryDate, issuerRegion, holder: i dati del titolare e della tessera da attivare, " +
                "nessun codice). La risposta " +
                "porta una sola volta i codici completi e il riepilogo in PDF (base64) con il numero di protocollo.")
            .Produces<RenewalResult>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }
}
