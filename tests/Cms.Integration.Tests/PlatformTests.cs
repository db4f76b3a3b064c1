using System.Net;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Integration.Tests;

public class PlatformTests(CmsFactory factory) : ApiTest(factory)
{
    private static readonly string[] PublicEndpoints =
        ["POST /api/v1/auth/token", "POST /api/v1/auth/password", "GET /status", "GET /", "/health/live", "/health/ready", "GET /health/lease"];

    [Fact]
    public async Task Health_endpoints_answer_without_a_token()
    {
        Assert.Equal(HttpStatusCode.OK, (await Anonymous().GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Anonymous().GetAsync("/health/ready")).StatusCode);
        var status = await OkAsync(await Anonymous().GetAsync("/status"));
        Assert.Equal("UP", status.GetProperty("status").GetString());
    }

    [Fact]
    public void The_host_switches_off_transaction_timeouts()
    {
        // Decision 0021: Hangfire.PostgreSql's TransactionScopes must not enter System.Transactions' timeout table, whose
        // buckets piled up in generation 2.
        Assert.NotNull(Factory.Services); // the host has run Program.cs
        Assert.Equal(TimeSpan.Zero, System.Transactions.TransactionManager.MaximumTimeout);
        Assert.Equal(TimeSpan.Zero, System.Transactions.TransactionManager.DefaultTimeout);
    }

    [Fact]
    public void No_configuration_file_is_watched_for_changes()
    {
        // A watcher on the content root wakes on every write below it (a data folder kept there cost a tenth of the CPU);
        // the options are read once at start.
        var configuration = (Microsoft.Extensions.Configuration.IConfigurationRoot)Factory.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        var files = configuration.Providers.OfType<Microsoft.Extensions.Configuration.FileConfigurationProvider>().ToList();
        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, f.Source.Path));
    }

    [Fact]
    public async Task The_openapi_document_is_served_and_names_the_paths()
    {
        var document = await OkAsync(await Anonymous().GetAsync("/openapi/v1.json"));
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/auth/token", "/api/v1/cards/identify", "/api/v1/cards/{cardNumber}/history",
                     "/api/v1/holders/{codiceFiscale}/cards", "/api/v1/issuer/card-feed", "/api/v1/admin/counters", "/api/v1/admin/operators", "/status" })
            Assert.True(paths.TryGetProperty(path, out _), path);
    }

    [Fact]
    public void Every_endpoint_has_an_authorisation_policy_or_is_deliberately_public()
    {
        var endpoints = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [];
            var name = (string.Join(",", methods) + " /" + endpoint.RoutePattern.RawText?.TrimStart('/')).Trim();
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var authorised = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any();
            if (anonymous) Assert.Contains(name, PublicEndpoints);
            else Assert.True(authorised, $"{name} has no authorisation policy");
        }
    }

    [Fact]
    public async Task An_unknown_path_or_a_missing_token_is_a_problem_response()
    {
        var missing = await Anonymous().GetAsync("/api/v1/cards/80380000900000000001/history");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        var unknown = await (await AdminAsync()).GetAsync("/api/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }
}

public class StartupValidationTests
{
    [Fact]
    public void A_bad_region_policy_stops_the_start_with_a_message_naming_the_setting()
    {
        using var factory = new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Cms", TestDatabase.ConnectionString());
            b.UseSetting("CodeEncryption:ActiveKeyId", "k");
            b.UseSetting("CodeEncryption:Keys:k", Convert.ToBase64String(new byte[32]));
            b.UseSetting("Jwt:SigningKey", Convert.ToBase64String(new byte[32]));
            b.UseSetting("Hangfire:ServerEnabled", "false");
            b.UseSetting("Database:MigrateOnStartup", "false");
            b.UseSetting("Cms:Codes:PinPrintedDigits", "7");
        });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("PinPrintedDigits", error.ToString());
    }
}
