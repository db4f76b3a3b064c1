using Cms.Api.Security;
using Cms.Application.Reporting.GetMyActivationStatistics;
using Cms.Application.Reporting.GetMyOperations;
using Mediator;

namespace Cms.Api.Endpoints;

public static class ReportEndpoints
{
    public static RouteGroupBuilder MapReportEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/reports/my-operations", async (string? from, string? to, string? format, IMediator mediator, CancellationToken ct) =>
            {
                var result = await mediator.Send(new GetMyOperationsQuery(from, to, format), ct);
                return result.File is { } file ? Results.File(file.Content, file.ContentType, file.FileName) : Results.Ok(result.Report);
            })
            .RequireAuthorization(Policies.Operator)
            .WithTags("Reportistica")
            .WithName("getMyOperationsReport")
            .WithSummary("Le operazioni dell'operatore in un periodo (JSON, CSV o PDF)")
            .WithDescription("Assistito, codice fiscale, attività, data e ora delle operazioni confermate dall'operatore; intestazione con operatore, " +
                "periodo e data di generazione. from/to (AAAA-MM-GG) inclusi; senza date, tutto. format: json (predefinito), csv (separatore ;), pdf.")
            // JSON first, so that the generated clients carry its schema; CSV and PDF are the same report rendered, asked for
            // with format=csv|pdf, and declared too (decision 0051: every answer matches the contract) — as files
            // (FileAnswersFilter).
            .Produces<OperationsReport>(StatusCodes.Status200OK, "application/json", "text/csv", "application/pdf")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        // The same report as files, each its own operation so that the contract declares a binary body and the generated
        // clients return a file (format=csv|pdf above stays for clients that already use it).
        foreach (var (format, contentType, label) in new[] { ("csv", "text/csv", "CSV (separatore ;)"), ("pdf", "application/pdf", "PDF") })
        {
            api.MapGet($"/reports/my-operations/{format}", async (string? from, string? to, IMediator mediator, CancellationToken ct) =>
                {
                    var file = (await mediator.Send(new GetMyOperationsQuery(from, to, format), ct)).File!;
                    return Results.File(file.Content, file.ContentType, file.FileName);
                })
                .RequireAuthorization(Policies.Operator)
                .WithTags("Reportistica")
                .WithName(format == "csv" ? "getMyOperationsReportCsv" : "getMyOperationsReportPdf")
                .WithSummary($"Le operazioni dell'operatore in un periodo, in {label}")
                .WithDescription("Lo stesso report di /reports/my-operations, come file da scaricare o stampare. from/to (AAAA-MM-GG) inclusi; senza date, tutto.")
                .Produces<Stream>(StatusCodes.Status200OK, contentType)
                .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        }

        api.MapGet("/statistics/my-activations", async (string? from, string? to, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new GetMyActivationStatisticsQuery(from, to), ct))
            .RequireAuthorization(Policies.Operator)
            .WithTags("Reportistica")
            .WithName("getMyActivationStatistics")
            .WithSummary("Quante tessere ha attivato l'operatore in un periodo (da sempre senza date)")
            .Produces<ActivationStatistics>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }
}
