namespace Cms.Web.Pages.Richieste;

[Authorize(Roles = "Operator")]
public sealed class NuovaModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Flusso { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string Numero { get; set; } = "";
    [BindProperty] public CodeRequestForm Input { get; set; } = new();
    public CodeRequestFlow Flow => CodeRequestFlow.BySlug[Flusso];

    public void OnGet()
    {
    }

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
