using Cms.Api.Security;
using Cms.Application.Administration.ChangePassword;
using Cms.Application.Administration.EndSession;
using Cms.Application.Administration.ListSessions;
using Cms.Application.Administration.SignIn;
using Cms.Application.Administration.SignInWithCertificate;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Endpoints;

public static class AuthEndpoints
{
    /// <summary>The signed-in operator, as the token says.</summary>
    public sealed record CurrentOperatorView(
        string? OperatorId, string? CodiceFiscale, string? Name, string? CounterCode, string? CounterType, string? Region, string[] Roles);

    public sealed record ChangePasswordRequest(string? CodiceFiscale, string? CurrentPassword, string? NewPassword);

    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api)
    {
        var auth = api.MapGroup("/auth").WithTags("Autenticazione");

        auth.MapPost("/token", async ([FromBody] SignInCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var result = await mediator.Send(command, ct);
                return result.Success ?? throw result.Failure!;
            })
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.SignIn)
            .WithName("createAccessToken")
            .WithSummary("Accesso dell'operatore con codice fiscale e password")
            .WithDescription("Restituisce un token JWT legato a una sessione del server, che termina all'uscita, dopo 30 minuti di " +
                "inattività, dopo 12 ore in ogni caso (impostazioni `Cms:Sessions`) e quando cambiano password, ruoli, sportello o " +
                "abilitazione dell'operatore; una password scaduta va cambiata. Codice fiscale sconosciuto, password errata e tentativo " +
                "in attesa ricevono la stessa risposta 401 `invalid-credentials`. Dopo 5 password errate per la stessa utenza dallo stesso " +
                "indirizzo, quell'indirizzo attende prima del tentativo successivo (1 secondo, poi il doppio a ogni errore, fino a 15 minuti; " +
                "durante l'attesa la password non è verificata); l'utenza resta utilizzabile da altri indirizzi. Al più 30 tentativi al minuto " +
                "per indirizzo con le impostazioni predefinite (429).")
            .Produces<SignInSuccess>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/certificate-token", async (HttpContext http, IMediator mediator, CancellationToken ct) =>
            {
                var cf = http.User.FindFirst(CmsClaims.CodiceFiscale)?.Value;
                var result = await mediator.Send(new SignInWithCertificateCommand(cf, http.User.FindFirst(CmsClaims.CertificateSerial)?.Value,
                    http.User.FindFirst(CmsClaims.CertificateIssuer)?.Value), ct);
                return result.Success ?? throw result.Failure!;
            })
            .RequireAuthorization(Policies.ClientCertificate)
            .RequireRateLimiting(RateLimits.SignIn)
            .WithName("createAccessTokenWithCertificate")
            .WithSummary("Accesso dell'operatore con smart card (certificato client)")
            .WithDescription("Il codice fiscale è quello dell'attributo SERIALNUMBER del soggetto del certificato di autenticazione (TS-CNS o CNS " +
                "dell'operatore: TINIT-<codice fiscale> o IT:<codice fiscale>). Il certificato deve essere valido, emesso da un'autorità di " +
                "certificazione riconosciuta e non revocato; quello di una tessera revocata non è accettato.")
            .Produces<SignInSuccess>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/password", async ([FromBody] ChangePasswordRequest request, IMediator mediator, CancellationToken ct) =>
            {
                var result = await mediator.Send(new ChangePasswordCommand(request.CodiceFiscale, request.CurrentPassword, request.NewPassword), ct);
                if (result.Failure is { } failure) throw failure;
                return Results.NoContent();
            })
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.SignIn)
            .WithName("changePassword")
            .WithSummary("Cambio password dell'operatore (anche scaduta)")
            .WithDescription("Richiede la password attuale, con le stesse regole dell'accesso: una sola risposta 401 `invalid-credentials` " +
                "per codice fiscale sconosciuto, password errata o tentativo in attesa, e la stessa attesa crescente per utenza e indirizzo.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapGet("/me", (HttpContext http) => new CurrentOperatorView(
                http.User.FindFirst(CmsClaims.OperatorId)?.Value,
                http.User.FindFirst(CmsClaims.CodiceFiscale)?.Value,
                http.User.FindFirst(CmsClaims.Name)?.Value,
                http.User.FindFirst(CmsClaims.Counter)?.Value,
                http.User.FindFirst(CmsClaims.CounterType)?.Value,
                http.User.FindFirst(CmsClaims.Region)?.Value,
                http.User.FindAll(CmsClaims.Role).Select(c => c.Value).ToArray()))
            .RequireAuthorization()
            .WithName("getCurrentOperator")
            .WithSummary("L'operatore collegato")
            .WithDescription("Chi è l'operatore del token: codice fiscale, nome, sportello, regione e ruoli.")
            .Produces<CurrentOperatorView>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapGet("/sessions", async (IMediator mediator, CancellationToken ct) => await mediator.Send(new ListSessionsQuery(), ct))
            .RequireAuthorization()
            .WithName("listSessions")
            .WithSummary("Le sessioni attive dell'operatore")
            .WithDescription("Le sessioni dell'operatore collegato non ancora terminate né scadute (inattività o durata massima), " +
                "dalla più recente; `current` indica quella del token usato. Ogni operatore vede solo le proprie.")
            .Produces<IReadOnlyList<SessionView>>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapDelete("/sessions/current", async (IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new EndSessionCommand(null), ct);
                return Results.NoContent();
            })
            .RequireAuthorization()
            .WithName("signOut")
            .WithSummary("Uscita: termina la sessione corrente")
            .WithDescription("Il token usato non è più accettato, su nessuna istanza, dalla richiesta successiva.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapDelete("/sessions/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
            {
                await mediator.Send(new EndSessionCommand(id), ct);
                return Results.NoContent();
            })
            .RequireAuthorization()
            .WithName("endSession")
            .WithSummary("Termina una sessione dell'operatore")
            .WithDescription("Termina una delle proprie sessioni (ad esempio rimasta aperta su un'altra postazione): il suo token non è " +
                "più accettato dalla richiesta successiva. La sessione di un altro operatore risponde `session-not-found`.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

}
