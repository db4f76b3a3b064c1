using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cms.Web.Pages.Cittadino;

/// <summary>
/// The citizens' reserved area [C §2]: entered with the current TS-CNS (its certificate, presented by the browser on every
/// request, decision 0047); offers "Attiva nuova TS/CNS". Without a certificate the page says how to enter (401).
/// </summary>
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class IndexModel(CitizenCertificate certificates) : PageModel
{
    public bool Enabled => certificates.Enabled;
    public string? CodiceFiscale { get; private set; }
    public bool SignedIn { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var certificate = await certificates.CurrentAsync(ct);
        SignedIn = certificate is not null;
        if (certificate is not null) CodiceFiscale = CitizenCertificate.CodiceFiscaleShown(certificate);
        ViewData["CittadinoUtente"] = CodiceFiscale;
        if (!SignedIn) Response.StatusCode = Enabled ? StatusCodes.Status401Unauthorized : StatusCodes.Status404NotFound;
    }
}
