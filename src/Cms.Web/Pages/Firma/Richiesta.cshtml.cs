namespace Cms.Web.Pages.Firma;

/// <summary>The summary of a signature-certificate request, its print, confirm and cancel, and where the call to the CA stands.</summary>
[Authorize(Roles = "Operator")]
public sealed class RichiestaModel(CmsApi api) : PageModel
{
    private static readonly Dictionary<string, string> ConfirmRules = new(StringComparer.Ordinal)
    {
        ["form-not-printed"] = "formPrintedAndSigned",
    };

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public SignatureRequest? Signature { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Signature = await api.Client.GetSignatureRequestAsync(Id, ct);

    public async Task<IActionResult> OnPostConfirmAsync([FromForm] bool formPrintedAndSigned, CancellationToken ct)
    {
        try
        {
            Signature = await api.Client.ConfirmSignatureRequestAsync(Id, new FormConfirmationInput { FormPrintedAndSigned = formPrintedAndSigned }, ct);
            return Page();
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "", ruleFields: ConfirmRules);
        }
        Signature = await api.Client.GetSignatureRequestAsync(Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct)
    {
        try
        {
            await api.Client.CancelSignatureRequestAsync(Id, ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "");
        }
        return Redirect($"/firma/{Id}");
    }
}
