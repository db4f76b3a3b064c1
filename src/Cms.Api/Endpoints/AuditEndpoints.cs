using Cms.Api.Security;
using Cms.Application.Common.Auditing;
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
        return api;
    }
}
