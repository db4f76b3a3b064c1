using Cms.Api.Security;
using Cms.Application.Common.Auditing;
using Cms.Application.Reporting.GetAuditAlerts;
using Cms.Application.Reporting.GetAuditStatistics;
using Cms.Application.Reporting.GetSubjectAccess;
using Cms.Application.Reporting.ListAuditOperations;
using Cms.Application.Reporting.VerifyAuditTrail;
using Mediator;

namespace Cms.Api.Endpoints;

public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        var audit = api.MapGroup("/audit").WithTags("Revisione").RequireAuthorization(Policies.Auditor);

        audit.MapGet("/integrity", async (long? anchorIndex, string? anchorHash, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new VerifyAuditTrailQuery(anchorIndex, anchorHash), ct))
            .WithName("verifyAuditTrail")
            .WithSummary("Verifica dell'integrità del registro delle operazioni")
            .WithDescription("Percorre la catena di hash delle operazioni e indica la prima voce modificata, rimossa o inserita; restituisce la " +
                "testa della catena (posizione e hash) da annotare. Con anchorIndex e anchorHash verifica anche che quella voce abbia ancora quell'hash.")
            .Produces<IntegrityReport>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        audit.MapGet("/operations", async (string? region, string? counter, string? @operator, string? type, string? card, string? from,
                string? to, long? after, int? limit, string? format, IMediator mediator, CancellationToken ct) =>
            {
                var result = await mediator.Send(new ListAuditOperationsQuery(region, counter, @operator, type, card, from, to, after, limit, format), ct);
                if (result.CsvChunks is { } chunks)
                    return Results.Stream(async stream =>
                    {
                        await foreach (var chunk in chunks.WithCancellation(ct)) await stream.WriteAsync(chunk, ct);
                    }, "text/csv; charset=utf-8", "operazioni.csv");
                return Results.Ok(result.Page);
            })
            .WithName("listAuditOperations")
            .WithSummary("Tutte le operazioni, filtrate per regione, sportello, operatore, tipo, tessera e periodo")
            .WithDescription("Paginazione a chiave: `after` è l'ultima `sequence` ricevuta (`nextAfter` della pagina precedente), `limit` fino a 1000. " +
                "Con format=csv l'intera selezione è trasmessa in streaming (separatore ;). Ogni consultazione è registrata.")
            // JSON first so that the clients carry its schema; CSV is the same list streamed (format=csv), declared as a file
            // (decision 0051: every answer matches the contract).
            .Produces<AuditOperationsPage>(StatusCodes.Status200OK, "application/json", "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        audit.MapGet("/statistics", async (string? region, string? counter, string? type, string? from, string? to, IMediator mediator,
                CancellationToken ct) => await mediator.Send(new GetAuditStatisticsQuery(region, counter, type, from, to), ct))
            .WithName("getAuditStatistics")
            .WithSummary("Operazioni per sportello e per giorno in un periodo")
            .Produces<AuditStatistics>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        audit.MapGet("/subject-access/{codiceFiscale}", async (string codiceFiscale, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new GetSubjectAccessQuery(codiceFiscale), ct))
            .WithName("getSubjectAccess")
            .WithSummary("Accessi e modifiche ai dati di una persona (art. 15 GDPR)")
            .WithDescription("Ogni lettura e ogni modifica dei dati dell'assistito: chi, da quale sportello, quando, che cosa e perché.")
            .Produces<SubjectAccessReport>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        audit.MapGet("/alerts", async (int? days, IMediator mediator, CancellationToken ct) => await mediator.Send(new GetAuditAlertsQuery(days), ct))
            .WithName("getAuditAlerts")
            .WithSummary("Segnali di possibile abuso delle metà dei codici")
            .WithDescription("Lo stesso recapito per più di 3 assistiti in 30 giorni, operatori con volumi o quote di ristampe e revoche molto sopra " +
                "quelli della regione, blocchi ripetuti della verifica del CIP; ciascuno con le operazioni che lo motivano.")
            .Produces<AuditAlerts>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return api;
    }
}
