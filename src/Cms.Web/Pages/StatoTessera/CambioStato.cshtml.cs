namespace Cms.Web.Pages.StatoTessera;

/// <summary>
/// Suspension of an active card and reactivation of a suspended one [S 9.5.3, 9.6], offered on the card's page only when
/// the API lists them among its allowed operations (that is, where the region provides them). One step: the person at
/// the counter, the reason, the confirmation; the certificate follows through the certification authority.
/// </summary>
[Authorize(Roles = "Operator")]
public sealed class CambioStatoModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "azione")] public string Action { get; set; } = "";
    [BindProperty(SupportsGet = true)] public string Numero { get; set; } = "";
    [BindProperty] public StateChangeForm Input { get; set; } = new();
    public StateChange? Done { get; private set; }

    private static readonly IReadOnlyDictionary<string, string> Rules = new Dictionary<string, string>(PersonPresentForm.RuleFields, StringComparer.Ordinal)
    {
        ["reason-note-required"] = "note",
    };

    public bool Suspension => Action == "sospensione";
    public string Title => Suspension ? "Sospensione" : "Riattivazione";

    public IActionResult OnGet() => Action is "sospensione" or "riattivazione" ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Action is not ("sospensione" or "riattivazione")) return NotFound();
        try
        {
            Done = Suspension
                ? await api.Client.SuspendCardAsync(Input.ToSuspend(Numero), ct)
                : await api.Client.ReactivateCardAsync(Input.ToReactivate(Numero), ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: Rules);
        }
        return Page();
    }
}
