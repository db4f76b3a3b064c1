using Cms.Api.Idempotency;
using Cms.Api.Security;
using Cms.Application.Common.Documents;
using Cms.Application.Interop.CancelInteropRequest;
using Cms.Application.Interop.Common;
using Cms.Application.Interop.ConfirmInteropRequest;
using Cms.Application.Interop.CreateInteropRequest;
using Cms.Application.Interop.PrintInteropDocument;
using Cms.Application.Interop.GetInteropRequest;
using Cms.Application.Interop.ListPeers;
using Cms.Application.Interop.ReceiveInteropRequest;
using Cms.Application.Interop.RegisterPeer;
using Cms.Application.Interop.SendInteropRecipientProof;
using Cms.Application.Delivery;
using Cms.Domain.Interop;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Endpoints;

public static class InteropEndpoints
{
    /// <param name="Secret">Deprecated (HMAC scheme, decision 0059): used only where Interop:LegacyHmac is switched on.</param>
    public sealed record RegisterPeerRequest(string? Name, string? BaseUrl, [property: Obsolete("HMAC scheme: ModI certificates instead (decision 0059)")] string? Secret,
        bool? Enabled, string? Certificates = null, string? CertificateSubject = null, string? PdndClientId = null);

    public static RouteGroupBuilder MapInteropEndpoints(this RouteGroupBuilder api)
    {
        var peers = api.MapGroup("/admin/peers").WithTags("Amministrazione").RequireAuthorization(Policies.SecurityAdministrator);
        peers.MapGet("", async (IMediator mediator, CancellationToken ct) => await mediator.Send(new ListPeersQuery(), ct))
            .WithName("listPeers").WithSummary("Le Regioni collegate per l'interoperabilità")
            .Produces<IReadOnlyList<PeerView>>();
        peers.MapPut("/{regionCode}", async (string regionCode, [FromBody] RegisterPeerRequest body, IMediator mediator, CancellationToken ct) =>
#pragma warning disable CS0618 // the deprecated secret is still carried for Interop:LegacyHmac
                await mediator.Send(new RegisterPeerCommand(regionCode, body.Name, body.BaseUrl, body.Secret, body.Enabled, body.Certificates,
                    body.CertificateSubject, body.PdndClientId), ct))
#pragma warning restore CS0618
            .Idempotent()
            .WithName("registerPeer").WithSummary("Collega (o modifica) una Regione per l'interoperabilità")
            .WithDescription("Nome, indirizzo del suo CMS, abilitata sì/no, e come la si riconosce (profilo ModI, docs/interop.md): certificates, " +
                "in PEM, il certificato di firma della Regione (fissato) oppure la CA radice che lo emette, e allora certificateSubject, il soggetto " +
                "del suo certificato; obbligatorio la prima volta, poi facoltativo (per una rotazione si registrano il vecchio e il nuovo insieme). " +
                "pdndClientId: il client id della Regione presso il server di autorizzazione PDND, se le Regioni lo usano. secret è deprecato " +
                "(schema HMAC, solo con Interop:LegacyHmac) e non viene mai restituito.")
            .Produces<PeerView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        var requests = api.MapGroup("/interop/requests").WithTags("Interoperabilità").RequireAuthorization(Policies.InteropCounter);
        requests.MapPost("", async ([FromBody] CreateInteropRequestCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var created = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/interop/requests/{created.Id}", created);
            })
            .Idempotent()
            .WithName("createInteropRequest")
            .WithSummary("Richiesta di attivazione, ristampa o revoca per una tessera di un'altra Regione (riepilogo)")
            .WithDescription("Solo per tessere non presenti in banca dati la cui Regione emittente è collegata; solo dagli sportelli dei tipi che la Regione abilita " +
                "all'interoperabilità (mai dalle Farmacie). " +
                "Numero completo della tessera, dati del titolare, di chi si presenta e del suo documento, recapito per la seconda parte dei codici " +
                "(attivazione e ristampa) oppure motivo, documentazione di furto o smarrimento e CIP del titolare (revoca: il CIP è verificato dalla " +
                "Regione emittente e qui conservato cifrato solo fino all'invio).")
            .Produces<InteropRequestView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        requests.MapGet("/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new GetInteropRequestQuery(id), ct))
            .WithName("getInteropRequest")
            .WithSummary("Stato di una richiesta in interoperabilità: in coda, inviata, completata, rifiutata con il motivo della Regione")
            .Produces<InteropRequestView>().ProducesProblem(StatusCodes.Status404NotFound);
        requests.MapPost("/{id:guid}/recipient-proof", async (Guid id, IMediator mediator, CancellationToken ct) =>
                Results.Accepted(null, await mediator.Send(new SendInteropRecipientProofCommand(id), ct)))
            .Idempotent()
            .WithName("sendInteropRecipientProof")
            .WithSummary("Invio del codice di verifica del destinatario (attivazione o ristampa, prima della conferma)")
            .WithDescription("Come allo sportello: il codice parte da questa Regione verso l'indirizzo della richiesta; la conferma lo riporta in " +
                "recipientProof e la richiesta viaggia con l'attestazione della verifica, che la Regione emittente richiede.")
            .Produces<RecipientProofSent>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        requests.MapPost("/{id:guid}/confirm", async (Guid id, ConfirmCodeReleaseRequest? body, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new ConfirmInteropRequestCommand(id, body?.RecipientProof, body?.FormPrintedAndSigned), ct))
            .Idempotent()
            .WithName("confirmInteropRequest")
            .WithSummary("Conferma: la richiesta è messa in coda e inviata alla Regione emittente (con nuovi tentativi finché risponde)")
            .WithDescription("Prima della conferma si stampano allo sportello (GET documents/{name}) e si fanno firmare i moduli della richiesta " +
                "[S 9.3.3, M 2.6]; la conferma lo dichiara con formPrintedAndSigned: true, altrimenti è rifiutata con form-not-printed.")
            .Produces<InteropRequestView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        requests.MapPost("/{id:guid}/cancel", async (Guid id, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new CancelInteropRequestCommand(id), ct))
            .Idempotent()
            .WithName("cancelInteropRequest").WithSummary("Annulla una richiesta non ancora confermata")
            .Produces<InteropRequestView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        requests.MapGet("/{id:guid}/documents/{name}", async (Guid id, string name, IMediator mediator, CancellationToken ct) =>
            {
                var document = await mediator.Send(new PrintInteropDocumentCommand(id, name), ct);
                return Results.File(document.Content, RenderedDocument.ContentType, document.FileName);
            })
            .WithName("getInteropRequestDocument")
            .WithSummary("Stampa dei moduli da firmare e dei codici personali (prima parte, come restituita dalla Regione emittente)")
            .WithDescription("Prima della conferma: modulo-richiesta-codici (e dichiarazione-sostitutiva con la delega) o modulo-richiesta-revoca. " +
                "Dopo il completamento: codici-personali, una sola volta: la stampa cancella la prima parte conservata; una seconda richiesta è " +
                "409 document-already-printed.")
            .ProducesPdf()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        var inbound = api.MapGroup("/interop/inbound").WithTags("Interoperabilità").RequireAuthorization(Policies.PeerRegion)
            .WithMetadata(new ModiSecured());
        foreach (var (path, kind, label) in new[]
                 {
                     ("activations", InteropKind.Activation, "attivazione"), ("reprints", InteropKind.Reprint, "ristampa PIN/PUK"),
                     ("revocations", InteropKind.Revocation, "revoca (con il CIP del titolare)"),
                 })
        {
            inbound.MapPost("/" + path, async ([FromBody] InteropInboundBody body, IMediator mediator, CancellationToken ct) =>
                    await mediator.Send(new ReceiveInteropRequestCommand(body with { Kind = kind }), ct))
                .Idempotent()
                .WithName(kind switch
                {
                    InteropKind.Activation => "receiveInteropActivation",
                    InteropKind.Reprint => "receiveInteropReprint",
                    _ => "receiveInteropRevocation",
                })
                .WithSummary($"Da un'altra Regione: {label} di una tessera di questa Regione")
                .WithDescription("Solo CMS di Regioni collegate, con i pattern ModI dell'AgID (schemi di sicurezza modiIdAuth, agidJwtSignature " +
                    "e agidJwtTrackingEvidence, insieme): token ID_AUTH_REST_02 (o voucher PDND) in Authorization, Digest del corpo firmato in " +
                    "Agid-JWT-Signature (INTEGRITY_REST_01), operatore e sportello in Agid-JWT-TrackingEvidence (AUDIT_REST_02). Ogni jti vale una " +
                    "volta; la stessa requestId riceve la stessa risposta, firmata allo stesso modo (Digest e Agid-JWT-Signature). Le regole sono " +
                    "quelle di questa Regione, che invia la seconda parte dei codici al recapito indicato; la risposta porta la prima parte.")
                .Produces<InteropInboundAnswer>()
                .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
                .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
                .ProducesProblem(StatusCodes.Status429TooManyRequests)
                .RequireRateLimiting(RateLimits.InboundInterop);
        }
        return api;
    }
}
