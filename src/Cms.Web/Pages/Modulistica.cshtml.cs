namespace Cms.Web.Pages;

public sealed class ModulisticaModel(CmsApi api) : PageModel
{
    public IReadOnlyList<BlankFormInfo> Forms { get; private set; } = [];

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
