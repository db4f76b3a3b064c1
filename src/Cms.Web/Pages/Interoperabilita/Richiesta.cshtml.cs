namespace Cms.Web.Pages.Interoperabilita;

/// <summary>
/// An interop request: its summary with confirm / cancel while pending, then where it stands (the page refreshes itself
/// while the issuing region has not answered), the first halves' print when completed, the region's reason when refused.
/// </summary>
[Authorize(Roles = "Operator")]
public sealed class RichiestaModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public InteropRequest? Interop { get; private set; }

    /// <summary>The forms of the pending request, for the partial that lists them with whether each was printed.</summary>
    public (string Kind, Guid Id, IReadOnlyList<string> Names, IReadOnlyList<string> Printed) FormsToSign =>
        ("interoperabilita", Id, [.. Interop!.Documents], [.. Interop.FormsPrinted]);

    public bool Waiting => Interop?.Status is InteropStatus.QUEUED or InteropStatus.SENT;

    public async Task OnGetAsync(CancellationToken ct) => Interop = await api.Client.GetInteropRequestAsync(Id, ct);

    /// <summary>The recipient-proof code as the holder reads it out (when the region requires it).</summary>
    [BindProperty] public string? RecipientProof { get; set; }

    public RecipientProofSent? ProofSent { get; private set; }

    /// <summary>The operator's word that the forms were printed and signed at this counter [S 9.3.3, M 2.6].</summary>
    [BindProperty] public bool FormPrintedAndSigned { get; set; }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct) => await ActAsync(() => api.Client.ConfirmInteropRequestAsync(Id,
        new CodeReleaseConfirmationInput
        {
            RecipientProof = string.IsNullOrWhiteSpace(RecipientProof) ? null : RecipientProof.Trim(), FormPrintedAndSigned = FormPrintedAndSigned,
        }, ct), ct);

    public async Task<IActionResult> OnPostSendProofAsync(CancellationToken ct)
    {
        try
        {
            ProofSent = await api.Client.SendInteropRecipientProofAsync(Id, ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "");
        }
        Interop = await api.Client.GetInteropRequestAsync(Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct) => await ActAsync(() => api.Client.CancelInteropRequestAsync(Id, ct), ct);

    private async Task<IActionResult> ActAsync(Func<Task<InteropRequest>> action, CancellationToken ct)
    {
        try
        {
            await action();
            return Redirect($"/interoperabilita/{Id}");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "", ruleFields: Richieste.RichiestaModel.ProofFields);
        }
        Interop = await api.Client.GetInteropRequestAsync(Id, ct);
        return Page();
    }
}
