using System.Text.Json.Nodes;

namespace Cms.Unit.Tests;

/// <summary>
/// Finds the changes of an OpenAPI document that break a client built on an earlier one (docs/contract.md): an operation,
/// a success answer or an accepted request media type removed; a parameter, a request body or a request member newly
/// required; a request enum value removed, or a new value in an answer's enum (a generated C# enum cannot read it); an
/// answer's member removed, made optional or made nullable, a request member no longer nullable; a type, a format, a
/// composition (<c>oneOf</c>/<c>anyOf</c>/<c>allOf</c>) changed anywhere; a request schema closed to undeclared members; an
/// operation's security requirement that no longer accepts what it accepted (a change of its authorisation).
/// Schemas are compared by structure, through <c>$ref</c>, in the direction they are used (what a client sends may widen,
/// what it receives may narrow); parameters' schemas and every media type of a body too. A schema name of the release that
/// is gone must be in <paramref name="renames"/> (contracts/released/schema-renames.json, old → new) with a successor that
/// exists, and the successor is compared with the old schema as well (decision 0051 and its follow-up).
/// <paramref name="corrections"/> are members of the release (its schema name → member names) whose becoming nullable is a
/// listed correction, not a break (contracts/released/corrections-1.1.0.json for 1.0.0: the values were null already).
/// <c>exceptions</c> are the listed changes of a minor version to operations only the regions' Cms call
/// (contracts/released/exceptions-1.3.0.json: the inbound interoperability operations moved to the AgID ModI patterns).
/// </summary>
public static class ContractCompatibility
{
    public static IReadOnlyList<string> BreakingChanges(JsonNode released, JsonNode current, IReadOnlyDictionary<string, string>? renames = null,
        Corrections? corrections = null, Exceptions? exceptions = null)
    {
        var found = new List<string>();
        var context = new Context(released, current, corrections ?? Corrections.None, found, exceptions ?? Exceptions.None);
        var newSchemas = current["components"]?["schemas"]?.AsObject();
        var oldSchemas = released["components"]?["schemas"]?.AsObject();
        foreach (var (name, _) in oldSchemas ?? [])
        {
            if (newSchemas?.ContainsKey(name) == true) continue;
            if (Successor(renames, name, newSchemas) is not { } successor)
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
                if (oldOp is not JsonObject) continue;
                var where = $"{method.ToUpperInvariant()} {path}";
                var newOp = newPaths[path]?[method];
                if (newOp is null)
                {
                    found.Add($"{where}: operation removed");
                    continue;
                }
                Security(where, released, oldOp, current, newOp, context);
                Parameters(where, oldOp, newOp, context);
                RequestBody(where, oldOp["requestBody"], newOp["requestBody"], context);
                foreach (var (code, oldResponse) in oldOp["responses"]!.AsObject().Where(r => r.Key.StartsWith('2')))
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
                        else if (oldMedia?["schema"] is { } o)
                        {
                            if (newMedia["schema"] is { } n) Compare($"{where} response {code} {media}", o, n, request: false, context, 0, null, null);
                            else found.Add($"{where}: response {code} {media} no longer declares its schema");
                        }
                    }
                }
            }
        }
        // A rename entry hides nothing: the successor is compared with the old schema in each direction the old one was used.
        foreach (var oldName in renames?.Keys ?? [])
        {
            if (oldSchemas?.ContainsKey(oldName) != true || newSchemas?.ContainsKey(oldName) == true
                || Successor(renames, oldName, newSchemas) is not { } newName || newSchemas?.ContainsKey(newName) != true) continue;
            var (inRequests, inResponses) = Usage(released, oldName);
            var o = Reference(oldName);
            var n = Reference(newName);
            if (inRequests) Compare($"schema {oldName} → {newName} (sent)", o, n, request: true, context, 0, null, null);
            if (inResponses) Compare($"schema {oldName} → {newName} (answered)", o, n, request: false, context, 0, null, null);
        }
        return found.Distinct().ToList();
    }

    /// <summary>The name a schema of a release has now: the rename map followed (1.0.0 → 1.1.0 → 1.2.0 names), or null.</summary>
    private static string? Successor(IReadOnlyDictionary<string, string>? renames, string name, JsonObject? schemas)
    {
        string? successor = null;
        for (var i = 0; i < 16 && renames?.GetValueOrDefault(successor ?? name) is { } next; i++)
        {
            successor = next;
            if (schemas?.ContainsKey(next) == true) break;
        }
        return successor;
    }

    /// <summary>
    /// Whether a contract may break a release: only when it is another line of the API, its major version, its file
    /// (cms-vN) and its paths (/api/vN/) all moved on (docs/contract.md). A major version moved in a file that still
    /// serves /api/v1 switches nothing off.
    /// </summary>
    public static bool MayBreak(JsonNode released, JsonNode current, string currentFileName)
    {
        var oldMajor = Major(released);
        if (Major(current) <= oldMajor) return false;
        var fileMoved = !Path.GetFileName(currentFileName).StartsWith($"cms-v{oldMajor}.", StringComparison.Ordinal);
        var paths = current["paths"]?.AsObject().Select(p => p.Key).ToList() ?? [];
        var pathsMoved = paths.Count > 0 && paths.All(p => !p.StartsWith($"/api/v{oldMajor}/", StringComparison.Ordinal));
        return fileMoved && pathsMoved;
    }

    /// <summary>
    /// The listed corrections of a release (contracts/released/corrections-*.json): its answers' members that a later contract
    /// declares nullable (they were null already), and the values its answers' enums gained before the rule that an answer's
    /// enum does not grow (keyed by the release's schema name, or Owner.member for an enum inline).
    /// </summary>
    public sealed record Corrections(IReadOnlyDictionary<string, string[]> NowNullable, IReadOnlyDictionary<string, string[]> AnswerEnumValues)
    {
        public static readonly Corrections None = new(new Dictionary<string, string[]>(), new Dictionary<string, string[]>());

        public static Corrections Read(JsonNode file) => new(Map(file["nowNullable"]), Map(file["answerEnumValues"]));

        private static Dictionary<string, string[]> Map(JsonNode? node) =>
            node?.AsObject().ToDictionary(m => m.Key, m => m.Value!.AsArray().Select(v => v!.GetValue<string>()).ToArray()) ?? [];
    }

    public static int Major(JsonNode document) =>
        int.Parse(document["info"]!["version"]!.GetValue<string>().Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The listed exceptions of a minor version (contracts/released/exceptions-*.json), read when a contract is compared with a
    /// release older than <see cref="IntroducedIn"/>: operations (<c>POST /api/v1/…</c>) whose security requirement changed, and
    /// the required parameters (<c>header:Digest</c>) they gained. Only the calls between regions' Cms use them (issue 28: the
    /// inbound interoperability operations moved from the home-made HMAC to the AgID ModI patterns); nothing else is excused.
    /// </summary>
    public sealed record Exceptions(Version IntroducedIn, IReadOnlySet<string> SecurityChanged, IReadOnlyDictionary<string, string[]> NewRequiredParameters)
    {
        public static readonly Exceptions None = new(new Version(0, 0), new HashSet<string>(), new Dictionary<string, string[]>());

        public static Exceptions Read(JsonNode file)
        {
            var operations = file["operations"]!.AsObject();
            return new Exceptions(
                Version.Parse(file["introducedIn"]!.GetValue<string>()),
                operations.Where(o => o.Value?["securityChanged"]?.GetValue<bool>() == true).Select(o => o.Key).ToHashSet(),
                operations.Where(o => o.Value?["newRequiredParameters"] is JsonArray)
                    .ToDictionary(o => o.Key, o => o.Value!["newRequiredParameters"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray()));
        }

        /// <summary>Whether these exceptions apply to a comparison with the release of this version.</summary>
        public bool AppliesTo(string releasedVersion) => Version.Parse(releasedVersion) < IntroducedIn;
    }

    private sealed record Context(JsonNode Old, JsonNode New, Corrections Corrections, List<string> Found, Exceptions Exceptions);

    /// <summary>
    /// An operation's security requirement (its own, or the document's): each alternative a client could satisfy must still be
    /// one; a new alternative widens, a changed one is a change of the operation's authorisation (docs/contract.md).
    /// </summary>
    private static void Security(string where, JsonNode oldDocument, JsonNode oldOp, JsonNode newDocument, JsonNode newOp, Context context)
    {
        static HashSet<string> Alternatives(JsonNode document, JsonNode op) =>
            ((op["security"] ?? document["security"]) as JsonArray ?? [])
            .Select(r => string.Join(" + ", (r as JsonObject ?? []).Select(s => s.Key + (s.Value is JsonArray { Count: > 0 } scopes
                ? "[" + string.Join(",", scopes.Select(x => x!.GetValue<string>()).Order(StringComparer.Ordinal)) + "]" : "")).Order(StringComparer.Ordinal)))
            .ToHashSet();
        var old = Alternatives(oldDocument, oldOp);
        var now = Alternatives(newDocument, newOp);
        // No requirement (or an empty alternative) is public: anything stays satisfiable only if the new one is public too.
        var oldPublic = old.Count == 0 || old.Contains("");
        var newPublic = now.Count == 0 || now.Contains("");
        if (newPublic) return;
        List<string> lost = oldPublic ? ["(public)"] : old.Except(now).ToList();
        if (lost.Count == 0 || context.Exceptions.SecurityChanged.Contains(where)) return;
        context.Found.Add($"{where}: security requirement {string.Join(" | ", lost)} is no longer accepted (now {string.Join(" | ", now)})");
    }

    private static JsonObject Reference(string name) => new() { ["$ref"] = "#/components/schemas/" + name };

    private static void Parameters(string where, JsonNode oldOp, JsonNode newOp, Context context)
    {
        static string Key(JsonNode p) => $"{p["in"]}:{p["name"]}";
        static bool Required(JsonNode? p) => p?["required"]?.GetValue<bool>() == true;
        var old = (oldOp["parameters"]?.AsArray() ?? []).Where(p => p is not null).ToDictionary(p => Key(p!), p => p!);
        var current = (newOp["parameters"]?.AsArray() ?? []).Where(p => p is not null).ToDictionary(p => Key(p!), p => p!);
        foreach (var (key, p) in current)
        {
            if (!old.TryGetValue(key, out var before))
            {
                if (Required(p) && context.Exceptions.NewRequiredParameters.GetValueOrDefault(where)?.Contains(key) != true)
                    context.Found.Add($"{where}: new required parameter {p["name"]}");
                continue;
            }
            if (Required(p) && !Required(before)) context.Found.Add($"{where}: parameter {p["name"]} is now required");
            if (before["schema"] is { } o && p["schema"] is { } n)
                Compare($"{where} parameter {p["name"]}", o, n, request: true, context, 0, null, null);
            else if (before["schema"] is null && p["schema"] is not null)
                context.Found.Add($"{where}: parameter {p["name"]} is now constrained by a schema");
        }
    }

    private static void RequestBody(string where, JsonNode? oldBody, JsonNode? newBody, Context context)
    {
        static bool Required(JsonNode? b) => b?["required"]?.GetValue<bool>() == true;
        if (newBody is null) return; // a body no longer read: what clients send is ignored
        if (Required(newBody) && !Required(oldBody))
            context.Found.Add(oldBody is null ? $"{where}: a request body is now required" : $"{where}: the request body is now required");
        foreach (var (media, oldMedia) in oldBody?["content"]?.AsObject() ?? [])
        {
            var newMedia = newBody["content"]?[media];
            if (newMedia is null) context.Found.Add($"{where}: the request body is no longer accepted as {media}");
            else if (oldMedia?["schema"] is { } o && newMedia["schema"] is { } n)
                Compare($"{where} request {media}", o, n, request: true, context, 0, null, null);
            else if (oldMedia?["schema"] is null && newMedia["schema"] is not null)
                context.Found.Add($"{where}: the request body as {media} is now constrained by a schema");
        }
    }

    /// <summary>A schema, its nullability (its own <c>nullable</c>, or the <c>allOf: [$ref]</c> wrapper's) and its name.</summary>
    private sealed record Resolved(JsonObject Schema, bool Nullable, string? Name);

    private static Resolved? Resolve(JsonNode document, JsonNode? node)
    {
        var nullable = false;
        string? name = null;
        for (var i = 0; i < 32 && node is JsonObject schema; i++)
        {
            if (schema["nullable"]?.GetValue<bool>() == true) nullable = true;
            if (schema["$ref"] is { } reference)
            {
                name = reference.GetValue<string>().Split('/')[^1];
                node = document["components"]?["schemas"]?[name];
                continue;
            }
            // The nullable wrapper of decision 0051: allOf with one schema and nothing else that constrains.
            if (schema["allOf"] is JsonArray { Count: 1 } single && schema.All(k => k.Key is "allOf" or "nullable" or "description" or "default"))
            {
                node = single[0];
                continue;
            }
            return new Resolved(schema, nullable, name);
        }
        return null;
    }

    private static string? Text(JsonNode? node) => node?.ToJsonString();

    private static void Compare(string where, JsonNode oldNode, JsonNode newNode, bool request, Context context, int depth,
        string? owner, string? member)
    {
        var found = context.Found;
        // Never silent: a schema the check cannot follow, or nesting past what the contract has, is a finding of its own.
        if (depth > 12)
        {
            found.Add($"{where}: nested deeper than the check follows (12 levels); a recursive schema needs its own rule");
            return;
        }
        var old = Resolve(context.Old, oldNode);
        var now = Resolve(context.New, newNode);
        if (old is null || now is null)
        {
            found.Add($"{where}: the {(old is null ? "released" : "new")} contract's schema cannot be resolved (a dangling $ref or a reference loop)");
            return;
        }
        var oldSchema = old.Schema;
        var newSchema = now.Schema;
        if (!request && now.Nullable && !old.Nullable
            && !(owner is not null && member is not null && context.Corrections.NowNullable.GetValueOrDefault(owner)?.Contains(member) == true))
            found.Add($"{where}: may now be null");
        if (request && old.Nullable && !now.Nullable) found.Add($"{where}: no longer accepts null");
        if (Text(oldSchema["type"]) != Text(newSchema["type"]) && oldSchema["type"] is not null)
        {
            found.Add($"{where}: type {Text(oldSchema["type"])} became {Text(newSchema["type"]) ?? "untyped"}");
            return;
        }
        if (Text(oldSchema["format"]) != Text(newSchema["format"]))
            found.Add($"{where}: format {Text(oldSchema["format"]) ?? "(none)"} became {Text(newSchema["format"]) ?? "(none)"}");
        var oldEnum = oldSchema["enum"] is JsonArray oe ? oe.Select(v => Text(v)!).ToList() : null;
        var newEnum = newSchema["enum"] is JsonArray ne ? ne.Select(v => Text(v)!).ToList() : null;
        if (request)
        {
            if (newEnum is not null && oldEnum is null) found.Add($"{where}: now restricted to the values {string.Join(", ", newEnum)}");
            if (oldEnum is not null && newEnum is not null)
                foreach (var value in oldEnum.Except(newEnum)) found.Add($"{where}: enum value {value} removed");
        }
        else if (oldEnum is not null)
        {
            // A generated client's enum (NSwag's C# enums) cannot read a value it was not built with.
            // The enum is named by its schema in the release, or by the member that holds it inline (Owner.member).
            var key = old.Name ?? $"{owner}.{member}";
            var allowed = context.Corrections.AnswerEnumValues.GetValueOrDefault(key) ?? [];
            foreach (var value in (newEnum ?? []).Except(oldEnum).Where(v => !allowed.Contains(JsonNode.Parse(v)!.ToString())))
                found.Add($"{where}: enum value {value} added to an answer ({key})");
            if (newEnum is null) found.Add($"{where}: no longer restricted to the values {string.Join(", ", oldEnum)}");
        }
        foreach (var keyword in new[] { "oneOf", "anyOf", "allOf" })
        {
            var oldParts = oldSchema[keyword] as JsonArray;
            var newParts = newSchema[keyword] as JsonArray;
            if (oldParts is null && newParts is null) continue;
            if (oldParts is null || newParts is null || oldParts.Count != newParts.Count)
            {
                found.Add($"{where}: {keyword} of {oldParts?.Count ?? 0} schemas became {newParts?.Count ?? 0}");
                continue;
            }
            for (var i = 0; i < oldParts.Count; i++)
                Compare($"{where}.{keyword}[{i}]", oldParts[i]!, newParts[i]!, request, context, depth + 1, null, null);
        }
        if (oldSchema["items"] is { } oldItems && newSchema["items"] is { } newItems)
            Compare(where + "[]", oldItems, newItems, request, context, depth + 1, owner, member);
        AdditionalProperties(where, oldSchema, newSchema, request, context, depth);
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
                // A client still sends it: refused where the schema is closed.
                if (!request) found.Add($"{where}: member {name} removed");
                else if (Closed(newSchema)) found.Add($"{where}: member {name} removed, and undeclared members are refused");
                continue;
            }
            Compare($"{where}.{name}", oldProp!, newProp, request, context, depth + 1, old.Name, name);
        }
    }

    private static bool Closed(JsonObject schema) => schema["additionalProperties"] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.False;

    private static void AdditionalProperties(string where, JsonObject oldSchema, JsonObject newSchema, bool request, Context context, int depth)
    {
        var oldExtra = oldSchema["additionalProperties"];
        var newExtra = newSchema["additionalProperties"];
        if (request && Closed(newSchema) && !Closed(oldSchema))
            context.Found.Add($"{where}: undeclared members are now refused");
        // An answer's schema that opens (false → absent) is what decision 0051's follow-up does: clients tolerate members.
        if (oldExtra is JsonObject o && newExtra is JsonObject n)
            Compare(where + "{*}", o, n, request, context, depth + 1, null, null);
        else if (!request && oldExtra is JsonObject { Count: > 0 } && newExtra is not JsonObject)
            context.Found.Add($"{where}: the schema of additional members was dropped");
    }

    /// <summary>Whether a schema of the document is reached from what clients send, and from what they receive.</summary>
    public static (bool InRequests, bool InResponses) Usage(JsonNode document, string schemaName)
    {
        var sent = new HashSet<string>();
        var answered = new HashSet<string>();
        foreach (var (_, item) in document["paths"]?.AsObject() ?? [])
            foreach (var (_, operation) in item?.AsObject() ?? [])
            {
                if (operation is not JsonObject op) continue;
                foreach (var p in op["parameters"]?.AsArray() ?? []) Reach(document, p?["schema"], sent, 0);
                foreach (var (_, media) in op["requestBody"]?["content"]?.AsObject() ?? []) Reach(document, media?["schema"], sent, 0);
                foreach (var (_, response) in op["responses"]?.AsObject() ?? [])
                    foreach (var (_, media) in response?["content"]?.AsObject() ?? []) Reach(document, media?["schema"], answered, 0);
            }
        return (sent.Contains(schemaName), answered.Contains(schemaName));
    }

    private static void Reach(JsonNode document, JsonNode? node, HashSet<string> names, int depth)
    {
        if (node is not JsonObject schema || depth > 64) return;
        if (schema["$ref"] is { } reference)
        {
            var name = reference.GetValue<string>().Split('/')[^1];
            if (names.Add(name)) Reach(document, document["components"]?["schemas"]?[name], names, depth + 1);
            return;
        }
        foreach (var keyword in new[] { "allOf", "oneOf", "anyOf" })
            foreach (var part in schema[keyword] as JsonArray ?? []) Reach(document, part, names, depth + 1);
        Reach(document, schema["items"], names, depth + 1);
        Reach(document, schema["additionalProperties"], names, depth + 1);
        foreach (var (_, property) in schema["properties"]?.AsObject() ?? []) Reach(document, property, names, depth + 1);
    }
}
