namespace Cms.Web.Pages.Richieste;

[Authorize(Roles = "Operator")]
public sealed class RichiestaModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Flusso { get; set; } = "";
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    public CodeRequestFlow Flow => CodeRequestFlow.BySlug[Flusso];
    public CodeRequestView? View { get; private set; }

    /// <summary>The confirm's answer: the first halves are shown this once and never again.</summary>
    public CodeRequestOutcome? Outcome { get; private set; }

    /// <summary>The recipient-proof code as the holder reads it out (when the region requires it).</summary>
    [BindProperty] public string? RecipientProof { get; set; }

    /// <summary>The operator's word that the forms were printed and signed (sign before confirm).</summary>
    [BindProperty] public bool FormPrintedAndSigned { get; set; }

    /// <summary>Where the last code went (masked), until when, and how many sends are left: shown after a send.</summary>
    public RecipientProofSent? ProofSent { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => View = await Flow.GetAsync(api.Client, Id, ct);

    public async Task<IActionResult> OnPostSendProofAsync(CancellationToken ct)
    {
        try
        {
            ProofSent = await Flow.SendRecipientProofAsync(api.Client, Id, ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "");
        }
        View = await Flow.GetAsync(api.Client, Id, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct)
    {
        try
        {
            Outcome = await Flow.ConfirmAsync(api.Client, Id, string.IsNullOrWhiteSpace(RecipientProof) ? null : RecipientProof.Trim(),
                FormPrintedAndSigned, ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "", ruleFields: ProofFields);
        }
        View = await Flow.GetAsync(api.Client, Id, ct);
        Response.Headers.CacheControl = "no-store"; // the page holds the first halves
        return Page();
    }

    /// <summary>The recipient proof's refusals go beside its field, the forms' beside the operator's declaration.</summary>
    public static readonly IReadOnlyDictionary<string, string> ProofFields = new Dictionary<string, string>
    {
        ["recipient-not-verified"] = nameof(RecipientProof), ["recipient-proof-wrong"] = nameof(RecipientProof),
        ["recipient-proof-expired"] = nameof(RecipientProof), ["recipient-proof-exhausted"] = nameof(RecipientProof),
        ["form-not-printed"] = nameof(FormPrintedAndSigned),
    };

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct)
    {
        try
        {
            await Flow.CancelAsync(api.Client, Id, ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e);
            View = await Flow.GetAsync(api.Client, Id, ct);
            return Page();
        }
        return Redirect($"/{Flow.Slug}/{Id}");
    }
}
