using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Cms.Web.Pages;

/// <summary>Sign-out: the API ends the session (its token stops working everywhere), then the cookie goes.</summary>
public sealed class EsciModel(CmsApi api, ILogger<EsciModel> logger) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            try
            {
                await api.Client.SignOutAsync(ct);
            }
            catch (CmsApiException e) when (e.StatusCode == 401)
            {
                // The session had already ended (timeout, or ended from another desk).
            }
            catch (Exception e) when (e is CmsApiException or HttpRequestException)
            {
                // The cookie goes anyway; the session ends by its idle timeout.
                logger.LogWarning("Sign-out could not reach the API: {Error}", e.GetType().Name);
            }
        }
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Redirect("/accedi");
    }
}
