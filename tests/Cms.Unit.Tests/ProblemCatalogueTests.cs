using System.Text.RegularExpressions;

namespace Cms.Unit.Tests;

/// <summary>Every problem type the code can answer is explained in docs/problems.md.</summary>
public partial class ProblemCatalogueTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cms.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    // A rule is thrown as ("rule", "messaggio"), named to a helper that throws it, or a constant of ProblemTypes.
    [GeneratedRegex("""(?:DomainRuleException\(|\bnew\(|EnsureState\([^"]*|Refuse\()\s*"([a-z]+(?:-[a-z0-9]+)+)"|"([a-z]+(?:-[a-z0-9]+)+)"\s*,\s*\$?@?"|Prefix \+ "([a-z-]+)"|For\("([a-z-]+)"\)""")]
    private static partial Regex RulePattern();

    [Fact]
    public void Every_problem_type_of_the_code_is_in_docs_problems_md()
    {
        var root = Root();
        var catalogue = File.ReadAllText(Path.Combine(root, "docs", "problems.md"));
        // The server's projects: the tools beside them (reader, emulator, clients) answer no problems.
        var rules = new[] { "Cms.Domain", "Cms.Application", "Cms.Infrastructure", "Cms.Api" }
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(root, "src", p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => RulePattern().Matches(File.ReadAllText(f)))
            .Select(m => m.Groups.Cast<Group>().Skip(1).First(g => g.Success).Value)
            .Where(r => r != "x-api-key" && !r.StartsWith("x-", StringComparison.Ordinal))
            .ToHashSet();
        Assert.True(rules.Count > 60, $"only {rules.Count} rules found: the pattern no longer matches the code");
        var missing = rules.Where(r => !catalogue.Contains($"`{r}`", StringComparison.Ordinal)).Order().ToList();
        Assert.True(missing.Count == 0, "docs/problems.md does not explain: " + string.Join(", ", missing));
    }
}
