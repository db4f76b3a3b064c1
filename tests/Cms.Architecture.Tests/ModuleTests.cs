using System.Reflection;
using Microsoft.EntityFrameworkCore;
using NetArchTest.Rules;

namespace Cms.Architecture.Tests;

/// <summary>
/// Modules are folders that cut through the layers. A module may use another module only through that
/// module's <c>Contracts</c> namespace; the shared kernel (Common, Auditing, and the application's Requests, Delivery and
/// Outbound) is open to all.
/// </summary>
public class ModuleTests
{
    public static readonly string[] Modules =
        ["Identification", "Activation", "Consents", "Reprint", "Revocation", "Readers", "Reporting", "Interop", "Citizen", "Administration", "Signature"];

    /// <summary>
    /// The application's shared folders, open to every module: <c>Common</c> (abstractions, behaviours, validation, options),
    /// the counter requests' machinery (<c>Requests</c>), the code messages (<c>Delivery</c>) and the outbound calls
    /// (<c>Outbound</c>), as the domain's folders of the same names (decision 0053).
    /// </summary>
    public static readonly string[] SharedKernel = ["Common", "Requests", "Delivery", "Outbound"];

    public static IEnumerable<object[]> Layers() =>
    [
        [LayerTests.Domain, "Cms.Domain"],
        [LayerTests.Application, "Cms.Application"],
        [LayerTests.Infrastructure, "Cms.Infrastructure"],
    ];

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_module_uses_another_only_through_its_contracts(Assembly assembly, string root)
    {
        var present = Modules.Where(m => assembly.GetTypes().Any(t => t.Namespace?.StartsWith($"{root}.{m}", StringComparison.Ordinal) == true)).ToList();
        foreach (var module in present)
        {
            foreach (var other in present.Where(o => o != module))
            {
                var forbidden = assembly.GetTypes()
                    .Select(t => t.Namespace)
                    .Where(ns => ns is not null && (ns == $"{root}.{other}" || ns.StartsWith($"{root}.{other}.", StringComparison.Ordinal))
                        && !ns.StartsWith($"{root}.{other}.Contracts", StringComparison.Ordinal))
                    .Distinct()
                    .ToArray();
                if (forbidden.Length == 0) continue;
                var result = Types.InAssembly(assembly).That().ResideInNamespace($"{root}.{module}")
                    .ShouldNot().HaveDependencyOnAny(forbidden!).GetResult();
                Assert.True(result.IsSuccessful,
                    $"{root}.{module} reaches into {other} outside its contracts: {string.Join(", ", result.FailingTypeNames ?? [])}");
            }
        }
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
}
