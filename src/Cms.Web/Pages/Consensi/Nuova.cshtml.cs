namespace Cms.Web.Pages.Consensi;

[Authorize(Roles = "Operator")]
public sealed class NuovaModel(CmsApi api) : PageModel
{
    [BindProperty(SupportsGet = true)] public string Numero { get; set; } = "";
    [BindProperty] public ConsentForm Input { get; set; } = new();
    public CardConsents? Card { get; private set; }

    /// <summary>Coming from an activation: its id ties the consents to it (and to the "Attivazione e consensi" print).</summary>
    public async Task OnGetAsync(Guid? attivazione, CancellationToken ct)
    {
        Card = await api.Client.GetCardConsentsAsync(Numero, ct);
        Input.ActivationId = attivazione;
        if (Card.Current is { } current)
        {
            Input.Consents.ConsultationConsent = current.Consents.ConsultationConsent;
            Input.Consents.PastData = current.Consents.PastData.ToString();
            Input.Consents.NotificationEmail = current.Consents.NotificationEmail;
            Input.Consents.NotificationEmailConfirmation = current.Consents.NotificationEmail;
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Card = await api.Client.GetCardConsentsAsync(Numero, ct);
        try
        {
            var created = await api.Client.CreateConsentRequestAsync(Input.ToCreate(Numero, Card.ModelInEffect), ct);
            return Redirect($"/consensi/{created.Id}");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: ConsentForm.Rules);
            return Page();
        }
    }
}
