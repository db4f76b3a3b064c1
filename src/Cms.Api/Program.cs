using Cms.Application.Administration.Contracts;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cms.Api;
using Cms.Api.Endpoints;
using Cms.Api.Hosting;
using Cms.Api.Idempotency;
using Cms.Api.Problems;
using Cms.Api.Security;
using Cms.Application;
using Cms.Application.Common.Abstractions;
using Cms.Infrastructure;
using Cms.Infrastructure.Persistence;
using Cms.Infrastructure.Startup;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi;

// Process-wide memory settings (decision 0021), before anything opens a transaction.
ProcessMemory.Apply();

// Options are read once at start (a changed setting takes a restart, as key rotation does), so nothing watches the
// configuration files: the watcher covers the content root and every folder below it, and woke on every write of a data
// folder kept there. First, so that an operator's own argument can still turn it back on.
// --migrate: this instance migrates the database as its owner before it serves (Database:MigrateOnStartup, decision 0029).
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false",
    .. args.Select(a => a == "--migrate" ? "--Database:MigrateOnStartup=true" : a)]);

// The build-time OpenAPI generator runs this file without a database.
var generatingDocument = Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";
if (generatingDocument) builder.Configuration["ConnectionStrings:Cms"] ??= "Host=127.0.0.1;Database=openapi-generation";

// Settings that would leave a hop in clear or a certificate unchecked stop the start, each named (decision 0032).
if (!generatingDocument && StartupChecks.Problems(builder.Configuration, builder.Environment) is { Count: > 0 } refused)
{
    foreach (var problem in refused) Console.Error.WriteLine($"Cms refuses to start: {problem}");
    return 78; // EX_CONFIG
}

builder.Services.AddCmsApplication();
builder.Services.AddCmsInfrastructure(builder.Configuration);
builder.Services.AddCmsAuthentication(builder.Configuration, builder.Environment);
builder.Services.AddCmsHardening(builder.Configuration, builder.WebHost);
var telemetry = builder.AddCmsTelemetry();
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<ICurrentUser, HttpCurrentUser>();
builder.Services.AddSingleton<IAccessTokenIssuer, JwtTokenIssuer>();

builder.Services.Configure<JsonOptions>(o =>
{
    o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
    o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: false));
    o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
    o.SerializerOptions.Converters.Add(new NoNulStringConverter());
});
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
{
    c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
    // The bare 401/403 of authentication and authorisation get the rule names the catalogue promises (docs/problems.md).
    if (c.ProblemDetails.Type is null || c.ProblemDetails.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
    {
        (c.ProblemDetails.Type, c.ProblemDetails.Detail) = c.ProblemDetails.Status switch
        {
            StatusCodes.Status401Unauthorized => (Cms.Api.Problems.ProblemTypes.Unauthenticated, c.ProblemDetails.Detail ?? "Accesso richiesto: token assente, scaduto o non valido."),
            StatusCodes.Status403Forbidden => (Cms.Api.Problems.ProblemTypes.Forbidden, c.ProblemDetails.Detail ?? "Operazione non consentita al proprio ruolo o sportello."),
            // Routing's 415 (a body in a media type the operation does not take) gets the catalogue's type (decision 0051, follow-up).
            StatusCodes.Status415UnsupportedMediaType => (Cms.Api.Problems.ProblemTypes.For("unsupported-media-type"),
                c.ProblemDetails.Detail ?? "Il corpo della richiesta è in un tipo di contenuto che l'operazione non accetta."),
            _ => (c.ProblemDetails.Type, c.ProblemDetails.Detail),
        };
    }
    // Every problem of the catalogue names its rule (docs/problems.md: `rule` repeats the rule's name), whoever wrote it.
    if (c.ProblemDetails.Type?.StartsWith(Cms.Api.Problems.ProblemTypes.Prefix, StringComparison.Ordinal) == true && !c.ProblemDetails.Extensions.ContainsKey("rule"))
        c.ProblemDetails.Extensions["rule"] = c.ProblemDetails.Type[Cms.Api.Problems.ProblemTypes.Prefix.Length..];
    c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier;
});
builder.Services.AddExceptionHandler<CmsExceptionHandler>();
builder.Services.AddHealthChecks().AddDbContextCheck<CmsDbContext>("database", tags: ["ready"]);

builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(https =>
{
    // Smart-card sign-in: the client certificate is asked for, and checked by the certificate handler.
    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
    https.AllowAnyClientCertificate();
}));

builder.Services.AddEndpointsApiExplorer();
builder.Services.AddSwaggerGen(o =>
{
    o.SwaggerDoc("v1", ContractInfo.Info());
    foreach (var server in ContractInfo.Servers) o.AddServer(server);
    o.DocumentFilter<TagDescriptionsFilter>();
    o.DocumentFilter<NullableReferencesFilter>();
    o.DocumentFilter<OpenAnswersFilter>();
    o.OperationFilter<OperationContractFilter>();
    o.SchemaFilter<InternalPropertiesFilter>();
    o.SchemaFilter<RequiredValueMembersFilter>();
    o.SchemaFilter<RolesEnumFilter>();
    o.SchemaFilter<ProblemMembersFilter>();
    o.OperationFilter<BadRequestFilter>();
    o.OperationFilter<ExamplesFilter>();
    o.OperationFilter<DocumentedBodyFilter>();
    o.OperationFilter<FileAnswersFilter>();
    // Last: the ModI operations' headers go on every answer the filters above declared (issue 28).
    o.OperationFilter<ModiContractFilter>();
    o.SupportNonNullableReferenceTypes();
    // A member whose type is a schema of its own and may be null says so (decision 0051): allOf [$ref] + nullable, as
    // OpenAPI 3.0 ignores the siblings of a bare $ref.
    o.UseAllOfToExtendReferenceSchemas();
    o.NonNullableReferenceTypesAsRequired();
    o.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
    {
        Type = SecuritySchemeType.Http,
        Scheme = "bearer",
        BearerFormat = "JWT",
        Description = "Token ottenuto da POST /api/v1/auth/token",
    });
    o.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
    // The AgID ModI patterns of the calls between regions (issue 28); required by the operations marked ModiSecured only.
    foreach (var (name, scheme) in ModiContract.Schemes()) o.AddSecurityDefinition(name, scheme);
    // The contract's vocabulary (decision 0051): every schema has a public name from ContractNames, or the build stops.
    o.CustomSchemaIds(ContractNames.For);
});

// Generating the document runs nothing in the background (the chainer, Hangfire's server and the outbox loops would only
// fail against the database that is not there, and say so in the build's output).
if (generatingDocument) builder.Services.RemoveAll<Microsoft.Extensions.Hosting.IHostedService>();

var app = builder.Build();
if (telemetry) app.StartCmsTelemetry();

// The client certificate a trusted proxy forwards (decision 0032): judged on the connection's own peer, so before the next line.
app.UseCmsCertificateForwarding();
// The connection's own peer, for the web UI host check of the client-address header (decision 0031).
app.UseCmsPeerAddress();
// Behind a reverse proxy on this host (loopback), honour X-Forwarded-For/Proto; others are ignored.
app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto });
app.UseCmsSecurityHeaders();
// Every answer of the inbound interop endpoints is signed (ModI INTEGRITY_REST_01), refusals included (decision 0059).
app.UseMiddleware<ModiAnswerSignature>();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCmsRequestSizeLimit();
// The contract and its browser are public, as in the national API catalogue.
app.UseSwagger(o => o.RouteTemplate = "openapi/{documentName}.json");
app.UseSwaggerUI(o =>
{
    o.SwaggerEndpoint("/openapi/v1.json", "Cms v1");
    o.RoutePrefix = "swagger";
});
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseMiddleware<IdempotencyMiddleware>();


var api = app.MapGroup("/api/v1");
api.MapAuthEndpoints();
api.MapAdministrationEndpoints();
api.MapCardEndpoints();
api.MapActivationEndpoints();
api.MapReprintEndpoints();
api.MapRevocationEndpoints();
api.MapCallCentreEndpoints();
api.MapReaderEndpoints();
api.MapSignatureEndpoints();
api.MapConsentEndpoints();
api.MapAuditEndpoints();
api.MapReportEndpoints();
api.MapNoticeAndFormEndpoints();
api.MapInteropEndpoints();
api.MapCitizenEndpoints();
app.MapHealthEndpoints();
app.MapGet("/", () => Results.Redirect("/swagger")).AllowAnonymous().ExcludeFromDescription();

if (!generatingDocument)
{
    // Every endpoint's request delegate and the JSON contracts of its body and answer are made when the first request builds
    // the route table; made once here, beside the database's preparation, the first request after readiness finds the JIT's
    // code and the contracts ready (issue 29, cold start). Its failure is logged, and the first request's, as before.
    var endpoints = Task.Run(() => StartupWarmUp.Endpoints(app, app.Logger));
    using var scope = app.Services.CreateScope();
    var initializer = scope.ServiceProvider.GetRequiredService<DatabaseInitializer>();
    await initializer.InitializeAsync(app.Configuration.GetValue("Database:MigrateOnStartup", false), app.Lifetime.ApplicationStopping);
    await endpoints;
}

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
