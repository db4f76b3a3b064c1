using Cms.Web.Services;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

// Options are read once at start: nothing watches the configuration files (as in the API).
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
builder.Services.Configure<WebOptions>(builder.Configuration.GetSection(WebOptions.Section));
builder.Services.AddHttpContextAccessor();
builder.Services.AddHttpClient("cms", (sp, http) =>
{
    http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<WebOptions>>().Value.ApiUrl);
    http.Timeout = TimeSpan.FromSeconds(30);
}).AddHttpMessageHandler<IdempotencyKeyHandler>();
builder.Services.AddTransient<IdempotencyKeyHandler>();
builder.Services.AddScoped<CmsApi>();
builder.Services.AddSingleton<ReaderHandoff>();

var keys = builder.Configuration[$"{WebOptions.Section}:KeysFolder"];
var protection = builder.Services.AddDataProtection().SetApplicationName("Cms.Web");
if (!string.IsNullOrEmpty(keys)) protection.PersistKeysToFileSystem(new DirectoryInfo(keys));

builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
{
    o.LoginPath = "/accedi";
    o.LogoutPath = "/esci";
    o.AccessDeniedPath = "/accesso-negato";
    o.Cookie.Name = "cms.web";
    o.Cookie.HttpOnly = true;
    o.Cookie.SameSite = SameSiteMode.Strict;
    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
    o.SlidingExpiration = false; // the cookie lives as long as the API token inside it
});
builder.Services.AddAuthorization();
builder.Services.AddRazorPages(o =>
{
    o.Conventions.AuthorizeFolder("/");
    o.Conventions.AllowAnonymousToPage("/Accedi");
    o.Conventions.AllowAnonymousToPage("/Errore");
    o.Conventions.AllowAnonymousToPage("/Password"); // an expired password is changed before signing in
    o.Conventions.AllowAnonymousToPage("/Identifica/Ritorno"); // the bridge's post back comes without the Strict cookie
    o.Conventions.ConfigureFilter(new ExpiredSessionFilter());
});

var app = builder.Build();
// The reader page's form goes to the desk's reader bridge: the only place besides this site a form may post to.
var bridgeOrigin = new Uri(app.Services.GetRequiredService<IOptions<WebOptions>>().Value.ReaderBridgeUrl).GetLeftPart(UriPartial.Authority);
app.UseExceptionHandler("/errore");
app.Use(async (context, next) =>
{
    context.Response.Headers.XContentTypeOptions = "nosniff";
    context.Response.Headers.XFrameOptions = "DENY";
    context.Response.Headers["Referrer-Policy"] = "no-referrer";
    context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; " +
        $"form-action 'self' {bridgeOrigin}; base-uri 'self'";
    await next();
});
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/health/live", () => Results.Ok(new { status = "ok" })).AllowAnonymous();
app.MapGet("/modulo/{name}", Cms.Web.Pages.ModulisticaModel.FormAsync).RequireAuthorization();
app.MapRazorPages();
app.Run();

