namespace Cms.Web.Pages.Consensi;

[Authorize(Roles = "Operator")]
public sealed class RichiestaModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public ConsentRequest? Consent { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Consent = await api.Client.GetConsentRequestAsync(Id, ct);

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct) => await ActAsync(() => api.Client.ConfirmConsentRequestAsync(Id, ct), ct);

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct) => await ActAsync(() => api.Client.CancelConsentRequestAsync(Id, ct), ct);

    private async Task<IActionResult> ActAsync(Func<Task<ConsentRequest>> action, CancellationToken ct)
    {
        try
        {
            await action();
            return Redirect($"/consensi/{Id}");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "");
            Consent = await api.Client.GetConsentRequestAsync(Id, ct);
            return Page();
        }
    }
}
