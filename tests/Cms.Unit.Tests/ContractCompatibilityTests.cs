using System.Text.Json.Nodes;

namespace Cms.Unit.Tests;

public class ContractCompatibilityTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cms.sln"))) dir = dir.Parent;
        return dir!.FullName;
    }

    private static int Major(JsonNode doc) => int.Parse(doc["info"]!["version"]!.GetValue<string>().Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The contract may grow, never break, within a major version: every release of it is a reference (the last one alone would
    /// be the contract itself right after a release, and a rename map never read).
    /// </summary>
    [Fact]
    public void The_contract_breaks_nothing_of_any_release_unless_its_major_version_moves()
    {
        var root = Root();
        var current = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "contracts", "cms-v1.openapi.json")))!;
        var renames = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(
            File.ReadAllText(Path.Combine(root, "contracts", "released", "schema-renames.json")))!;
        var releases = Directory.GetFiles(Path.Combine(root, "contracts", "released"), "cms-v*.openapi.json");
        Assert.True(releases.Length >= 2, "contracts/released holds 1.0.0 and 1.1.0 at least");
        foreach (var released in releases)
        {
            var old = JsonNode.Parse(File.ReadAllText(released))!;
            if (Major(current) > Major(old)) continue; // a new major version (a new /api/vN) may break; see docs/contract.md
            var breaking = ContractCompatibility.BreakingChanges(old, current, renames);
            Assert.True(breaking.Count == 0,
                $"contracts/cms-v1.openapi.json breaks {Path.GetFileName(released)} (see docs/contract.md):\n" + string.Join("\n", breaking.Take(30)));
            Assert.True(Version.Parse(current["info"]!["version"]!.GetValue<string>()) >= Version.Parse(old["info"]!["version"]!.GetValue<string>()),
                "the contract's version went back");
        }
    }

    private static JsonNode Doc(string json) => JsonNode.Parse(json)!;

    private const string Base = """
        {"paths":{"/a":{"get":{"responses":{"200":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}}}},
                        "post":{"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/B"}}}},"responses":{"201":{}}}}},
         "components":{"schemas":{
           "A":{"type":"object","required":["id"],"properties":{"id":{"type":"string"},"state":{"type":"string","enum":["X","Y"]}}},
           "B":{"type":"object","properties":{"mode":{"type":"string","enum":["D","E"]},"note":{"type":"string"}}}}}}
        """;

    [Fact]
    public void Additions_are_not_breaking()
    {
        var added = Base.Replace("\"note\":{\"type\":\"string\"}", "\"note\":{\"type\":\"string\"},\"extra\":{\"type\":\"integer\"}")
            .Replace("\"enum\":[\"D\",\"E\"]", "\"enum\":[\"D\",\"E\",\"F\"]")
            .Replace("\"/a\":{", "\"/b\":{\"get\":{\"responses\":{\"200\":{}}}},\"/a\":{");
        Assert.Empty(ContractCompatibility.BreakingChanges(Doc(Base), Doc(added)));
    }

    [Theory]
    [InlineData("\"/a\":{\"get\"", "\"/a\":{\"head\"", "operation removed")]
    [InlineData("\"required\":[\"id\"]", "\"required\":[]", "no longer always present")]
    [InlineData("\"state\":{\"type\":\"string\"", "\"state\":{\"type\":\"integer\"", "type")]
    [InlineData("\"enum\":[\"D\",\"E\"]", "\"enum\":[\"D\"]", "enum value \"E\" removed")]
    [InlineData("\"B\":{\"type\":\"object\",", "\"B\":{\"type\":\"object\",\"required\":[\"note\"],", "member note is now required")]
    [InlineData("\"201\":{}", "\"202\":{}", "response 201 removed")]
    public void Removals_and_new_obligations_are_breaking(string from, string to, string expected)
    {
        var changed = Base.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Base, changed);
        Assert.Contains(ContractCompatibility.BreakingChanges(Doc(Base), Doc(changed)), b => b.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_renamed_schema_is_not_breaking_when_the_rename_map_names_it_and_its_structure_is_kept()
    {
        var renamed = Base.Replace("schemas/A\"", "schemas/Alpha\"", StringComparison.Ordinal).Replace("\"A\":{", "\"Alpha\":{", StringComparison.Ordinal);
        Assert.NotEqual(Base, renamed);
        var map = new Dictionary<string, string> { ["A"] = "Alpha" };
        Assert.Empty(ContractCompatibility.BreakingChanges(Doc(Base), Doc(renamed), map));
        // Without its entry in the map, the old name is gone.
        Assert.Contains(ContractCompatibility.BreakingChanges(Doc(Base), Doc(renamed)), b => b.Contains("schema A removed", StringComparison.Ordinal));
        // A map that names a successor the contract does not define.
        Assert.Contains(ContractCompatibility.BreakingChanges(Doc(Base), Doc(renamed), new Dictionary<string, string> { ["A"] = "Beta" }),
            b => b.Contains("renamed to Beta", StringComparison.Ordinal));
        // Renamed and narrowed: the structure behind the new name is still compared.
        var narrowed = renamed.Replace("\"state\":{\"type\":\"string\"", "\"state\":{\"type\":\"integer\"", StringComparison.Ordinal);
        Assert.Contains(ContractCompatibility.BreakingChanges(Doc(Base), Doc(narrowed), map), b => b.Contains("type", StringComparison.Ordinal));
    }
}
