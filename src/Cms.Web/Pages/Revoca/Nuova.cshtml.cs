namespace Cms.Web.Pages.Revoca;

[Authorize(Roles = "Operator")]
public sealed class NuovaModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Numero { get; set; } = "";
    [BindProperty] public RevocationForm Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            var created = await api.Client.CreateRevocationAsync(Input.ToCreate(Numero), ct);
            return Redirect($"/revoca/{created.Id}");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: RevocationForm.Rules);
            return Page();
        }
    }
}
