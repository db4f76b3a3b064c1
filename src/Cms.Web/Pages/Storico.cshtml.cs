namespace Cms.Web.Pages;

[Authorize(Roles = "Operator")]
public sealed class StoricoModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Cf { get; set; }
    [BindProperty(SupportsGet = true)] public string? Tessera { get; set; }
    public HolderHistory? Holder { get; private set; }
    public CardHistory? Card { get; private set; }

    /// <summary>The API refused: this operator has not identified a card of the person lately [T 2.7, decision 0040].</summary>
    public bool NotIdentified { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        try
        {
            if (!string.IsNullOrWhiteSpace(Cf)) Holder = await api.Client.GetHolderCardsAsync(Cf.Trim().ToUpperInvariant(), cancellationToken: ct);
            else if (!string.IsNullOrWhiteSpace(Tessera)) Card = await api.Client.GetCardHistoryAsync(Tessera.Trim(), cancellationToken: ct);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            NotIdentified = Problems.Rule(e) == "holder-not-identified";
            Problems.AddTo(ModelState, e, prefix: "", ruleFields: new Dictionary<string, string>
            {
                ["holder-not-found"] = "cf", ["card-not-found"] = "tessera",
                ["holder-not-identified"] = string.IsNullOrWhiteSpace(Cf) ? "tessera" : "cf",
            });
            if (ModelState.TryGetValue("codiceFiscale", out var cf)) foreach (var error in cf.Errors) ModelState.AddModelError("cf", error.ErrorMessage);
            if (ModelState.TryGetValue("cardNumber", out var n)) foreach (var error in n.Errors) ModelState.AddModelError("tessera", error.ErrorMessage);
            ModelState.Remove("codiceFiscale");
            ModelState.Remove("cardNumber");
        }
    }
}
