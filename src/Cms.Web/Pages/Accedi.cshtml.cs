namespace Cms.Web.Pages;

public sealed class AccediModel(CmsApi api) : PageModel
{
    public sealed class SignInForm
    {
        public string? CodiceFiscale { get; set; }
        public string? Password { get; set; }
    }

    [BindProperty] public SignInForm Input { get; set; } = new();
    public bool SessionExpired { get; private set; }

    public void OnGet(string? sessione) => SessionExpired = sessione == "scaduta";

    public async Task<IActionResult> OnPostAsync(string? returnUrl, CancellationToken ct)
    {
        AccessGrant signedIn;
        try
        {
            signedIn = await api.Anonymous().CreateAccessTokenAsync(
                new SignInInput { CodiceFiscale = Input.CodiceFiscale?.Trim().ToUpperInvariant(), Password = Input.Password }, ct);
        }
        catch (CmsApiException e) when (Problems.Rule(e) == "password-expired")
        {
            // The password has to be changed before anything else; the codice fiscale goes along in the protected TempData.
            TempData[PasswordModel.CodiceFiscaleKey] = Input.CodiceFiscale?.Trim().ToUpperInvariant();
            return Redirect("/password?motivo=scaduta");
        }
        catch (CmsApiException e)
        {
            Problems.AddTo(ModelState, e);
            return Page();
        }
        catch (HttpRequestException)
        {
            ModelState.AddModelError("", Problems.Unavailable);
            return Page();
        }
        await OperatorSession.StartAsync(HttpContext, signedIn);
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }
}
