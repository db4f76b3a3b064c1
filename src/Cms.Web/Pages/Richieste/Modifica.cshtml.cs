namespace Cms.Web.Pages.Richieste;

[Authorize(Roles = "Operator")]
public sealed class ModificaModel(CmsApi api, ReaderHandoff handoff) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Flusso { get; set; } = "";
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public CodeRequestForm Input { get; set; } = new();
    /// <summary>The sealed reading of the delegate's card, back from the reader bridge.</summary>
    [BindProperty(SupportsGet = true, Name = "delegato")] public string? DelegateReading { get; set; }
    public CodeRequestFlow Flow => CodeRequestFlow.BySlug[Flusso];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Input = DelegateReadings.Restore(this) ?? CodeRequestForm.From(await Flow.GetAsync(api.Client, Id, ct));
        DelegateReadings.Apply(this, handoff, DelegateReading, Input);
    }

    /// <summary>"Recupera dati delegato": keeps what was typed and goes to read the delegate's card.</summary>
    public IActionResult OnPostDelegato() => DelegateReadings.Start(this, Input);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            await Flow.UpdateAsync(api.Client, Id, Input, ct);
            return Redirect($"/{Flow.Slug}/{Id}");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: PersonPresentForm.RuleFields);
            return Page();
        }
    }
}
