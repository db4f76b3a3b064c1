using System.Reflection;
using Microsoft.EntityFrameworkCore;
using NetArchTest.Rules;

namespace Cms.Architecture.Tests;

/// <summary>
/// Modules are folders that cut through the layers. A type of module M, in any layer (domain, application, infrastructure,
/// API), may use module O only through O's <c>Contracts</c> (<c>Cms.*.O.Contracts</c>); the shared kernel (Common, Auditing,
/// Requests, Delivery, Outbound, Persistence…) is open to all, and itself names no module (decision 0052).
/// </summary>
public class ModuleTests
{
    public static readonly string[] Modules =
        ["Identification", "Activation", "Consents", "Reprint", "Revocation", "Readers", "Reporting", "Interop", "Citizen", "Administration", "Signature"];

    /// <summary>
    /// The shared folders, open to every module: <c>Common</c> (abstractions, behaviours, validation, options), the counter
    /// requests' machinery (<c>Requests</c>), the code messages (<c>Delivery</c>) and the outbound calls (<c>Outbound</c>),
    /// as the domain's folders of the same names (decision 0053). They name no module (decision 0052).
    /// </summary>
    public static readonly string[] SharedKernel = ["Common", "Requests", "Delivery", "Outbound"];

    /// <summary>Every layer a module cuts through.</summary>
    internal static readonly Assembly[] AllLayers = [LayerTests.Domain, LayerTests.Application, LayerTests.Infrastructure, LayerTests.Api];

    /// <summary>The module a namespace belongs to (<c>Cms.&lt;Layer&gt;.&lt;Module&gt;…</c>), or null for the shared kernel.</summary>
    internal static string? ModuleOf(string? ns) =>
        ns?.Split('.') is { Length: > 2 } parts && parts[0] == "Cms" && Modules.Contains(parts[2]) ? parts[2] : null;

    internal static bool IsContracts(string? ns) => ns?.Split('.') is { Length: > 3 } parts && parts[3] == "Contracts";

    /// <summary>
    /// The full names of module O's types outside its contracts, in every layer. Type names, not namespaces: NetArchTest
    /// matches a dependency by prefix, and the namespace <c>Cms.Application.O</c> (where O's data interface lives) is a prefix
    /// of <c>Cms.Application.O.Contracts</c>.
    /// </summary>
    internal static string[] Internals(string module) => AllLayers.SelectMany(a => a.GetTypes())
        .Where(t => ModuleOf(t.Namespace) == module && !IsContracts(t.Namespace) && t.FullName is not null)
        .Select(t => t.FullName!).ToArray();

    internal static string[] Everything(string module) => AllLayers.SelectMany(a => a.GetTypes())
        .Where(t => ModuleOf(t.Namespace) == module && t.FullName is not null)
        .Select(t => t.FullName!).ToArray();

    private static string Pattern(string module) => $@"^Cms\.(Domain|Application|Infrastructure|Api)\.{module}(\.|$)";

    /// <summary>"M -> O: type" for every type of M that reaches past O's contracts.</summary>
    internal static SortedSet<string> Crossings(Assembly[] assemblies)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var module in Modules)
        {
            foreach (var other in Modules.Where(o => o != module))
            {
                var result = Types.InAssemblies(assemblies).That().ResideInNamespaceMatching(Pattern(module))
                    .ShouldNot().HaveDependencyOnAny(Internals(other)).GetResult();
                foreach (var type in result.FailingTypeNames ?? []) found.Add($"{module} -> {other}: {Outer(type)}");
            }
        }
        return found;
    }

    /// <summary>"Common -> O: type" for every type of the shared kernel (any of its folders) that names module O (its contracts included).</summary>
    internal static SortedSet<string> KernelReaches(Assembly[] assemblies)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var module in Modules)
        {
            var result = Types.InAssemblies(assemblies).That().ResideInNamespaceMatching($@"^Cms\.(Domain|Application|Infrastructure)\.({string.Join('|', SharedKernel)})(\.|$)")
                .ShouldNot().HaveDependencyOnAny(Everything(module)).GetResult();
            foreach (var type in result.FailingTypeNames ?? []) found.Add($"Common -> {module}: {Outer(type)}");
        }
        return found;
    }

    /// <summary>A compiler-generated nested type (a lambda's closure, an iterator) counts as its outer type.</summary>
    private static string Outer(string type) => type.Split('+')[0].Split('`')[0];

    [Fact]
    public void A_module_uses_another_only_through_its_contracts_in_every_layer()
    {
        var found = Crossings(AllLayers);
        Assert.True(found.Count == 0, "reaches past a module's contracts (use the module's Contracts, decision 0052):\n" + string.Join("\n", found));
    }

    [Fact]
    public void The_shared_kernel_names_no_module()
    {
        var found = KernelReaches(AllLayers);
        Assert.True(found.Count == 0, "the shared kernel names a module (move the type into the module, or bind the module's own options, decision 0052):\n"
            + string.Join("\n", found));
    }

    [Fact]
    public void Only_reporting_joins_the_registrys_people_in_its_own_statements()
    {
        // IIdentificationReadModels hands out every holder's codice fiscale and name as a query to compose: Reporting's
        // statements scope it (by the operator, the alert), nothing else may take it (Identification, which owns it, and the
        // composition root that registers it aside).
        var result = Types.InAssemblies(AllLayers)
            .That().DoNotResideInNamespaceMatching(@"^Cms\.(Domain|Application|Infrastructure|Api)\.(Reporting|Identification)(\.|$)")
            .ShouldNot().HaveDependencyOn("Cms.Application.Identification.Contracts.IIdentificationReadModels").GetResult();
        var outside = (result.FailingTypeNames ?? []).Where(n => n != "Cms.Application.DependencyInjection").ToList();
        Assert.True(outside.Count == 0, "takes the registry's read models outside Reporting:\n" + string.Join("\n", outside));
        // And Reporting does take it (the rule is about a type that exists).
        Assert.Contains(LayerTests.Application.GetTypes(), t => t.Namespace?.StartsWith("Cms.Application.Reporting", StringComparison.Ordinal) == true
            && t.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType.Name == "IIdentificationReadModels")));
    }

    [Fact]
    public void The_application_is_organised_in_known_modules()
    {
        var roots = LayerTests.Application.GetTypes()
            .Where(t => t.Namespace?.StartsWith("Cms.Application.", StringComparison.Ordinal) == true)
            .Select(t => t.Namespace?.Split('.'))
            .Where(p => p is { Length: > 2 })
            .Select(p => p![2])
            .Distinct()
            .Where(n => !SharedKernel.Contains(n))
            .ToList();
        Assert.All(roots, r => Assert.Contains(r, Modules));
    }

    [Fact]
    public void Each_module_maps_its_tables_into_its_own_schema()
    {
        using var db = new Cms.Infrastructure.Persistence.DesignTimeDbContextFactory().CreateDbContext([]);
        // Owned types live in their owner's table.
        var schemas = db.Model.GetEntityTypes().Where(e => !e.IsOwned()).ToDictionary(e => e.ClrType, e => e.GetSchema());
        foreach (var (type, schema) in schemas)
        {
            var module = type.Namespace!.Split('.')[2];
            var expected = module switch
            {
                "Auditing" => "audit",
                "Persistence" => "platform", // infrastructure's own tables (idempotency keys)
                _ => module.ToLowerInvariant(),
            };
            Assert.Equal(expected, schema);
        }
    }

    [Fact]
    public void A_module_s_data_interface_holds_only_its_own_tables()
    {
        // Each module's use cases see its own sets (IActivationData: ActivationRequests) and the shared kernel's (ICmsDbContext):
        // a set of another module's entity on it would hand that module's table over past its contracts.
        var data = LayerTests.Application.GetTypes().Where(t => t.IsInterface && ModuleOf(t.Namespace) is not null && t.Name == $"I{ModuleOf(t.Namespace)}Data").ToList();
        Assert.True(data.Count >= 10, "the modules' data interfaces are missing: " + string.Join(", ", data.Select(t => t.Name)));
        foreach (var type in data)
        {
            foreach (var property in type.GetProperties())
            {
                var entity = property.PropertyType.GetGenericArguments().Single();
                Assert.True(ModuleOf(entity.Namespace) == ModuleOf(type.Namespace),
                    $"{type.Name}.{property.Name} is a set of {entity.FullName}, a table of another module");
            }
        }
        var kernel = typeof(Cms.Application.Common.Abstractions.ICmsDbContext);
        Assert.All(kernel.GetProperties(), p => Assert.Null(ModuleOf(p.PropertyType.GetGenericArguments().Single().Namespace)));
        Assert.DoesNotContain(kernel.GetMethods(), m => m.Name == "Set");
    }
}
