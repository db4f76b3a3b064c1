namespace Cms.Web.Pages.Lettore;

[Authorize(Roles = "Operator")]
public sealed class RichiestaModel(CmsApi api) : PageModel
{
    private static readonly Dictionary<string, string> ConfirmRules = new(StringComparer.Ordinal)
    {
        ["form-signature-not-acknowledged"] = "formPrintedAndSigned", ["reader-form-not-printed"] = "formPrintedAndSigned",
    };

    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public ReaderDelivery? Delivery { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Delivery = await api.Client.GetReaderDeliveryAsync(Id, ct);

    public async Task<IActionResult> OnPostConfirmAsync([FromForm] bool formPrintedAndSigned, CancellationToken ct)
    {
        try
        {
            Delivery = await api.Client.ConfirmReaderDeliveryAsync(Id, new FormConfirmationInput { FormPrintedAndSigned = formPrintedAndSigned }, ct);
            return Page();
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "", ruleFields: ConfirmRules);
        }
        Delivery = await api.Client.GetReaderDeliveryAsync(Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct)
    {
        try
        {
            await api.Client.CancelReaderDeliveryAsync(Id, ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "");
        }
        return Redirect($"/lettore/{Id}");
    }
}
