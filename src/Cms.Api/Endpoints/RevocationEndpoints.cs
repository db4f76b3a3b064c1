using Cms.Domain.Revocation.Contracts;
using Cms.Api.Idempotency;
using Cms.Api.Security;
using Cms.Application.Common.Documents;
using Cms.Application.Requests;
using Cms.Application.Revocation.CancelRevocation;
using Cms.Application.Revocation.Common;
using Cms.Application.Revocation.ConfirmRevocation;
using Cms.Application.Revocation.CreateIssuerRevocation;
using Cms.Application.Revocation.CreateRevocation;
using Cms.Application.Revocation.GetRevocation;
using Cms.Application.Revocation.PrintRevocationDocument;
using Cms.Application.Revocation.ReactivateCard;
using Cms.Application.Revocation.SuspendCard;
using Cms.Application.Revocation.UpdateRevocation;
using Cms.Application.Revocation.VerifyCip;
using Cms.Domain.Revocation;
using Cms.Domain.Requests;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Endpoints;

public static class RevocationEndpoints
{
    public sealed record UpdateRevocationRequest(
        string? CardNumber, RequestMode? Mode, DelegationKind? DelegationKind, DelegateInput? Delegate, DocumentInput? Document,
        bool? PrivacyConsent, bool? HealthDelegationDocumentsReceived, RevocationReason? Reason, LossEvidenceInput? Evidence);

    /// <summary>The CIP, given by the holder; never logged, never stored.</summary>
    public sealed record VerifyCipRequest(string? Cip)
    {
        public override string ToString() => "VerifyCipRequest { *** }";
    }

    /// <summary>The operator's word that the Modulo di richiesta revoca was printed and signed.</summary>
    public sealed record ConfirmWithFormRequest(bool? FormPrintedAndSigned);

    public static RouteGroupBuilder MapRevocationEndpoints(this RouteGroupBuilder api)
    {
        var revocations = api.MapGroup("/revocations").WithTags("Revoca").RequireAuthorization(Policies.Operator);

        revocations.MapPost("", async ([FromBody] CreateRevocationCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/revocations/{created.Id}", created);
            })
            .Idempotent()
            .WithName("createRevocation")
            .WithSummary("Richiesta di revoca della carta (passo 1: riepilogo)")
            .WithDescription("Carta identificata dal solo numero; diretta o su delega; motivo (furto e smarrimento con denuncia o autocertificazione). " +
                "Seguono la verifica del CIP, la stampa del modulo e la conferma.")
            .Produces<RevocationResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        revocations.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new GetRevocationQuery(id), ct))
            .WithName("getRevocation").WithSummary("Una richiesta di revoca, con i passi mancanti e lo stato della richiesta all'autorità di certificazione")
            .Produces<RevocationResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        revocations.MapPut("/{id:guid}", async (Guid id, [FromBody] UpdateRevocationRequest r, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new UpdateRevocationCommand(id, r.CardNumber, r.Mode, r.DelegationKind, r.Delegate, r.Document, r.PrivacyConsent,
                    r.HealthDelegationDocumentsReceived, r.Reason, r.Evidence), ct))
            .Idempotent()
            .WithName("updateRevocation").WithSummary("Modifica di una richiesta di revoca in attesa (il modulo va ristampato)")
            .Produces<RevocationResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        revocations.MapPost("/{id:guid}/verify-cip", async (Guid id, [FromBody] VerifyCipRequest r, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new VerifyCipCommand(id, r.Cip), ct))
            .Idempotent()
            .WithName("verifyRevocationCip")
            .WithSummary("Verifica del CIP del titolare")
            .WithDescription("Confronto a tempo costante. Al più 5 tentativi errati per carta nelle 24 ore, poi la verifica è bloccata (423).")
            .Produces<CipVerification>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status423Locked)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimits.CipVerification);

        revocations.MapPost("/{id:guid}/confirm", async (Guid id, [FromBody] ConfirmWithFormRequest? r, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new ConfirmRevocationCommand(id, r?.FormPrintedAndSigned), ct))
            .Idempotent()
            .WithName("confirmRevocation")
            .WithSummary("Esecuzione della revoca (definitiva)")
            .WithDescription("Solo dopo la verifica del CIP e la stampa del modulo, con la conferma che è stato stampato e firmato. " +
                "La carta diventa REVOKED e viene accodata la richiesta di revoca del certificato all'autorità di certificazione.")
            .Produces<RevocationConfirmation>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        revocations.MapPost("/{id:guid}/cancel", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new CancelRevocationCommand(id), ct))
            .Idempotent()
            .WithName("cancelRevocation").WithSummary("Annullamento di una richiesta di revoca")
            .Produces<RevocationResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        revocations.MapGet("/{id:guid}/documents/{name}", async (Guid id, string name, IMediator mediator, CancellationToken ct) =>
            {
                var document = await mediator.Send(new PrintRevocationDocumentCommand(id, name), ct);
                return Results.File(document.Content, RenderedDocument.ContentType, document.FileName);
            })
            .WithName("getRevocationDocument")
            .WithSummary("Modulo di richiesta revoca (modulo-richiesta-revoca); la stampa abilita la conferma")
            .ProducesPdf()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/issuer/revocations", async ([FromBody] CreateIssuerRevocationCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var revoked = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/issuer/revocations/{revoked.Id}", revoked);
            })
            .RequireAuthorization(Policies.Issuer)
            .WithTags("Ente emettitore")
            .Idempotent()
            .WithName("createIssuerRevocation")
            .WithSummary("Revoca su iniziativa dell'ente emettitore")
            .WithDescription("Senza CIP: ERRORE_DATI_ANAGRAFICI, MANCATO_RECAPITO, DECESSO, CESSATO_DIRITTO_ALL_ASSISTENZA.")
            .Produces<IssuerRevocationResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapPost("/suspensions", async ([FromBody] SuspendCardCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var done = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/suspensions/{done.Id}", done);
            })
            .RequireAuthorization(Policies.Operator)
            .WithTags("Sospensione e riattivazione")
            .Idempotent()
            .WithName("suspendCard")
            .WithSummary("Sospensione della carta (solo dove la Regione la prevede)")
            .WithDescription("Carta attiva; diretta o su delega con documento; motivo. Dove la Regione non la prevede risponde 403 suspension-not-enabled.")
            .Produces<StateChangeResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapPost("/reactivations", async ([FromBody] ReactivateCardCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var done = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/reactivations/{done.Id}", done);
            })
            .RequireAuthorization(Policies.Operator)
            .WithTags("Sospensione e riattivazione")
            .Idempotent()
            .WithName("reactivateCard")
            .WithSummary("Riattivazione di una carta sospesa (solo dove la Regione la prevede)")
            .Produces<StateChangeResponse>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return api;
    }
}
