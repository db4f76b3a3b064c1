namespace Cms.Web.Pages.Richieste;

[Authorize(Roles = "Operator")]
public sealed class NuovaModel(CmsApi api, ReaderHandoff handoff) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Flusso { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string Numero { get; set; } = "";
    [BindProperty] public CodeRequestForm Input { get; set; } = new();
    /// <summary>The sealed reading of the delegate's card, back from the reader bridge.</summary>
    [BindProperty(SupportsGet = true, Name = "delegato")] public string? DelegateReading { get; set; }
    public CodeRequestFlow Flow => CodeRequestFlow.BySlug[Flusso];

    public void OnGet()
    {
        Input = DelegateReadings.Restore(this) ?? Input;
        DelegateReadings.Apply(this, handoff, DelegateReading, Input);
    }

    /// <summary>"Recupera dati delegato": keeps what was typed and goes to read the delegate's card.</summary>
    public IActionResult OnPostDelegato() => DelegateReadings.Start(this, Input);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            var id = await Flow.CreateAsync(api.Client, Numero, Input, ct);
            return Redirect($"/{Flow.Slug}/{id}");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: PersonPresentForm.RuleFields);
            return Page();
        }
    }
}
