using Cms.Web.Keys;
using Cms.Web.Services;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Options;

// Options are read once at start: nothing watches the configuration files (as in the API).
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
builder.Services.Configure<WebOptions>(builder.Configuration.GetSection(WebOptions.Section));
builder.Services.AddHttpContextAccessor();
builder.Services.AddHttpClient("cms", (sp, http) =>
{
    http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<WebOptions>>().Value.ApiUrl);
    http.Timeout = TimeSpan.FromSeconds(30);
}).AddHttpMessageHandler<IdempotencyKeyHandler>().AddHttpMessageHandler<ClientAddressHandler>();
// The citizens' area (decision 0047): no operator token; the "Conferma" carries the one-use key drawn with its form (the API
// replays its answer, with the codes, to the same certificate for a few minutes: a double click does not lose them).
builder.Services.AddHttpClient(CitizenCertificate.HttpClientName, (sp, http) =>
{
    var options = sp.GetRequiredService<IOptions<WebOptions>>().Value;
    http.BaseAddress = new Uri(options.ApiUrl);
    http.Timeout = TimeSpan.FromSeconds(Math.Max(1, options.Citizen.ApiTimeoutSeconds));
}).AddHttpMessageHandler<ClientAddressHandler>();
builder.Services.AddScoped<CitizenCertificate>();
// The card feed (decision 0048): the uploaded file streamed straight through to the API. No idempotency key (it would read the
// whole body to derive the key; the feed is idempotent by card number and the API takes no key for it) and no 30 s timeout
// (a feed of a million cards takes minutes): the browser's request, when it ends, cancels the call.
builder.Services.AddHttpClient(CmsApi.StreamingClient, (sp, http) =>
{
    http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<WebOptions>>().Value.ApiUrl);
    http.Timeout = Timeout.InfiniteTimeSpan;
}).AddHttpMessageHandler<ClientAddressHandler>();
builder.Services.AddTransient<IdempotencyKeyHandler>();
builder.Services.AddTransient<ClientAddressHandler>();
var web = builder.Configuration.GetSection(WebOptions.Section).Get<WebOptions>() ?? new WebOptions();
if (UiStartupChecks.Problems(web, builder.Environment).Concat(WebKeyStore.Problems(builder.Configuration, web, builder.Environment)).ToList() is { Count: > 0 } refused)
{
    foreach (var problem in refused) Console.Error.WriteLine($"Cms.Web refuses to start: {problem}");
    return 78; // EX_CONFIG
}
// Served over https by Kestrel itself: the citizen's browser may present the card's certificate (any: the API judges it).
builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(https =>
{
    https.AllowAnyClientCertificate();
    if (web.Citizen.ClientCertificates) https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
}));
// Secure cookies: always when the UI is served over TLS, else when the request is https (the known proxy's scheme applied).
var cookieSecurity = web.Tls ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
builder.Services.AddAntiforgery(o => o.Cookie.SecurePolicy = cookieSecurity);
builder.Services.Configure<CookieTempDataProviderOptions>(o => o.Cookie.SecurePolicy = cookieSecurity);
var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
// Only the configured proxies: not even loopback by default (a proxy on the same host is named like any other).
forwarded.KnownIPNetworks.Clear();
forwarded.KnownProxies.Clear();
foreach (var proxy in web.KnownProxies)
    forwarded.KnownProxies.Add(System.Net.IPAddress.TryParse(proxy, out var ip) ? ip
        : throw new InvalidOperationException($"Web:KnownProxies: '{proxy}' is not an IP address."));
builder.Services.AddScoped<CmsApi>();
builder.Services.AddSingleton<ReaderHandoff>();

// The keys of the cookies and of everything else the UI protects: in the database shared by the instances, encrypted with a key
// file (decision 0057), or in a folder.
builder.Services.AddWebKeyStore(builder.Configuration, web);

builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
{
    o.LoginPath = "/accedi";
    o.LogoutPath = "/esci";
    o.AccessDeniedPath = "/accesso-negato";
    o.Cookie.Name = "cms.web";
    o.Cookie.HttpOnly = true;
    o.Cookie.SameSite = SameSiteMode.Strict;
    o.Cookie.SecurePolicy = cookieSecurity;
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
    // The citizens' area: signed in by the card's certificate on every request, not by the operators' cookie (decision 0047).
    o.Conventions.AllowAnonymousToFolder("/Cittadino");
    o.Conventions.ConfigureFilter(new ExpiredSessionFilter());
});

var app = builder.Build();
// The key ring, made before serving: one instance at a time when the keys are in the database (decision 0057).
if (await WebKeyStore.PrepareAsync(app.Services, app.Configuration, CancellationToken.None) is { } keyRingProblem)
{
    Console.Error.WriteLine($"Cms.Web refuses to start: {keyRingProblem}");
    return 78; // EX_CONFIG
}
// The reader page's form goes to the desk's reader bridge: the only place besides this site a form may post to.
var bridgeOrigin = new Uri(app.Services.GetRequiredService<IOptions<WebOptions>>().Value.ReaderBridgeUrl).GetLeftPart(UriPartial.Authority);
// First: the address and the scheme of the end client, from a known proxy only. With no known proxy the middleware is not
// used at all: with both of its lists empty it would believe every sender.
// Before them, the citizen's certificate from a known proxy (judged on the connection's own peer).
if (!string.IsNullOrWhiteSpace(web.Citizen.ForwardingHeader)) app.UseMiddleware<CitizenCertificateForwardingMiddleware>();
if (forwarded.KnownProxies.Count > 0) app.UseForwardedHeaders(forwarded);
app.UseExceptionHandler("/errore");
app.Use(async (context, next) =>
{
    if (context.Request.IsHttps) context.Response.Headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
    context.Response.Headers.XContentTypeOptions = "nosniff";
    context.Response.Headers.XFrameOptions = "DENY";
    context.Response.Headers["Referrer-Policy"] = "no-referrer";
    context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; " +
        $"form-action 'self' {bridgeOrigin}; base-uri 'self'";
    await next();
});
app.UseStaticFiles();
if (web.Citizen.Only)
    app.Use(async (context, next) =>
    {
        // A citizens' instance: the operators' pages do not exist here (static files and the health probes answered above/below).
        var path = context.Request.Path;
        if (path.StartsWithSegments("/cittadino", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/health")
            || path.StartsWithSegments("/errore"))
            await next();
        else
            context.Response.StatusCode = StatusCodes.Status404NotFound;
    });
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/health/live", () => Results.Ok(new { status = "ok" })).AllowAnonymous();
app.MapGet("/modulo/{name}", Cms.Web.Pages.ModulisticaModel.FormAsync)
    .RequireAuthorization(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute { Roles = Cms.Web.Pages.ModulisticaModel.FormRoles });
app.MapRazorPages();
app.Run();
return 0;

