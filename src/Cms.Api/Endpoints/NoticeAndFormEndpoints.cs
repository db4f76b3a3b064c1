using Cms.Api.Idempotency;
using Cms.Api.Security;
using Cms.Application.Administration.ListNotices;
using Cms.Application.Administration.PublishNotice;
using Cms.Application.Administration.WithdrawNotice;
using Cms.Application.Common.Documents;
using Cms.Application.Administration.GetBlankForm;
using Cms.Application.Administration.ListBlankForms;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Cms.Api.Endpoints;

public static class NoticeAndFormEndpoints
{
    public static RouteGroupBuilder MapNoticeAndFormEndpoints(this RouteGroupBuilder api)
    {
        var notices = api.MapGroup("/notices").WithTags("Avvisi");
        notices.MapGet("", async (bool? all, IMediator mediator, HttpContext http, CancellationToken ct) =>
                await mediator.Send(new ListNoticesQuery(all == true && http.User.HasClaim(CmsClaims.Role, Cms.Domain.Administration.Role.SecurityAdministrator)), ct))
            .RequireAuthorization()
            .WithName("listNotices").WithSummary("Avvisi visibili agli operatori (all=true: tutti, per l'amministratore della sicurezza)")
            .Produces<IReadOnlyList<NoticeView>>();
        notices.MapPost("", async ([FromBody] PublishNoticeCommand command, IMediator mediator, CancellationToken ct) =>
            {
                var notice = await mediator.Send(command, ct);
                return Results.Created($"/api/v1/notices/{notice.Id}", notice);
            })
            .RequireAuthorization(Policies.SecurityAdministrator)
            .Idempotent()
            .WithName("publishNotice").WithSummary("Pubblicazione di un avviso")
            .Produces<NoticeView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        notices.MapPost("/{id:guid}/withdraw", async (Guid id, IMediator mediator, CancellationToken ct) => await mediator.Send(new WithdrawNoticeCommand(id), ct))
            .RequireAuthorization(Policies.SecurityAdministrator)
            .Idempotent()
            .WithName("withdrawNotice").WithSummary("Ritiro di un avviso")
            .Produces<NoticeView>().ProducesProblem(StatusCodes.Status404NotFound);

        var forms = api.MapGroup("/forms").WithTags("Modulistica").RequireAuthorization(Policies.FormsReader);
        forms.MapGet("", async (IMediator mediator, CancellationToken ct) => await mediator.Send(new ListBlankFormsQuery(), ct))
            .WithName("listForms").WithSummary("Moduli in bianco disponibili")
            .Produces<IReadOnlyList<BlankFormInfo>>();
        forms.MapGet("/{name}", async (string name, IMediator mediator, CancellationToken ct) =>
            {
                var document = await mediator.Send(new GetBlankFormQuery(name), ct);
                return Results.File(document.Content, RenderedDocument.ContentType, document.FileName);
            })
            .WithName("getForm").WithSummary("Un modulo in bianco (PDF)")
            .ProducesPdf()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }
}
