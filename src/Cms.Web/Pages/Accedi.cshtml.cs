using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

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
        SignInSuccess signedIn;
        try
        {
            signedIn = await api.Anonymous().CreateAccessTokenAsync(
                new SignInCommand { CodiceFiscale = Input.CodiceFiscale?.Trim().ToUpperInvariant(), Password = Input.Password }, ct);
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

        var op = signedIn.Operator;
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, $"{op.GivenName} {op.Surname}"),
            new(ClaimTypes.NameIdentifier, op.Id.ToString()),
            new("cms:codice_fiscale", op.CodiceFiscale),
            new(CmsApi.TokenClaim, signedIn.AccessToken),
        };
        if (op.Counter is { } counter) claims.Add(new Claim("cms:counter", counter.Code));
        claims.AddRange(op.Roles.Select(r => new Claim(ClaimTypes.Role, r.ToString())));
        var identity = new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { ExpiresUtc = signedIn.ExpiresAt, IsPersistent = false });
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }
}
