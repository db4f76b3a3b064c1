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

    /// <summary>The listed corrections of a release (contracts/released/corrections-*.json): its members that may become nullable.</summary>
    private static ContractCompatibility.Corrections? CorrectionsOf(string root, string version)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(root, "contracts", "released"), "corrections-*.json"))
        {
            var node = JsonNode.Parse(File.ReadAllText(file))!;
            if (node["release"]!.GetValue<string>() == version) return ContractCompatibility.Corrections.Read(node);
        }
        return null;
    }

    /// <summary>
    /// The listed exceptions (contracts/released/exceptions-*.json) that apply to a comparison with the release of this version:
    /// those introduced after it, merged.
    /// </summary>
    private static ContractCompatibility.Exceptions? ExceptionsFor(string root, string version)
    {
        var applying = Directory.GetFiles(Path.Combine(root, "contracts", "released"), "exceptions-*.json")
            .Select(f => ContractCompatibility.Exceptions.Read(JsonNode.Parse(File.ReadAllText(f))!)).Where(e => e.AppliesTo(version)).ToList();
        if (applying.Count == 0) return null;
        return new ContractCompatibility.Exceptions(applying.Max(e => e.IntroducedIn)!,
            applying.SelectMany(e => e.SecurityChanged).ToHashSet(),
            applying.SelectMany(e => e.NewRequiredParameters).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.SelectMany(p => p.Value).Distinct().ToArray()));
    }

    /// <summary>
    /// The contract may grow, never break, within a major version: every release of it is a reference (the last one alone would
    /// be the contract itself right after a release, and a rename map never read).
    /// </summary>
    [Fact]
    public void The_contract_breaks_nothing_of_any_release_unless_its_major_version_moves()
    {
        var root = Root();
        var file = Path.Combine(root, "contracts", "cms-v1.openapi.json");
        var current = JsonNode.Parse(File.ReadAllText(file))!;
        var renames = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(
            File.ReadAllText(Path.Combine(root, "contracts", "released", "schema-renames.json")))!;
        var releases = Directory.GetFiles(Path.Combine(root, "contracts", "released"), "cms-v*.openapi.json");
        Assert.True(releases.Length >= 3, "contracts/released holds 1.0.0, 1.1.0 and 1.2.0 at least");
        foreach (var released in releases)
        {
            var old = JsonNode.Parse(File.ReadAllText(released))!;
            // A later line (cms-v2 releases) is not this file's business; a new line may break (docs/contract.md).
            if (ContractCompatibility.Major(old) > ContractCompatibility.Major(current) || ContractCompatibility.MayBreak(old, current, file)) continue;
            var version = old["info"]!["version"]!.GetValue<string>();
            var breaking = ContractCompatibility.BreakingChanges(old, current, renames, CorrectionsOf(root, version), ExceptionsFor(root, version));
            Assert.True(breaking.Count == 0,
                $"contracts/cms-v1.openapi.json breaks {Path.GetFileName(released)} (see docs/contract.md):\n" + string.Join("\n", breaking.Take(30)));
            Assert.True(Version.Parse(current["info"]!["version"]!.GetValue<string>()) >= Version.Parse(version),
                "the contract's version went back");
        }
    }

    /// <summary>The corrections of 1.0.0 are exact: each listed member is one the check would report without the list.</summary>
    [Fact]
    public void The_listed_corrections_of_1_0_0_are_each_needed_and_are_members_of_answers()
    {
        var root = Root();
        var current = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "contracts", "cms-v1.openapi.json")))!;
        var old = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "contracts", "released", "cms-v1.0.0.openapi.json")))!;
        var renames = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(
            File.ReadAllText(Path.Combine(root, "contracts", "released", "schema-renames.json")))!;
        var corrections = CorrectionsOf(root, "1.0.0")!;
        Assert.NotEmpty(corrections.NowNullable);
        var without = ContractCompatibility.BreakingChanges(old, current, renames);
        Assert.Contains(without, b => b.EndsWith("may now be null", StringComparison.Ordinal));
        foreach (var (schema, members) in corrections.NowNullable)
        {
            Assert.True(ContractCompatibility.Usage(old, schema).InResponses, $"{schema} is not answered in 1.0.0: no correction needed");
            foreach (var member in members)
            {
                var one = corrections with { NowNullable = new Dictionary<string, string[]>(corrections.NowNullable) { [schema] = members.Where(m => m != member).ToArray() } };
                Assert.True(ContractCompatibility.BreakingChanges(old, current, renames, one).Any(b => b.EndsWith($".{member}: may now be null", StringComparison.Ordinal)),
                    $"{schema}.{member} is listed as a correction but did not become nullable");
            }
        }
        // Each enum value listed was really added to an answer (the list says no more than what happened).
        foreach (var (key, values) in corrections.AnswerEnumValues)
            foreach (var value in values)
                Assert.Contains(without, b => b.EndsWith($"enum value \"{value}\" added to an answer ({key})", StringComparison.Ordinal));
    }

    /// <summary>
    /// The exceptions of 1.3.0 (issue 28) are exact: each listed change is one the check would report against every release
    /// before 1.3.0 without the list, and each names an operation that only the regions' Cms call (the ModI schemes, never the
    /// operators' bearer).
    /// </summary>
    [Fact]
    public void The_listed_exceptions_of_1_3_0_are_each_needed_and_name_operations_between_regions_only()
    {
        var root = Root();
        var current = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "contracts", "cms-v1.openapi.json")))!;
        var renames = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(
            File.ReadAllText(Path.Combine(root, "contracts", "released", "schema-renames.json")))!;
        var exceptions = ContractCompatibility.Exceptions.Read(JsonNode.Parse(File.ReadAllText(Path.Combine(root, "contracts", "released", "exceptions-1.3.0.json")))!);
        Assert.Equal(new Version(1, 3, 0), exceptions.IntroducedIn);
        Assert.NotEmpty(exceptions.SecurityChanged);
        foreach (var where in exceptions.SecurityChanged.Concat(exceptions.NewRequiredParameters.Keys).Distinct())
        {
            var parts = where.Split(' ', 2);
            var security = current["paths"]![parts[1]]![parts[0].ToLowerInvariant()]!["security"];
            Assert.True(security is JsonArray { Count: 1 } s && s[0] is JsonObject r && r.ContainsKey("modiIdAuth") && !r.ContainsKey("bearer"),
                $"{where} is excused, but it is not an operation between regions (ModI schemes only)");
        }
        var releases = Directory.GetFiles(Path.Combine(root, "contracts", "released"), "cms-v1.*.openapi.json")
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!).Where(d => exceptions.AppliesTo(d["info"]!["version"]!.GetValue<string>())).ToList();
        Assert.True(releases.Count >= 3, "1.0.0, 1.1.0 and 1.2.0 are older than the exceptions");
        foreach (var old in releases)
        {
            var version = old["info"]!["version"]!.GetValue<string>();
            var corrections = CorrectionsOf(root, version);
            Assert.Empty(ContractCompatibility.BreakingChanges(old, current, renames, corrections, exceptions));
            // An operation the release did not have yet (the inbound operations came with 1.1.0) is new there: nothing to excuse.
            bool Had(string where) => old["paths"]?[where.Split(' ', 2)[1]]?[where.Split(' ', 2)[0].ToLowerInvariant()] is not null;
            foreach (var where in exceptions.SecurityChanged.Where(Had))
            {
                var one = exceptions with { SecurityChanged = exceptions.SecurityChanged.Where(w => w != where).ToHashSet() };
                Assert.Contains(ContractCompatibility.BreakingChanges(old, current, renames, corrections, one),
                    b => b.StartsWith($"{where}: security requirement", StringComparison.Ordinal));
            }
            foreach (var (where, parameters) in exceptions.NewRequiredParameters.Where(p => Had(p.Key)))
                foreach (var parameter in parameters)
                {
                    var one = exceptions with
                    {
                        NewRequiredParameters = new Dictionary<string, string[]>(exceptions.NewRequiredParameters) { [where] = parameters.Where(p => p != parameter).ToArray() },
                    };
                    Assert.Contains(ContractCompatibility.BreakingChanges(old, current, renames, corrections, one),
                        b => b == $"{where}: new required parameter {parameter.Split(':', 2)[1]}");
                }
        }
        // Each excused operation was in a release before 1.3.0 (else there would be nothing to excuse).
        foreach (var where in exceptions.SecurityChanged.Concat(exceptions.NewRequiredParameters.Keys))
            Assert.Contains(releases, r => r["paths"]?[where.Split(' ', 2)[1]] is not null);
        // A contract that is 1.3.0 itself, or later, is compared with nothing excused.
        Assert.False(exceptions.AppliesTo("1.3.0"));
    }

    private static JsonNode Doc(string json) => JsonNode.Parse(json)!;

    private const string Secured = """
        {"security":[{"bearer":[]}],
         "paths":{"/a":{"get":{"responses":{"200":{}}}},
                  "/b":{"post":{"security":[],"responses":{"200":{}}}}}}
        """;

    [Fact]
    public void A_security_requirement_no_longer_accepted_is_breaking_unless_listed_and_a_new_alternative_is_not()
    {
        // The operation's own requirement replaces the document's: bearer no longer opens it.
        var moved = Secured.Replace("\"get\":{", "\"get\":{\"security\":[{\"peer\":[],\"sig\":[]}],", StringComparison.Ordinal);
        Assert.NotEqual(Secured, moved);
        Assert.Contains(ContractCompatibility.BreakingChanges(Doc(Secured), Doc(moved)),
            b => b == "GET /a: security requirement bearer is no longer accepted (now peer + sig)");
        var listed = new ContractCompatibility.Exceptions(new Version(1, 3, 0), new HashSet<string> { "GET /a" }, new Dictionary<string, string[]>());
        Assert.Empty(ContractCompatibility.BreakingChanges(Doc(Secured), Doc(moved), exceptions: listed));
        // Another alternative beside bearer widens.
        var widened = Secured.Replace("\"get\":{", "\"get\":{\"security\":[{\"bearer\":[]},{\"peer\":[]}],", StringComparison.Ordinal);
        Assert.Empty(ContractCompatibility.BreakingChanges(Doc(Secured), Doc(widened)));
        // A public operation that becomes protected.
        var closed = Secured.Replace("\"security\":[],", "", StringComparison.Ordinal);
        Assert.Contains(ContractCompatibility.BreakingChanges(Doc(Secured), Doc(closed)), b => b.StartsWith("POST /b: security requirement (public)", StringComparison.Ordinal));
        // A listed parameter is excused on its operation only.
        var digest = Secured.Replace("\"get\":{", "\"get\":{\"parameters\":[{\"name\":\"Digest\",\"in\":\"header\",\"required\":true}],", StringComparison.Ordinal);
        Assert.Contains(ContractCompatibility.BreakingChanges(Doc(Secured), Doc(digest)), b => b == "GET /a: new required parameter Digest");
        var parameter = ContractCompatibility.Exceptions.None with { NewRequiredParameters = new Dictionary<string, string[]> { ["GET /a"] = ["header:Digest"] } };
        Assert.Empty(ContractCompatibility.BreakingChanges(Doc(Secured), Doc(digest), exceptions: parameter));
        var elsewhere = ContractCompatibility.Exceptions.None with { NewRequiredParameters = new Dictionary<string, string[]> { ["POST /b"] = ["header:Digest"] } };
        Assert.NotEmpty(ContractCompatibility.BreakingChanges(Doc(Secured), Doc(digest), exceptions: elsewhere));
    }

    private const string Base = """
        {"paths":{"/a":{"get":{"parameters":[{"name":"q","in":"query","schema":{"type":"string"}}],
                               "responses":{"200":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/A"}}}}}},
                        "post":{"requestBody":{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/B"}},
                                                          "text/csv":{"schema":{"type":"string"}}}},"responses":{"201":{}}}}},
         "components":{"schemas":{
           "A":{"type":"object","required":["id"],"properties":{"id":{"type":"string"},"state":{"type":"string","enum":["X","Y"]},
                "child":{"$ref":"#/components/schemas/C"},"choice":{"oneOf":[{"type":"string"},{"type":"integer"}]},
                "count":{"type":"integer","format":"int32"}}},
           "C":{"type":"object","properties":{"name":{"type":"string"}}},
           "B":{"type":"object","properties":{"mode":{"type":"string","enum":["D","E"]},"note":{"type":"string"},"memo":{"type":"string","nullable":true}}}}}}
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
    // The follow-up of decision 0051: what the first checks did not see.
    [InlineData("\"child\":{\"$ref\":\"#/components/schemas/C\"}", "\"child\":{\"allOf\":[{\"$ref\":\"#/components/schemas/C\"}],\"nullable\":true}", ".child: may now be null")]
    [InlineData("\"id\":{\"type\":\"string\"}", "\"id\":{\"type\":\"string\",\"nullable\":true}", ".id: may now be null")]
    [InlineData("\"memo\":{\"type\":\"string\",\"nullable\":true}", "\"memo\":{\"type\":\"string\"}", ".memo: no longer accepts null")]
    [InlineData("\"enum\":[\"X\",\"Y\"]", "\"enum\":[\"X\",\"Y\",\"Z\"]", "enum value \"Z\" added to an answer")]
    [InlineData("\"in\":\"query\",", "\"in\":\"query\",\"required\":true,", "parameter q is now required")]
    [InlineData("\"schema\":{\"type\":\"string\"}}],", "\"schema\":{\"type\":\"integer\"}}],", "parameter q: type \"string\" became \"integer\"")]
    [InlineData("\"id\":{\"type\":\"string\"}", "\"id\":{\"type\":\"string\",\"format\":\"uuid\"}", ".id: format (none) became \"uuid\"")]
    [InlineData("\"format\":\"int32\"", "\"format\":\"int64\"", ".count: format \"int32\" became \"int64\"")]
    [InlineData("{\"type\":\"integer\"}]}", "{\"type\":\"integer\"},{\"type\":\"boolean\"}]}", ".choice: oneOf of 2 schemas became 3")]
    [InlineData("{\"type\":\"integer\"}]}", "{\"type\":\"number\"}]}", ".choice.oneOf[1]: type")]
    [InlineData("\"B\":{\"type\":\"object\",", "\"B\":{\"type\":\"object\",\"additionalProperties\":false,", "undeclared members are now refused")]
    [InlineData("\"text/csv\":{\"schema\":{\"type\":\"string\"}}", "\"text/plain\":{\"schema\":{\"type\":\"string\"}}", "no longer accepted as text/csv")]
    [InlineData("\"text/csv\":{\"schema\":{\"type\":\"string\"}}", "\"text/csv\":{\"schema\":{\"type\":\"string\",\"format\":\"binary\"}}", "request text/csv: format")]
    [InlineData("\"requestBody\":{", "\"requestBody\":{\"required\":true,", "the request body is now required")]
    // Never silent: a reference the check cannot follow, or a schema gone from one side, is a finding, not a pass.
    [InlineData("\"200\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/A\"}}}}", "\"200\":{\"content\":{\"application/json\":{}}}", "response 200 application/json no longer declares its schema")]
    [InlineData("\"child\":{\"$ref\":\"#/components/schemas/C\"}", "\"child\":{\"$ref\":\"#/components/schemas/Gone\"}", ".child: the new contract's schema cannot be resolved")]
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

    [Fact]
    public void A_rename_entry_does_not_hide_a_change_of_the_successor()
    {
        // The answer now refers to Keep (A as it was), and the map says A became Alpha, a narrowed A no path uses.
        var changed = Base.Replace("schemas/A\"", "schemas/Keep\"", StringComparison.Ordinal)
            .Replace("\"A\":{\"type\":\"object\",\"required\":[\"id\"]", "\"Keep\":{\"type\":\"object\",\"required\":[\"id\"]", StringComparison.Ordinal);
        var alpha = JsonNode.Parse(Base)!["components"]!["schemas"]!["A"]!.DeepClone();
        alpha["properties"]!["state"] = JsonNode.Parse("""{"type":"integer"}""");
        var doc = Doc(changed);
        doc["components"]!["schemas"]!["Alpha"] = alpha;
        var map = new Dictionary<string, string> { ["A"] = "Alpha" };
        Assert.Contains(ContractCompatibility.BreakingChanges(Doc(Base), doc, map), b => b.StartsWith("schema A → Alpha (answered).state: type", StringComparison.Ordinal));
        // The same successor unchanged passes.
        doc["components"]!["schemas"]!["Alpha"] = JsonNode.Parse(Base)!["components"]!["schemas"]!["A"]!.DeepClone();
        Assert.Empty(ContractCompatibility.BreakingChanges(Doc(Base), doc, map));
    }

    private static ContractCompatibility.Corrections Nullable(string schema, string member) =>
        ContractCompatibility.Corrections.None with { NowNullable = new Dictionary<string, string[]> { [schema] = [member] } };

    [Fact]
    public void A_listed_correction_lets_only_its_member_become_nullable()
    {
        var nullable = Base.Replace("\"child\":{\"$ref\":\"#/components/schemas/C\"}",
            "\"child\":{\"allOf\":[{\"$ref\":\"#/components/schemas/C\"}],\"nullable\":true}", StringComparison.Ordinal);
        Assert.NotEqual(Base, nullable);
        Assert.Empty(ContractCompatibility.BreakingChanges(Doc(Base), Doc(nullable), corrections: Nullable("A", "child")));
        Assert.NotEmpty(ContractCompatibility.BreakingChanges(Doc(Base), Doc(nullable), corrections: Nullable("A", "id")));
    }

    [Fact]
    public void An_answer_s_schema_may_open_to_undeclared_members_and_a_request_s_may_widen()
    {
        var closed = Base.Replace("\"A\":{\"type\":\"object\",", "\"A\":{\"type\":\"object\",\"additionalProperties\":false,", StringComparison.Ordinal);
        Assert.NotEqual(Base, closed);
        Assert.Empty(ContractCompatibility.BreakingChanges(Doc(closed), Doc(Base)));
        var widened = Base.Replace("\"note\":{\"type\":\"string\"}", "\"note\":{\"type\":\"string\",\"nullable\":true}", StringComparison.Ordinal);
        Assert.NotEqual(Base, widened);
        Assert.Empty(ContractCompatibility.BreakingChanges(Doc(Base), Doc(widened)));
    }

    private static JsonNode Line(string version, string prefix) =>
        Doc("{\"info\":{\"version\":\"" + version + "\"},\"paths\":{\"" + prefix + "/cards\":{}}}");

    [Fact]
    public void A_new_major_version_switches_the_check_off_only_when_the_file_and_the_paths_move_too()
    {
        var released = Line("1.2.0", "/api/v1");
        Assert.False(ContractCompatibility.MayBreak(released, Line("2.0.0", "/api/v1"), "contracts/cms-v1.openapi.json"));
        Assert.False(ContractCompatibility.MayBreak(released, Line("2.0.0", "/api/v1"), "contracts/cms-v2.openapi.json"));
        Assert.False(ContractCompatibility.MayBreak(released, Line("2.0.0", "/api/v2"), "contracts/cms-v1.openapi.json"));
        Assert.False(ContractCompatibility.MayBreak(released, Line("1.3.0", "/api/v2"), "contracts/cms-v2.openapi.json"));
        Assert.True(ContractCompatibility.MayBreak(released, Line("2.0.0", "/api/v2"), "contracts/cms-v2.openapi.json"));
    }
}
