using Microsoft.Extensions.Options;

namespace Cms.Web.Pages.Identifica;

/// <summary>
/// "Recupera dati delegato" [M 2.4.1, decision 0046]: the delegate's own TS-CNS read by the desk's reader bridge, as identification
/// reads the holder's. The page sends the bridge a state that names the request form to go back to; the bridge's answer comes back
/// through <see cref="RitornoModel"/>, sealed, to that form, which fills the delegate in. The API checks the reading again.
/// </summary>
[Authorize(Roles = "Operator")]
public sealed class DelegatoModel(ReaderHandoff handoff, IOptions<WebOptions> options) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "torna")] public string? Back { get; set; }

    public string BridgeUrl => options.Value.ReaderBridgeUrl.TrimEnd('/');
    public string State { get; private set; } = "";
    public string ReturnUrl { get; private set; } = "";
    public string BackUrl { get; private set; } = "";

    public IActionResult OnGet()
    {
        if (!ReaderHandoff.IsDelegateFormPath(Back)) return Redirect("/identifica");
        State = handoff.NewState(ReaderHandoff.DelegateOperation, User, Back);
        ReturnUrl = $"{Request.Scheme}://{Request.Host}/identifica/lettore/ritorno";
        BackUrl = $"{Request.Scheme}://{Request.Host}{Back}";
        // The bridge accepts only the origins it was started for: let the browser tell it ours (the site's default is no-referrer).
        Response.Headers["Referrer-Policy"] = "origin";
        return Page();
    }
}
