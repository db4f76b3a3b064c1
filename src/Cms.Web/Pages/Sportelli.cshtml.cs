namespace Cms.Web.Pages;

/// <summary>Security administrators: the counters of the region.</summary>
[Authorize(Roles = "SecurityAdministrator")]
public sealed class SportelliModel(CmsApi api) : PageModel
{
    public sealed class CounterForm
    {
        public string? Code { get; set; }
        public string? Name { get; set; }
        public string? Type { get; set; }
        public string? Region { get; set; }
    }

    [BindProperty] public CounterForm Input { get; set; } = new();
    public IReadOnlyList<Counter> Counters { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Counters = [.. await api.Client.ListCountersAsync(cancellationToken: ct)];

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            await api.Client.CreateCounterAsync(new CounterInput
            {
                Code = Input.Code?.Trim(), Name = Input.Name, Type = PersonPresentForm.Parse<CounterType>(Input.Type), Region = Input.Region?.Trim(),
            }, ct);
            return Redirect("/sportelli");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: new Dictionary<string, string> { ["duplicate"] = "code", ["counter-exists"] = "code" });
            await OnGetAsync(ct);
            return Page();
        }
    }

    /// <summary>The update replaces the counter's data: everything is sent again, with the state changed.</summary>
    public async Task<IActionResult> OnPostToggleAsync(string code, bool active, CancellationToken ct)
    {
        var current = (await api.Client.ListCountersAsync(cancellationToken: ct)).FirstOrDefault(c => c.Code == code);
        if (current is null) return Redirect("/sportelli");
        try
        {
            await api.Client.UpdateCounterAsync(code, new CounterUpdate { Name = current.Name, Type = current.Type, Active = active }, ct);
            return Redirect("/sportelli");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "");
            await OnGetAsync(ct);
            return Page();
        }
    }
}
