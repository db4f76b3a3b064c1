using System.Text.Json.Nodes;

namespace Cms.Unit.Tests;

/// <summary>
/// The checked-in contract declares the AgID ModI side of the calls between regions (issue 28, docs/contract.md): the three
/// inbound interoperability operations require the three ModI schemes together (never the operators' bearer), take the
/// signed <c>Digest</c> header, and every answer they declare carries <c>Agid-JWT-Signature</c> and <c>Digest</c>.
/// </summary>
public class ModiContractTests
{
    private static readonly string[] InboundOperations = ["receiveInteropActivation", "receiveInteropReprint", "receiveInteropRevocation"];
    private static readonly string[] Schemes = ["modiIdAuth", "agidJwtSignature", "agidJwtTrackingEvidence"];

    private static JsonNode Contract()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cms.sln"))) dir = dir.Parent;
        return JsonNode.Parse(File.ReadAllText(Path.Combine(dir!.FullName, "contracts", "cms-v1.openapi.json")))!;
    }

    /// <summary>What the document lacks of the ModI declarations, one line each; empty when all is there.</summary>
    public static IReadOnlyList<string> Missing(JsonNode document)
    {
        var missing = new List<string>();
        var schemes = document["components"]?["securitySchemes"];
        void Scheme(string name, string type, string? header, string? scheme)
        {
            var s = schemes?[name];
            if (s is null)
            {
                missing.Add($"security scheme {name} not declared");
                return;
            }
            if (s["type"]?.GetValue<string>() != type) missing.Add($"security scheme {name} is not of type {type}");
            if (header is not null && (s["in"]?.GetValue<string>() != "header" || s["name"]?.GetValue<string>() != header))
                missing.Add($"security scheme {name} is not the header {header}");
            if (scheme is not null && (s["scheme"]?.GetValue<string>() != scheme || s["bearerFormat"]?.GetValue<string>() != "JWT"))
                missing.Add($"security scheme {name} is not http {scheme} JWT");
            if (string.IsNullOrWhiteSpace(s["description"]?.GetValue<string>())) missing.Add($"security scheme {name} has no description");
        }
        Scheme("modiIdAuth", "http", null, "bearer");
        Scheme("agidJwtSignature", "apiKey", "Agid-JWT-Signature", null);
        Scheme("agidJwtTrackingEvidence", "apiKey", "Agid-JWT-TrackingEvidence", null);

        var operations = (document["paths"]?.AsObject() ?? []).SelectMany(p => p.Value!.AsObject().Select(m => m.Value))
            .OfType<JsonObject>().Where(o => o["operationId"] is not null).ToDictionary(o => o["operationId"]!.GetValue<string>());
        foreach (var id in InboundOperations)
        {
            if (!operations.TryGetValue(id, out var op))
            {
                missing.Add($"{id}: operation not in the contract");
                continue;
            }
            // One requirement object with the three schemes: all three together, and no alternative (the operators' bearer).
            if (op["security"] is not JsonArray { Count: 1 } security || security[0] is not JsonObject requirement)
                missing.Add($"{id}: not exactly one security requirement of its own (the document's bearer would apply)");
            else
            {
                foreach (var scheme in Schemes)
                    if (!requirement.ContainsKey(scheme)) missing.Add($"{id}: security requirement without {scheme}");
                foreach (var (other, _) in requirement.Where(r => !Schemes.Contains(r.Key)))
                    missing.Add($"{id}: security requirement with {other}");
            }
            var digest = (op["parameters"] as JsonArray ?? []).FirstOrDefault(p => p?["in"]?.GetValue<string>() == "header" && p["name"]?.GetValue<string>() == "Digest");
            if (digest is null) missing.Add($"{id}: no Digest request header");
            else
            {
                if (digest["required"]?.GetValue<bool>() != true) missing.Add($"{id}: Digest request header not required");
                if (digest["schema"]?["pattern"]?.GetValue<string>() != "^SHA-256=[A-Za-z0-9+/]{43}=$") missing.Add($"{id}: Digest request header without its pattern");
            }
            var responses = op["responses"]?.AsObject() ?? [];
            if (!responses.Any(r => r.Key.StartsWith('2'))) missing.Add($"{id}: no success answer");
            if (!responses.Any(r => r.Key.StartsWith('4'))) missing.Add($"{id}: no problem answer");
            foreach (var (code, response) in responses)
                foreach (var header in new[] { "Agid-JWT-Signature", "Digest" })
                {
                    var declared = response?["headers"]?[header];
                    if (declared is null) missing.Add($"{id} → {code}: no {header} response header");
                    else if (string.IsNullOrWhiteSpace(declared["description"]?.GetValue<string>())) missing.Add($"{id} → {code}: {header} without a description");
                }
        }
        return missing;
    }

    [Fact]
    public void The_inbound_interop_operations_declare_the_ModI_schemes_the_Digest_header_and_the_signed_answers()
    {
        var missing = Missing(Contract());
        Assert.True(missing.Count == 0, "contracts/cms-v1.openapi.json (scripts/contract.sh update):\n" + string.Join("\n", missing));
    }

    [Fact]
    public void The_operators_bearer_stays_the_rule_of_every_other_protected_operation()
    {
        var contract = Contract();
        Assert.Contains(contract["security"]!.AsArray(), r => r is JsonObject o && o.ContainsKey("bearer"));
        foreach (var (path, item) in contract["paths"]!.AsObject())
            foreach (var (method, op) in item!.AsObject())
            {
                if (InboundOperations.Contains(op!["operationId"]?.GetValue<string>())) continue;
                var own = op["security"]?.ToJsonString() ?? "";
                Assert.False(Schemes.Any(s => own.Contains(s, StringComparison.Ordinal)), $"{method.ToUpperInvariant()} {path} requires a ModI scheme");
            }
    }

    public static TheoryData<string, string> Losses => new()
    {
        { "/components/securitySchemes/agidJwtTrackingEvidence", "security scheme agidJwtTrackingEvidence not declared" },
        { "receiveInteropReprint/security/0/agidJwtSignature", "receiveInteropReprint: security requirement without agidJwtSignature" },
        { "receiveInteropActivation/security/0/modiIdAuth", "receiveInteropActivation: security requirement without modiIdAuth" },
        { "receiveInteropRevocation/security", "receiveInteropRevocation: not exactly one security requirement of its own" },
        { "receiveInteropActivation/parameters", "receiveInteropActivation: no Digest request header" },
        { "receiveInteropRevocation/responses/200/headers/Agid-JWT-Signature", "receiveInteropRevocation → 200: no Agid-JWT-Signature response header" },
        { "receiveInteropReprint/responses/401/headers/Digest", "receiveInteropReprint → 401: no Digest response header" },
    };

    /// <summary>The check fails on each loss: the contract with one piece removed is reported, by name.</summary>
    [Theory]
    [MemberData(nameof(Losses))]
    public void Each_loss_is_reported(string removed, string expected)
    {
        var contract = Contract();
        Assert.Empty(Missing(contract));
        var parts = removed.Trim('/').Split('/');
        JsonNode node;
        if (parts[0] == "components") node = contract["components"]!;
        else node = contract["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => m.Value!))
            .Single(o => o["operationId"]?.GetValue<string>() == parts[0]);
        for (var i = 1; i < parts.Length - 1; i++)
            node = int.TryParse(parts[i], out var index) && node is JsonArray array ? array[index]! : node[parts[i]]!;
        Assert.True(node.AsObject().Remove(parts[^1]), $"{removed} is not in the contract");
        Assert.Contains(Missing(contract), m => m.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_bearer_alternative_beside_the_ModI_requirement_is_reported()
    {
        var contract = Contract();
        var op = contract["paths"]!["/api/v1/interop/inbound/activations"]!["post"]!;
        op["security"]!.AsArray().Add(new JsonObject { ["bearer"] = new JsonArray() });
        Assert.Contains(Missing(contract), m => m.StartsWith("receiveInteropActivation: not exactly one security requirement", StringComparison.Ordinal));
        op["security"]!.AsArray().RemoveAt(1);
        op["security"]![0]!["bearer"] = new JsonArray();
        Assert.Contains(Missing(contract), m => m == "receiveInteropActivation: security requirement with bearer");
    }
}
