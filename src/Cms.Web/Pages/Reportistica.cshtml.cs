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
}
