namespace Cms.Web.Pages.Richieste;

[Authorize(Roles = "Operator")]
public sealed class ModificaModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Flusso { get; set; } = "";
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public CodeRequestForm Input { get; set; } = new();
    public CodeRequestFlow Flow => CodeRequestFlow.BySlug[Flusso];

    public async Task OnGetAsync(CancellationToken ct) => Input = CodeRequestForm.From(await Flow.GetAsync(api.Client, Id, ct));

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
