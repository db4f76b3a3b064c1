using Cms.Domain.Common;
using Cms.Api.Idempotency;
using Cms.Api.Security;
using Cms.Application.Administration.ApproveRecipient;
using Cms.Application.Administration.Common;
using Cms.Application.Administration.CreateCounter;
using Cms.Application.Administration.CreateOperator;
using Cms.Application.Administration.ListCounters;
using Cms.Application.Administration.ListOperators;
using Cms.Application.Administration.ListRecipientApprovals;
using Cms.Application.Administration.RevokeRecipientApproval;
using Cms.Application.Administration.UpdateCounter;
using Cms.Application.Administration.UpdateOperator;
using Cms.Domain.Administration;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Endpoints;

public static class AdministrationEndpoints
{
    public sealed record UpdateCounterRequest(string? Name, CounterType? Type, bool? Active);
    public sealed record UpdateOperatorRequest(string? GivenName, string? Surname, string? CounterCode, IReadOnlyList<string>? Roles, bool? EnabledForCms);

    public static RouteGroupBuilder MapAdministrationEndpoints(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").WithTags("Amministrazione").RequireAuthorization(Policies.SecurityAdministrator);

        admin.MapGet("/counters", async (string? region, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new ListCountersQuery(region), ct))
            .WithName("listCounters").WithSummary("Elenco degli sportelli")
            .Produces<IReadOnlyList<CounterDto>>();

        admin.MapPost("/counters", async ([FromBody] CreateCounterCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var counter = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/admin/counters/{counter.Code}", counter);
            })
            .Idempotent()
            .WithName("createCounter").WithSummary("Nuovo sportello")
            .Produces<CounterDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);

        admin.MapPut("/counters/{code}", async (string code, [FromBody] UpdateCounterRequest request, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new UpdateCounterCommand(code, request.Name, request.Type, request.Active), ct))
            .Idempotent()
            .WithName("updateCounter").WithSummary("Modifica di uno sportello (nome, tipo, attivo)")
            .Produces<CounterDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapGet("/operators", async (string? counterCode, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new ListOperatorsQuery(counterCode), ct))
            .WithName("listOperators").WithSummary("Elenco degli operatori")
            .Produces<IReadOnlyList<OperatorDto>>();

        admin.MapPost("/operators", async ([FromBody] CreateOperatorCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var op = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/admin/operators/{op.Id}", op);
            })
            .Idempotent()
            .WithName("createOperator").WithSummary("Nuovo operatore, abilitato o no al CMS")
            .Produces<OperatorDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        admin.MapPut("/operators/{id:guid}", async (Guid id, [FromBody] UpdateOperatorRequest request, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new UpdateOperatorCommand(id, request.GivenName, request.Surname, request.CounterCode, request.Roles, request.EnabledForCms), ct))
            .Idempotent()
            .WithName("updateOperator").WithSummary("Modifica di un operatore: sportello, ruoli, abilitazione al CMS")
            .WithDescription("Un amministratore della sicurezza non può disabilitare se stesso né togliersi il ruolo (409 `cannot-demote-self`), " +
                "né cambiare in alcun modo i propri ruoli (409 `own-roles-change`): lo fa un altro amministratore della sicurezza.")
            .Produces<OperatorDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        admin.MapGet("/recipient-approvals", async (bool? all, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new ListRecipientApprovalsQuery(all == true), ct))
            .WithName("listRecipientApprovals").WithSummary("Recapiti autorizzati per assistiti di nuclei familiari diversi (all=true: anche scaduti e revocati)")
            .Produces<IReadOnlyList<RecipientApprovalView>>();

        admin.MapPost("/recipient-approvals", async ([FromBody] ApproveRecipientCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var approval = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/admin/recipient-approvals/{approval.Id}", approval);
            })
            .Idempotent()
            .WithName("approveRecipient").WithSummary("Autorizzazione di un recapito condiviso da assistiti di nuclei familiari diversi")
            .WithDescription("Un indirizzo e-mail o un cellulare che negli ultimi `Cms:Recipients:SharedWindowDays` giorni ha ricevuto la seconda parte " +
                "dei codici di un assistito di un altro nucleo familiare è rifiutato alla conferma (409 `recipient-shared`): l'amministratore della " +
                "sicurezza può autorizzarlo, per un solo assistito (`holderCodiceFiscale`) o per tutti, fino a `validUntil` (al massimo tre anni), " +
                "indicandone il motivo. L'indirizzo non è conservato in chiaro e la risposta lo mostra mascherato; l'operazione è registrata.")
            .Produces<RecipientApprovalView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        admin.MapDelete("/recipient-approvals/{id:guid}", async (Guid id, IMediator mediator, CancellationToken ct) =>
                await mediator.Send(new RevokeRecipientApprovalCommand(id), ct))
            .WithName("revokeRecipientApproval").WithSummary("Revoca dell'autorizzazione di un recapito")
            .Produces<RecipientApprovalView>().ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }
}
