using System.Reflection;
using Cms.Application.Common.Abstractions;
using Cms.Domain.Common;
using Cms.Infrastructure.Persistence;
using FluentValidation;
using Mediator;
using NetArchTest.Rules;

namespace Cms.Architecture.Tests;

public class LayerTests
{
    internal static readonly Assembly Domain = typeof(DomainRuleException).Assembly;
    internal static readonly Assembly Application = typeof(ICmsDbContext).Assembly;
    internal static readonly Assembly Infrastructure = typeof(CmsDbContext).Assembly;
    internal static readonly Assembly Api = typeof(Program).Assembly;

    private static void Holds(TestResult result, string rule) =>
        Assert.True(result.IsSuccessful, $"{rule}: {string.Join(", ", result.FailingTypeNames ?? [])}");

    [Fact]
    public void The_domain_depends_on_nothing_else()
    {
        Holds(Types.InAssembly(Domain).ShouldNot().HaveDependencyOnAny(
            "Cms.Application", "Cms.Infrastructure", "Cms.Api", "Microsoft.EntityFrameworkCore", "Mediator", "FluentValidation",
            "Microsoft.AspNetCore", "Npgsql").GetResult(), "Domain");
    }

    [Fact]
    public void The_application_knows_neither_infrastructure_nor_http()
    {
        Holds(Types.InAssembly(Application).ShouldNot().HaveDependencyOnAny(
            "Cms.Infrastructure", "Cms.Api", "Npgsql", "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Mvc").GetResult(), "Application");
    }

    [Fact]
    public void Infrastructure_does_not_reach_up_to_the_api()
    {
        Holds(Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOn("Cms.Api").GetResult(), "Infrastructure");
    }

    [Fact]
    public void The_reader_sdk_talks_to_the_system_only_through_the_published_contract()
    {
        // Desk software takes the SDK alone: the HTTP client generated from contracts/ and the codice fiscale's rules.
        Holds(Types.InAssembly(typeof(Cms.ReaderSdk.ReaderSdkException).Assembly).ShouldNot().HaveDependencyOnAny(
            "Cms.Application", "Cms.Infrastructure", "Cms.Api", "Microsoft.EntityFrameworkCore", "Mediator", "Npgsql").GetResult(), "Reader SDK");
        Holds(Types.InAssembly(typeof(Cms.ReaderSdk.ReaderSdkException).Assembly).That().ResideInNamespace("Cms.ReaderSdk.Cns")
            .ShouldNot().HaveDependencyOn("Cms.Client").GetResult(), "Chip reading is independent of the API");
    }

    [Fact]
    public void The_web_ui_knows_the_api_only_through_the_generated_client()
    {
        // Cms.Web is not referenced here (its Program would clash with the API's): its project file and sources are read.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Cms.sln"))) root = root.Parent!;
        var web = Path.Combine(root.FullName, "src", "Cms.Web");
        var references = System.Xml.Linq.XDocument.Load(Path.Combine(web, "Cms.Web.csproj")).Descendants("ProjectReference")
            .Select(r => Path.GetFileName(r.Attribute("Include")!.Value.Replace('\\', '/'))).ToList();
        Assert.Equal(["Cms.Client.csproj"], references);
        var sources = Directory.EnumerateFiles(web, "*.cs*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        // The one exception (decision 0057): the data-protection key store in Keys/ maps its own table with EF Core and Npgsql,
        // and nothing of the API's model.
        var keys = Path.Combine(web, "Keys") + Path.DirectorySeparatorChar;
        var packages = System.Xml.Linq.XDocument.Load(Path.Combine(web, "Cms.Web.csproj")).Descendants("PackageReference")
            .Select(r => r.Attribute("Include")!.Value).Order().ToList();
        Assert.Equal(["Microsoft.AspNetCore.DataProtection.EntityFrameworkCore", "Npgsql.EntityFrameworkCore.PostgreSQL"], packages);
        var forbidden = sources.Where(f => !f.EndsWith(".csproj", StringComparison.Ordinal))
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), f.StartsWith(keys, StringComparison.Ordinal)
                ? @"\bCms\.(Domain|Application|Infrastructure)\b"
                : @"\b(Cms\.(Domain|Application|Infrastructure)|Npgsql|EntityFrameworkCore)\b"))
            .ToList();
        Assert.True(forbidden.Count == 0, "the web UI reaches past the API: " + string.Join(", ", forbidden));
        var mapped = sources.Where(f => f.StartsWith(keys, StringComparison.Ordinal))
            .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f), @"\bEntity<(\w+)>").Select(m => m.Groups[1].Value))
            .Distinct().ToList();
        Assert.Equal(["DataProtectionKey"], mapped);
    }

    [Fact]
    public void Endpoints_talk_to_use_cases_only_never_to_the_database()
    {
        Holds(Types.InAssembly(Api).That().ResideInNamespace("Cms.Api.Endpoints")
            .ShouldNot().HaveDependencyOnAny("Cms.Infrastructure", "Microsoft.EntityFrameworkCore", "Npgsql").GetResult(), "Endpoints");
    }

    [Fact]
    public void The_api_reaches_persistence_only_in_its_composition_root()
    {
        // Program (the composition root, in the global namespace) wires the context and the data source; everything under
        // Cms.Api — endpoints, security, idempotency, hosting — goes through use cases and the modules' contracts (decision 0052).
        var persistence = typeof(CmsDbContext).GetInterfaces().Where(i => i.Namespace?.StartsWith("Cms.Application", StringComparison.Ordinal) == true
                && i != typeof(IUnitOfWork))
            .Select(i => i.FullName!).Append(typeof(CmsDbContext).FullName!).Concat(["Microsoft.EntityFrameworkCore", "Npgsql"]).ToArray();
        Assert.Contains(typeof(ICmsDbContext).FullName!, persistence);
        Holds(Types.InAssembly(Api).That().ResideInNamespaceStartingWith("Cms.Api")
            .ShouldNot().HaveDependencyOnAny(persistence).GetResult(), "API outside its composition root");
    }

    [Fact]
    public void Every_use_case_has_its_validator_and_its_handler_in_its_own_folder()
    {
        var messages = Application.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } &&
            t.GetInterfaces().Any(i => i == typeof(IBaseCommand) || i == typeof(IBaseQuery))).ToList();
        Assert.NotEmpty(messages);
        foreach (var message in messages)
        {
            var validator = typeof(AbstractValidator<>).MakeGenericType(message);
            Assert.True(Application.GetTypes().Any(t => validator.IsAssignableFrom(t) && t.Namespace == message.Namespace),
                $"{message.FullName} has no validator beside it");
            Assert.True(Application.GetTypes().Any(t => t.Namespace == message.Namespace && t.GetInterfaces().Any(i =>
                    i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(ICommandHandler<,>) || i.GetGenericTypeDefinition() == typeof(IQueryHandler<,>))
                    && i.GetGenericArguments()[0] == message)),
                $"{message.FullName} has no handler beside it");
            var folder = message.Namespace!.Split('.').Last();
            Assert.True(message.Name.StartsWith(folder, StringComparison.Ordinal), $"{message.FullName} lives in folder {folder}: one folder per use case");
        }
    }

    [Fact]
    public void Handlers_are_sealed()
    {
        Holds(Types.InAssembly(Application).That().ImplementInterface(typeof(ICommandHandler<,>)).Or().ImplementInterface(typeof(IQueryHandler<,>))
            .Should().BeSealed().GetResult(), "Handlers");
    }
}
