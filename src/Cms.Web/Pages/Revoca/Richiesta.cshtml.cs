namespace Cms.Web.Pages.Revoca;

[Authorize(Roles = "Operator")]
public sealed class RichiestaModel(CmsApi api) : PageModel
{
    private static readonly Dictionary<string, string> CipRules = new(StringComparer.Ordinal)
    {
        ["cip-mismatch"] = "cip", ["cip-locked"] = "cip",
    };

    private static readonly Dictionary<string, string> ConfirmRules = new(StringComparer.Ordinal)
    {
        ["form-signature-not-acknowledged"] = "formPrintedAndSigned", ["revocation-form-not-printed"] = "formPrintedAndSigned",
    };

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public RevocationRequest? Revocation { get; private set; }
    public RevocationConfirmation? Confirmation { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Revocation = await api.Client.GetRevocationAsync(Id, ct);

    public async Task<IActionResult> OnPostVerifyCipAsync([FromForm] string? cip, CancellationToken ct)
    {
        try
        {
            await api.Client.VerifyRevocationCipAsync(Id, new CipInput { Cip = cip }, ct);
            return Redirect($"/revoca/{Id}");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "", ruleFields: CipRules);
        }
        Revocation = await api.Client.GetRevocationAsync(Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync([FromForm] bool formPrintedAndSigned, CancellationToken ct)
    {
        try
        {
            Confirmation = await api.Client.ConfirmRevocationAsync(Id, new FormConfirmationInput { FormPrintedAndSigned = formPrintedAndSigned }, ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "", ruleFields: ConfirmRules);
        }
        Revocation = await api.Client.GetRevocationAsync(Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct)
    {
        try
        {
            await api.Client.CancelRevocationAsync(Id, ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "");
        }
        return Redirect($"/revoca/{Id}");
    }
}
