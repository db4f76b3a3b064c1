using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Cms.Web.Services;

/// <summary>The API said 401 (the token expired or was refused): end the session and ask to sign in again.</summary>
public sealed class ExpiredSessionFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is CmsApiException { StatusCode: 401 } && context.HttpContext.User.Identity?.IsAuthenticated == true)
        {
            executed.ExceptionHandled = true;
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            executed.Result = new RedirectResult("/accedi?sessione=scaduta");
        }
    }
}
