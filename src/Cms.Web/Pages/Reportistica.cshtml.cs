namespace Cms.Web.Pages;

[Authorize(Roles = "Operator")]
public sealed class ReportisticaModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    public OperationsReport? Report { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (From is null && To is null && !Request.Query.ContainsKey("from")) return; // the form first
        try
        {
            Report = await api.Client.GetMyOperationsReportAsync(Labels.Blank(From), Labels.Blank(To), "json", ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "", ruleFields: new Dictionary<string, string> { ["period-reversed"] = "from" });
        }
    }

    /// <summary>The same report as a file: the PDF opens in a new tab for printing, the CSV (separator ;) is downloaded.</summary>
    public async Task<IActionResult> OnGetFileAsync(string? formato, CancellationToken ct)
    {
        if (formato is not ("pdf" or "csv")) return NotFound();
        FileResponse file;
        try
        {
            file = formato == "pdf"
                ? await api.Client.GetMyOperationsReportPdfAsync(Labels.Blank(From), Labels.Blank(To), ct)
                : await api.Client.GetMyOperationsReportCsvAsync(Labels.Blank(From), Labels.Blank(To), ct);
        }
        catch (CmsApiException e) when (e.StatusCode is 400 or 404 or 422)
        {
            Problems.AddTo(ModelState, e, prefix: "", ruleFields: new Dictionary<string, string> { ["period-reversed"] = "from" });
            return Page();
        }
        HttpContext.Response.RegisterForDispose(file);
        Response.Headers.CacheControl = "no-store";
        var name = $"report-operazioni-{From ?? "inizio"}-{To ?? "oggi"}.{formato}";
        Response.Headers.ContentDisposition = formato == "pdf" ? $"inline; filename=\"{name}\"" : $"attachment; filename=\"{name}\"";
        return File(file.Stream, formato == "pdf" ? "application/pdf" : "text/csv; charset=utf-8");
    }
}
