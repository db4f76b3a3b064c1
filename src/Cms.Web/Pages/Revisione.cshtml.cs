namespace Cms.Web.Pages;

/// <summary>The auditor's page: the trail filtered and paged, counts per counter, the chain's integrity, the alerts.</summary>
[Authorize(Roles = "Auditor")]
public sealed class RevisioneModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Sportello { get; set; }
    [BindProperty(SupportsGet = true)] public string? Tessera { get; set; }
    [BindProperty(SupportsGet = true)] public string? From { get; set; }
    [BindProperty(SupportsGet = true)] public string? To { get; set; }
    [BindProperty(SupportsGet = true)] public long? Dopo { get; set; }
    public AuditStatistics? Statistics { get; private set; }
    public AuditOperationsPage? Operations { get; private set; }
    public AuditAlerts? Alerts { get; private set; }
    public IntegrityReport? Integrity { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task OnPostIntegrityAsync(CancellationToken ct)
    {
        Integrity = await api.Client.VerifyAuditTrailAsync(cancellationToken: ct);
        await LoadAsync(ct);
    }

    public string NextPage(long next) =>
        $"/revisione?sportello={Uri.EscapeDataString(Sportello ?? "")}&tessera={Uri.EscapeDataString(Tessera ?? "")}&from={From}&to={To}&dopo={next}";

    private async Task LoadAsync(CancellationToken ct)
    {
        try
        {
            Operations = await api.Client.ListAuditOperationsAsync(counter: Labels.Blank(Sportello), card: Labels.Blank(Tessera), from: Labels.Blank(From), to: Labels.Blank(To),
                after: Dopo, limit: 50, format: "json", cancellationToken: ct);
            Statistics = await api.Client.GetAuditStatisticsAsync(counter: Labels.Blank(Sportello), from: Labels.Blank(From), to: Labels.Blank(To), cancellationToken: ct);
            Alerts = await api.Client.GetAuditAlertsAsync(cancellationToken: ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "", ruleFields: new Dictionary<string, string> { ["period-reversed"] = "from" });
            foreach (var (api, page) in new[] { ("counter", "sportello"), ("card", "tessera") })
            {
                if (ModelState.TryGetValue(api, out var entry)) foreach (var error in entry.Errors) ModelState.AddModelError(page, error.ErrorMessage);
                ModelState.Remove(api);
            }
        }
    }
}
