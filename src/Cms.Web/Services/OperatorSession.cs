using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Cms.Web.Services;

/// <summary>The UI's session: the API's token and who the operator is, in the protected sign-in cookie.</summary>
public static class OperatorSession
{
    public static Task StartAsync(HttpContext http, AccessGrant signedIn)
    {
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
        return http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { ExpiresUtc = signedIn.ExpiresAt, IsPersistent = false });
    }
}
