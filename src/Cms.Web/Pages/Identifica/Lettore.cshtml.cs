using Microsoft.Extensions.Options;

namespace Cms.Web.Pages.Identifica;

/// <summary>
/// Identification with the desk's reader: the page's form goes to the reader bridge on the desk (<c>cms-reader bridge</c>),
/// which reads the chip and sends its data back through <see cref="RitornoModel"/>; back here with the sealed reading, the
/// page asks the API to identify the card in reader mode (the chip must match the registry) and moves on to the card.
/// </summary>
[Authorize(Roles = "Operator")]
public sealed class LettoreModel(CmsApi api, ReaderHandoff handoff, IOptions<WebOptions> options) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "operazione")] public string Operation { get; set; } = "attivazione";
    [BindProperty(SupportsGet = true, Name = "lettura")] public string? SealedReading { get; set; }

    public string OperationLabel => IdentificaModel.Operations.GetValueOrDefault(Operation, "Attivazione");
    public string BridgeUrl => options.Value.ReaderBridgeUrl.TrimEnd('/');
    public string State { get; private set; } = "";
    public string ReturnUrl { get; private set; } = "";
    public string BackUrl { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!IdentificaModel.Operations.ContainsKey(Operation)) Operation = "attivazione";
        if (SealedReading is not null)
        {
            // Only a reading the reader page asked for: a delegate's card read for a request form does not identify a card.
            if (handoff.OpenIdentificationReading(SealedReading, User, IdentificaModel.Operations.ContainsKey) is not { } reading)
            {
                ModelState.AddModelError("", "La lettura della tessera è scaduta o non è valida: leggere di nuovo la tessera.");
            }
            else
            {
                Operation = reading.State.Operation;
                try
                {
                    var card = await api.Client.IdentifyCardAsync(new CardIdentificationInput { Chip = reading.Chip }, ct);
                    CardStore.Keep(TempData, card);
                    return Redirect($"/carta/{card.CardNumber}?operazione={Operation}");
                }
                catch (CmsApiException e) when (e.StatusCode != 401)
                {
                    Problems.AddToTop(ModelState, e);
                }
            }
        }
        State = handoff.NewState(Operation, User);
        ReturnUrl = $"{Request.Scheme}://{Request.Host}/identifica/lettore/ritorno";
        BackUrl = $"{Request.Scheme}://{Request.Host}/identifica/lettore?operazione={Operation}";
        // The bridge accepts only the origins it was started for: let the browser tell it ours (the site's default is no-referrer).
        Response.Headers["Referrer-Policy"] = "origin";
        return Page();
    }
}
