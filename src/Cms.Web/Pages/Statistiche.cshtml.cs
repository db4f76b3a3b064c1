namespace Cms.Web.Pages;

[Authorize(Roles = "Operator")]
public sealed class StatisticheModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    public ActivationStatistics? Statistics { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        try
        {
            Statistics = await api.Client.GetMyActivationStatisticsAsync(Labels.Blank(From), Labels.Blank(To), ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "", ruleFields: new Dictionary<string, string> { ["period-reversed"] = "from" });
        }
    }
}
