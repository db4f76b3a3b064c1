namespace Cms.Web.Pages;

/// <summary>
/// The operator changes their password: when it has expired (the sign-in sends them here) or whenever they choose. The
/// API checks the current password and the policy; on success the operator is signed in with the new one.
/// </summary>
public sealed class PasswordModel(CmsApi api) : PageModel
{
    public const string CodiceFiscaleKey = "password:codice-fiscale";

    public sealed class ChangeForm
    {
        public string? CodiceFiscale { get; set; }
        public string? CurrentPassword { get; set; }
        public string? NewPassword { get; set; }
        public string? NewPasswordConfirmation { get; set; }
    }

    [BindProperty] public ChangeForm Input { get; set; } = new();
    [BindProperty(SupportsGet = true, Name = "motivo")] public string? Reason { get; set; }
    public bool Expired => Reason == "scaduta";

    public void OnGet()
    {
        Input.CodiceFiscale = TempData[CodiceFiscaleKey] as string
            ?? User.FindFirst("cms:codice_fiscale")?.Value;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var codiceFiscale = Input.CodiceFiscale?.Trim().ToUpperInvariant();
        if (!string.IsNullOrEmpty(Input.NewPassword) && Input.NewPassword != Input.NewPasswordConfirmation)
        {
            ModelState.AddModelError("Input.NewPasswordConfirmation", "Le due password nuove non coincidono.");
            return Page();
        }
        try
        {
            await api.Anonymous().ChangePasswordAsync(new PasswordChangeInput
            {
                CodiceFiscale = codiceFiscale, CurrentPassword = Input.CurrentPassword, NewPassword = Input.NewPassword,
            }, ct);
            var signedIn = await api.Anonymous().CreateAccessTokenAsync(new SignInInput { CodiceFiscale = codiceFiscale, Password = Input.NewPassword }, ct);
            await OperatorSession.StartAsync(HttpContext, signedIn);
        }
        catch (CmsApiException e)
        {
            Problems.AddTo(ModelState, e, ruleFields: new Dictionary<string, string> { ["invalid-credentials"] = "currentPassword" });
            return Page();
        }
        catch (HttpRequestException)
        {
            ModelState.AddModelError("", Problems.Unavailable);
            return Page();
        }
        TempData["avviso"] = "Password cambiata.";
        return Redirect("/");
    }
}
