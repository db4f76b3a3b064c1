namespace Cms.Web.Pages.Ente;

/// <summary>
/// Revocation on the issuer's initiative [S 9.7.2, TM 10.7.1; decision 0048]: the card's number, one of the issuer's reasons and
/// a note; a confirmation step that writes nothing; then the API's <c>POST /issuer/revocations</c>. No CIP, no counter, no form
/// to sign. The API's refusals come back beside the field they concern, on the form again.
/// </summary>
[Authorize(Roles = "Issuer")]
public sealed class RevocaModel(CmsApi api) : PageModel
{
    public sealed class IssuerRevocationForm
    {
        public string? CardNumber { get; set; }
        public string? Reason { get; set; }
        public string? Note { get; set; }
        /// <summary>The number typed again on the confirmation step: a revocation is final, one wrong digit would revoke a stranger's card.</summary>
        public string? ConfirmCardNumber { get; set; }
    }

    public enum Step { Form, Confirm, Done }

    /// <summary>The issuer's reasons [S 9.7.2], as the operator reads them.</summary>
    public static readonly (string Value, string Label)[] Reasons =
    [
        (nameof(IssuerRevocationReason.ERRORE_DATI_ANAGRAFICI), "Errore nei dati anagrafici riportati sulla tessera"),
        (nameof(IssuerRevocationReason.MANCATO_RECAPITO), "Mancato recapito della tessera"),
        (nameof(IssuerRevocationReason.DECESSO), "Decesso del titolare"),
        (nameof(IssuerRevocationReason.CESSATO_DIRITTO_ALL_ASSISTENZA), "Cessato diritto all'assistenza sanitaria"),
    ];

    private static readonly Dictionary<string, string> RuleFields = new(StringComparer.Ordinal)
    {
        ["card-not-found"] = "cardNumber", ["card-not-revocable"] = "cardNumber",
    };

    [BindProperty] public IssuerRevocationForm Input { get; set; } = new();
    public Step Shown { get; private set; } = Step.Form;
    public IssuerRevocation? Done { get; private set; }

    public static string ReasonLabel(string? value) => Reasons.FirstOrDefault(r => r.Value == value).Label ?? value ?? "";

    public void OnGet()
    {
    }

    /// <summary>The confirmation step: nothing is sent to the API yet; only what is plainly missing is asked for first.</summary>
    public IActionResult OnPostReview()
    {
        ModelState.Clear();
        Input.CardNumber = Input.CardNumber?.Replace(" ", "", StringComparison.Ordinal).Trim();
        if (string.IsNullOrEmpty(Input.CardNumber))
            ModelState.AddModelError("Input.CardNumber", "Indicare il numero di identificazione della tessera (20 cifre).");
        if (PersonPresentForm.Parse<IssuerRevocationReason>(Input.Reason) is null)
            ModelState.AddModelError("Input.Reason", "Scegliere il motivo della revoca.");
        if (ModelState.IsValid) Shown = Step.Confirm;
        return Page();
    }

    /// <summary>Back from the confirmation to the form, the values kept.</summary>
    public IActionResult OnPostEdit()
    {
        ModelState.Clear();
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct)
    {
        ModelState.Clear();
        Input.CardNumber = Input.CardNumber?.Replace(" ", "", StringComparison.Ordinal).Trim();
        if (Input.ConfirmCardNumber?.Replace(" ", "", StringComparison.Ordinal).Trim() != Input.CardNumber)
        {
            ModelState.AddModelError("Input.ConfirmCardNumber",
                "Il numero ridigitato non corrisponde a quello della tessera da revocare: controllare le 20 cifre.");
            Input.ConfirmCardNumber = null;
            Shown = Step.Confirm;
            return Page();
        }
        try
        {
            Done = await api.Client.CreateIssuerRevocationAsync(new IssuerRevocationInput
            {
                CardNumber = Input.CardNumber?.Trim(), Reason = PersonPresentForm.Parse<IssuerRevocationReason>(Input.Reason), Note = Labels.Blank(Input.Note),
            }, ct);
            Shown = Step.Done;
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: RuleFields);
        }
        catch (HttpRequestException)
        {
            ModelState.AddModelError("", Problems.Unavailable);
        }
        return Page();
    }
}
