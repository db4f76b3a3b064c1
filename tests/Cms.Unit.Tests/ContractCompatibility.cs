using System.Text.Json.Nodes;

namespace Cms.Unit.Tests;

/// <summary>
/// Finds the changes of an OpenAPI document that break a client built on an earlier one (docs/contract.md): an operation
/// or a success answer removed; a parameter or a request member newly required; a request enum value removed; an
/// answer's member removed, made optional or retyped; a type changed anywhere. Schemas are compared by structure, through
/// <c>$ref</c>: a schema's name is not on the wire. A schema name of the release that is gone must be in
/// <paramref name="renames"/> (contracts/released/schema-renames.json, old → new) with a successor that exists (decision 0051).
/// </summary>
public static class ContractCompatibility
{
    public static IReadOnlyList<string> BreakingChanges(JsonNode released, JsonNode current, IReadOnlyDictionary<string, string>? renames = null)
    {
        var found = new List<string>();
        var newSchemas = current["components"]?["schemas"]?.AsObject();
        foreach (var (name, _) in released["components"]?["schemas"]?.AsObject() ?? [])
        {
            if (newSchemas?.ContainsKey(name) == true) continue;
            if (renames?.GetValueOrDefault(name) is not { } successor)
                found.Add($"schema {name} removed (a rename needs its entry in contracts/released/schema-renames.json)");
            else if (newSchemas?.ContainsKey(successor) != true)
                found.Add($"schema {name} renamed to {successor}, which the contract does not define");
        }
        var oldPaths = released["paths"]!.AsObject();
        var newPaths = current["paths"]!.AsObject();
        foreach (var (path, oldItem) in oldPaths)
        {
            foreach (var (method, oldOp) in oldItem!.AsObject())
            {
                var where = $"{method.ToUpperInvariant()} {path}";
                var newOp = newPaths[path]?[method];
                if (newOp is null)
                {
                    found.Add($"{where}: operation removed");
                    continue;
                }
                Parameters(where, oldOp!, newOp, found);
                var oldBody = Schema(released, oldOp!["requestBody"]?["content"]?["application/json"]?["schema"]);
                var newBody = Schema(current, newOp["requestBody"]?["content"]?["application/json"]?["schema"]);
                if (oldBody is null && newBody is not null && newOp["requestBody"]?["required"]?.GetValue<bool>() == true)
                    found.Add($"{where}: a request body is now required");
                if (oldBody is not null && newBody is not null)
                    Compare($"{where} request", released, oldBody, current, newBody, request: true, found, 0);
                foreach (var (code, oldResponse) in oldOp!["responses"]!.AsObject().Where(r => r.Key.StartsWith('2')))
                {
                    var newResponse = newOp["responses"]?[code];
                    if (newResponse is null)
                    {
                        found.Add($"{where}: response {code} removed");
                        continue;
                    }
                    foreach (var (media, oldMedia) in oldResponse!["content"]?.AsObject() ?? [])
                    {
                        var newMedia = newResponse["content"]?[media];
                        if (newMedia is null) found.Add($"{where}: response {code} no longer {media}");
                        else if (Schema(released, oldMedia!["schema"]) is { } o && Schema(current, newMedia["schema"]) is { } n)
                            Compare($"{where} response {code}", released, o, current, n, request: false, found, 0);
                    }
                }
            }
        }
        return found;
    }

    private static void Parameters(string where, JsonNode oldOp, JsonNode newOp, List<string> found)
    {
        static string Key(JsonNode p) => $"{p["in"]}:{p["name"]}";
        var old = (oldOp["parameters"]?.AsArray() ?? []).Select(p => Key(p!)).ToHashSet();
        foreach (var p in newOp["parameters"]?.AsArray() ?? [])
            if (p!["required"]?.GetValue<bool>() == true && !old.Contains(Key(p)))
                found.Add($"{where}: new required parameter {p["name"]}");
    }

    private static JsonNode? Schema(JsonNode document, JsonNode? schema)
    {
        for (var i = 0; i < 20 && schema?["$ref"] is { } reference; i++)
            schema = document["components"]!["schemas"]![reference.GetValue<string>().Split('/')[^1]];
        if (schema?["allOf"] is JsonArray { Count: 1 } single) return Schema(document, single[0]);
        return schema;
    }

    private static string? Type(JsonNode schema) => schema["type"]?.ToJsonString();

    private static void Compare(string where, JsonNode oldDoc, JsonNode oldSchema, JsonNode newDoc, JsonNode newSchema, bool request,
        List<string> found, int depth)
    {
        if (depth > 12) return;
        if (Type(oldSchema) != Type(newSchema) && Type(oldSchema) is not null)
        {
            found.Add($"{where}: type {Type(oldSchema)} became {Type(newSchema) ?? "untyped"}");
            return;
        }
        if (request && oldSchema["enum"] is JsonArray oldEnum && newSchema["enum"] is JsonArray newEnum)
            foreach (var value in oldEnum.Select(v => v!.ToJsonString()).Except(newEnum.Select(v => v!.ToJsonString())))
                found.Add($"{where}: enum value {value} removed");
        if (oldSchema["items"] is { } oldItems && newSchema["items"] is { } newItems
            && Schema(oldDoc, oldItems) is { } oi && Schema(newDoc, newItems) is { } ni)
            Compare(where + "[]", oldDoc, oi, newDoc, ni, request, found, depth + 1);
        var oldProps = oldSchema["properties"]?.AsObject();
        var newProps = newSchema["properties"]?.AsObject();
        var oldRequired = (oldSchema["required"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).ToHashSet();
        var newRequired = (newSchema["required"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).ToHashSet();
        if (request)
        {
            foreach (var name in newRequired.Except(oldRequired)) found.Add($"{where}: member {name} is now required");
        }
        else
        {
            foreach (var name in oldRequired.Except(newRequired)) found.Add($"{where}: member {name} is no longer always present");
        }
        if (oldProps is null) return;
        foreach (var (name, oldProp) in oldProps)
        {
            var newProp = newProps?[name];
            if (newProp is null)
            {
                if (!request) found.Add($"{where}: member {name} removed");
                continue;
            }
            if (Schema(oldDoc, oldProp) is { } o && Schema(newDoc, newProp) is { } n)
                Compare($"{where}.{name}", oldDoc, o, newDoc, n, request, found, depth + 1);
        }
    }
}
