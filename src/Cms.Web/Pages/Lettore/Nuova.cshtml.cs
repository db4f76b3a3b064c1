namespace Cms.Web.Pages.Lettore;

[Authorize(Roles = "Operator")]
public sealed class NuovaModel(CmsApi api) : PageModel
{
    public sealed class ReaderForm
    {
        public string? ReaderSerial { get; set; }
        public string? OverrideReason { get; set; }
    }

    [BindProperty(SupportsGet = true)] public string Numero { get; set; } = "";
    [BindProperty] public ReaderForm Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            var created = await api.Client.CreateReaderDeliveryAsync(new ReaderDeliveryInput
            {
                CardNumber = Numero,
                ReaderSerial = string.IsNullOrWhiteSpace(Input.ReaderSerial) ? null : Input.ReaderSerial,
                OverrideReason = string.IsNullOrWhiteSpace(Input.OverrideReason) ? null : Input.OverrideReason,
            }, ct);
            return Redirect($"/lettore/{created.Id}");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: new Dictionary<string, string> { ["reader-already-delivered"] = "overrideReason" });
            return Page();
        }
    }
}
