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
            // The JSON answer is declared last so that the contract (and the generated clients) carry its schema; CSV and PDF
            // are the same report rendered, asked for with format=csv|pdf.
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .Produces<OperationsReport>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

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
