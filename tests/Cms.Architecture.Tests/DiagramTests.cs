using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using NetArchTest.Rules;

namespace Cms.Architecture.Tests;

/// <summary>
/// The two diagrams of <c>docs/architecture.md</c> — the projects and the arrows between modules — are computed here from the
/// code (the project files' references; the types' dependencies) and must be the ones the document shows. A new reference or
/// a new arrow between modules fails this test until the document shows it; <c>CMS_WRITE_DIAGRAMS=1</c> rewrites the blocks.
/// </summary>
public class DiagramTests
{
    [Fact]
    public void The_projects_diagram_is_the_references_of_the_project_files()
    {
        AssertDocumentShows("projects", ProjectsDiagram());
    }

    [Fact]
    public void The_modules_diagram_is_the_dependencies_of_the_modules_types()
    {
        AssertDocumentShows("modules", ModulesDiagram());
    }

    [Fact]
    public void The_modules_diagram_would_show_a_new_arrow()
    {
        // The arrows come from the types' dependencies: a module known to use another shows an arrow to it (the activation
        // reads the card registry of Identification), and none the other way (the registry knows nothing of activations).
        var diagram = ModulesDiagram();
        Assert.Matches(@"\n  Activation (-->\|contracts\||-\. internals \.->) Identification\n", diagram);
        Assert.DoesNotMatch(@"\n  Identification (-->\|contracts\||-\. internals \.->) Activation\n", diagram);
    }

    internal static string ProjectsDiagram()
    {
        var root = RepositoryRoot();
        var lines = new List<string>();
        foreach (var project in Directory.GetFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(project);
            var references = System.Xml.Linq.XDocument.Load(project).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                .Order(StringComparer.Ordinal);
            lines.Add($"  {Node(name)}[\"{name}\"]");
            lines.AddRange(references.Select(r => $"  {Node(name)} --> {Node(r)}"));
        }
        return "flowchart LR\n" + string.Join("\n", lines);
    }

    /// <summary>
    /// An arrow M → O when a type of module M (in any layer: domain, application, infrastructure, API) depends on a type of
    /// module O: <c>-->|contracts|</c> when every such dependency is on O's <c>Contracts</c>, <c>-. internals .-></c> when one
    /// reaches past them (the crossings <see cref="ModuleTests"/> lists as still being mended).
    /// </summary>
    internal static string ModulesDiagram()
    {
        var lines = new List<string>();
        foreach (var module in ModuleTests.Modules)
        {
            lines.Add($"  {module}");
            foreach (var other in ModuleTests.Modules.Where(o => o != module))
            {
                var internals = ModuleTests.Internals(other);
                var contracts = ModuleTests.Everything(other).Except(internals).ToArray();
                if (internals.Length > 0 && Uses(module, internals)) lines.Add($"  {module} -. internals .-> {other}");
                else if (contracts.Length > 0 && Uses(module, contracts)) lines.Add($"  {module} -->|contracts| {other}");
            }
        }
        return "flowchart LR\n" + string.Join("\n", lines);
    }

    private static bool Uses(string module, string[] types) =>
        !Types.InAssemblies(ModuleTests.AllLayers).That().ResideInNamespaceMatching($@"^Cms\.(Domain|Application|Infrastructure|Api)\.{module}(\.|$)")
            .ShouldNot().HaveDependencyOnAny(types).GetResult().IsSuccessful;

    private static string Node(string project) => project.Replace(".", "", StringComparison.Ordinal);

    private static void AssertDocumentShows(string name, string diagram)
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "architecture.md");
        var document = File.ReadAllText(path);
        var block = new Regex($"(<!-- diagram:{name} [^\\n]*-->\\n```mermaid\\n)(.*?)(\\n```\\n<!-- /diagram:{name} -->)", RegexOptions.Singleline);
        var match = block.Match(document);
        Assert.True(match.Success, $"docs/architecture.md has no block <!-- diagram:{name} ... --> ```mermaid ... ``` <!-- /diagram:{name} -->");
        if (Environment.GetEnvironmentVariable("CMS_WRITE_DIAGRAMS") == "1" && match.Groups[2].Value != diagram)
        {
            File.WriteAllText(path, block.Replace(document, m => m.Groups[1].Value + diagram + m.Groups[3].Value));
            return;
        }
        Assert.True(match.Groups[2].Value == diagram,
            $"docs/architecture.md shows another {name} diagram than the code has (CMS_WRITE_DIAGRAMS=1 rewrites it):\n{diagram}");
    }

    internal static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Cms.sln"))) root = root.Parent!;
        return root.FullName;
    }
}
