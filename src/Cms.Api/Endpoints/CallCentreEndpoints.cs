using Cms.Domain.Revocation.Contracts;
using Cms.Api.Idempotency;
using Cms.Api.Security;
using Cms.Application.Revocation.Common;
using Cms.Application.Revocation.IdentifyCallCentreHolder;
using Cms.Application.Revocation.ReactivateIdentifiedCard;
using Cms.Application.Revocation.SuspendIdentifiedCard;
using Cms.Domain.Revocation;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Endpoints;

/// <summary>
/// The call centre [TM 8.2, S 6.2, S 9.5.2; decision 0041]: no counter; the holder identified by codice fiscale + CIP (tries
/// counted and locked with the counter's), then the card of that identification suspended or reactivated, where the region
/// provides them.
/// </summary>
public static class CallCentreEndpoints
{
    /// <summary>The holder's codice fiscale and CIP, said on the telephone; the CIP is never logged nor stored.</summary>
    public sealed record CallCentreIdentificationRequest(string? CodiceFiscale, string? Cip)
    {
        public override string ToString() => $"CallCentreIdentificationRequest {{ CodiceFiscale = {CodiceFiscale}, Cip = *** }}";
    }

    public sealed record CallCentreSuspensionRequest(SuspensionReason? Reason, string? Note);

    public sealed record CallCentreReactivationRequest(string? Note);

    public static RouteGroupBuilder MapCallCentreEndpoints(this RouteGroupBuilder api)
    {
        var callCentre = api.MapGroup("/call-centre").WithTags("Call center").RequireAuthorization(Policies.CallCentre);

        callCentre.MapPost("/identifications", async ([FromBody] CallCentreIdentificationRequest r, IMediator mediator, CancellationToken ct) =>
            {
                var identified = await mediator.Send(new IdentifyCallCentreHolderCommand(r.CodiceFiscale, r.Cip), ct);
                return Results.Created($"/api/v1/call-centre/identifications/{identified.Id}", identified);
            })
            .Idempotent()
            .WithName("identifyCallCentreHolder")
            .WithSummary("Identificazione del titolare al telefono con codice fiscale e CIP")
            .WithDescription("Solo dove la Regione prevede la sospensione (altrimenti 403 suspension-not-enabled). Il CIP è verificato come allo " +
                "sportello e i tentativi sono gli stessi: al più 5 errati per tessera nelle 24 ore, poi la verifica è bloccata (423). " +
                "L'identificazione vale 15 minuti e solo per l'operatore che l'ha fatta.")
            .Produces<CallCentreIdentificationResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status423Locked)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimits.CipVerification);

        callCentre.MapPost("/identifications/{id:guid}/suspension",
                async (Guid id, [FromBody] CallCentreSuspensionRequest r, IMediator mediator, CancellationToken ct) =>
                {
                    var done = await mediator.Send(new SuspendIdentifiedCardCommand(id, r.Reason, r.Note), ct);
                    return Results.Created($"/api/v1/call-centre/identifications/{id}/suspension", done);
                })
            .Idempotent()
            .WithName("suspendIdentifiedCard")
            .WithSummary("Sospensione della tessera del titolare identificato al telefono")
            .WithDescription("Tessera attiva dell'identificazione fatta dallo stesso operatore da non più di 15 minuti; motivo " +
                "(ALTRO con la descrizione). Dove la Regione non la prevede risponde 403 suspension-not-enabled.")
            .Produces<StateChangeResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        callCentre.MapPost("/identifications/{id:guid}/reactivation",
                async (Guid id, [FromBody] CallCentreReactivationRequest? r, IMediator mediator, CancellationToken ct) =>
                {
                    var done = await mediator.Send(new ReactivateIdentifiedCardCommand(id, r?.Note), ct);
                    return Results.Created($"/api/v1/call-centre/identifications/{id}/reactivation", done);
                })
            .Idempotent()
            .WithName("reactivateIdentifiedCard")
            .WithSummary("Riattivazione della tessera sospesa del titolare identificato al telefono")
            .WithDescription("Tessera sospesa dell'identificazione fatta dallo stesso operatore da non più di 15 minuti. " +
                "Dove la Regione non la prevede risponde 403 suspension-not-enabled.")
            .Produces<StateChangeResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }
}
