namespace Cms.Web.Pages;

/// <summary>The blank forms: for every role but the call centre's, which has no access to codes or forms (decision 0041).</summary>
[Authorize(Roles = FormRoles)]
public sealed class ModulisticaModel(CmsApi api) : PageModel
{
    public const string FormRoles = "Operator,SecurityAdministrator,Auditor,Issuer";

    public IReadOnlyList<BlankForm> Forms { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Forms = [.. await api.Client.ListFormsAsync(ct)];

    /// <summary>/modulo/{name}: the blank form, inline.</summary>
    public static async Task<IResult> FormAsync(string name, CmsApi api, HttpContext http, CancellationToken ct)
    {
        try
        {
            var file = await api.Client.GetFormAsync(name, ct);
            http.Response.RegisterForDispose(file);
            http.Response.Headers.ContentDisposition = $"inline; filename=\"{name}.pdf\"";
            return Results.Stream(file.Stream, "application/pdf");
        }
        catch (CmsApiException e) when (e.StatusCode == 404)
        {
            return Results.NotFound();
        }
    }
}
