using Cms.Client;
using Cms.Web.Services;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cms.Web.Pages.Attivazione;

[Authorize(Roles = "Operator")]
public sealed class ModificaModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public ActivationForm Input { get; set; } = new();

    public async Task OnGetAsync(CancellationToken ct) =>
        Input = ActivationForm.From((await api.Client.GetActivationAsync(Id, ct)).Summary);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            await api.Client.UpdateActivationAsync(Id, Input.ToUpdate(), ct);
            return Redirect($"/attivazione/{Id}");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: ActivationForm.RuleFields);
            return Page();
        }
    }
}
