using Cms.Client;
using Cms.Web.Services;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cms.Web.Pages.Attivazione;

[Authorize(Roles = "Operator")]
public sealed class RichiestaModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public ActivationResponse? Activation { get; private set; }

    /// <summary>The confirm's answer: the first halves are shown this once and never again.</summary>
    public ActivationConfirmation? Confirmation { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Activation = await api.Client.GetActivationAsync(Id, ct);

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct)
    {
        try
        {
            Confirmation = await api.Client.ConfirmActivationAsync(Id, ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e);
        }
        Activation = await api.Client.GetActivationAsync(Id, ct);
        Response.Headers.CacheControl = "no-store"; // the page holds the first halves
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct)
    {
        try
        {
            await api.Client.CancelActivationAsync(Id, ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e);
            Activation = await api.Client.GetActivationAsync(Id, ct);
            return Page();
        }
        return Redirect($"/attivazione/{Id}");
    }
}
