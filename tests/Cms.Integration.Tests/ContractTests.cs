using System.Diagnostics;
using System.Text.Json.Nodes;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>The checked-in contract is the product: it cannot drift from the code, and it passes the AgID ModI rules.</summary>
public class ContractTests(CmsFactory factory) : ApiTest(factory)
{
    private static string ContractPath => Path.Combine(TestDatabase.RepositoryRoot(), "contracts", "cms-v1.openapi.json");

    [Fact]
    public async Task The_checked_in_contract_is_the_document_the_api_serves()
    {
        var served = JsonNode.Parse(await Anonymous().GetStringAsync("/openapi/v1.json"))!;
        var checkedIn = JsonNode.Parse(await File.ReadAllTextAsync(ContractPath))!;
        if (JsonNode.DeepEquals(served, checkedIn)) return;
        var differing = Differences(served, checkedIn, "#").Take(15).ToList();
        Assert.Fail("contracts/cms-v1.openapi.json differs from the document the API serves; run `scripts/contract.sh update` and commit " +
            "the contract with the change of the API. First differences:\n" + string.Join("\n", differing));
    }

    [Fact]
    public async Task The_contract_has_no_error_under_the_AgID_ModI_rules_and_is_clean_under_Redocly()
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(TestDatabase.RepositoryRoot(), "scripts", "contract.sh"), "lint"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestDatabase.RepositoryRoot(),
        };
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"scripts/contract.sh lint failed ({process.ExitCode}):\n{await output}\n{await error}");
        var all = await output + await error;
        Assert.Contains("No results with a severity of 'error' found", all);
        Assert.Contains("Your API description is valid", all);
    }

    [Fact]
    public async Task Every_operation_has_an_id_a_summary_a_description_its_problems_and_its_security()
    {
        var contract = JsonNode.Parse(await File.ReadAllTextAsync(ContractPath))!;
        var missing = new List<string>();
        foreach (var (path, item) in contract["paths"]!.AsObject())
        {
            foreach (var (method, op) in item!.AsObject())
            {
                var where = $"{method.ToUpperInvariant()} {path}";
                if (string.IsNullOrWhiteSpace(op!["operationId"]?.GetValue<string>())) missing.Add(where + ": operationId");
                if (string.IsNullOrWhiteSpace(op["summary"]?.GetValue<string>())) missing.Add(where + ": summary");
                if (string.IsNullOrWhiteSpace(op["description"]?.GetValue<string>())) missing.Add(where + ": description");
                var responses = op["responses"]!.AsObject();
                if (!responses.Any(r => r.Key.StartsWith('2') || r.Key.StartsWith('3'))) missing.Add(where + ": a success response");
                var isPublic = op["description"]?.GetValue<string>().Contains("Accesso: pubblico.") == true;
                if (isPublic && op["security"] is not JsonArray { Count: 0 }) missing.Add(where + ": public, but the document's security requirement applies");
                if (!isPublic && (!responses.ContainsKey("401") || !responses.ContainsKey("403"))) missing.Add(where + ": 401/403 problems");
                foreach (var (code, response) in responses.Where(r => r.Key.StartsWith('4')))
                {
                    var problem = response!["content"]?["application/problem+json"];
                    if (problem is null) missing.Add($"{where}: {code} as application/problem+json");
                    else if (problem["example"]?["type"] is null) missing.Add($"{where}: an example of its {code} problem");
                }
                foreach (var (code, response) in responses.Where(r => r.Key.StartsWith('2')))
                    if (response!["content"]?["application/json"] is { } json && json["example"] is null) missing.Add($"{where}: an example of its {code} answer");
            }
        }
        Assert.True(contract["security"] is JsonArray { Count: > 0 }, "the contract names no security requirement");
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    private static IEnumerable<string> Differences(JsonNode? a, JsonNode? b, string path)
    {
        if (JsonNode.DeepEquals(a, b)) yield break;
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var key in oa.Select(p => p.Key).Union(ob.Select(p => p.Key)))
                foreach (var d in Differences(oa[key], ob[key], $"{path}/{key}")) yield return d;
        }
        else yield return $"{path}: served {Short(a)} · checked in {Short(b)}";
    }

    private static string Short(JsonNode? n) => n is null ? "(absent)" : n.ToJsonString() is { Length: > 120 } s ? s[..120] + "…" : n.ToJsonString();
}
