using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>An answer of the API that the checked-in contract does not allow (decision 0051).</summary>
public sealed class ContractMismatchException(string message) : Exception(message);

/// <summary>
/// Checks an answer of the API against the checked-in contract (contracts/cms-v1.openapi.json), as a strict third-party
/// client would (decision 0051, docs/contract.md): the operation is found by method and path template; its status must be
/// declared; its media type must be declared for that status (a status declared without content answers no body); a JSON
/// body must validate against the declared schema — types, formats (RFC 3339 date-times with an offset, int32/int64 ranges,
/// strict base64), enums, required members, no undeclared members where <c>additionalProperties: false</c>, and <c>null</c>
/// only where the schema is <c>nullable</c> (OpenAPI 3.0); a problem names its type and rule. No exceptions: a 500 always
/// fails, an undeclared 502/503/504 too (decision 0051, follow-up). Messages quote no body and no value: JSON paths and kinds.
/// </summary>
public sealed partial class ContractAnswers
{
    private static readonly Lazy<ContractAnswers> Checked = new(() =>
        new ContractAnswers(JsonNode.Parse(File.ReadAllText(Path.Combine(TestDatabase.RepositoryRoot(), "contracts", "cms-v1.openapi.json")))!));

    /// <summary>The checked-in contract.</summary>
    public static ContractAnswers Contract => Checked.Value;

    /// <summary>The public name of an RFC 9457 problem (docs/contract.md).</summary>
    public const string ProblemSchema = "Problem";

    private readonly JsonNode document;
    private readonly List<(Regex Pattern, int Literals, string Template, JsonObject Item)> paths = [];

    public ContractAnswers(JsonNode document)
    {
        this.document = document;
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            var pattern = "^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "/?$";
            var literals = template.Split('/').Count(s => s.Length > 0 && !s.StartsWith('{'));
            // Routing matches paths without regard to case (/API/V1/Cards is /api/v1/cards): so does the check.
            paths.Add((new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase), literals, template, item!.AsObject()));
        }
        // The most literal template first: /api/v1/cards/identify before /api/v1/cards/{cardNumber}.
        paths.Sort((a, b) => b.Literals.CompareTo(a.Literals));
    }

    /// <summary>
    /// What is wrong with an answer, or nothing. <paramref name="body"/> is the answer's body as text (null when it has
    /// none). Paths outside the contract (the Swagger UI, the document itself, the web UI) are not the contract's business.
    /// </summary>
    public IReadOnlyList<string> Mismatches(string method, string path, int status, MediaTypeHeaderValue? contentType, string? body)
    {
        var found = new List<string>();
        var match = paths.FirstOrDefault(p => p.Pattern.IsMatch(path));
        if (match.Item is null)
        {
            // An unknown path under the API is routing's 404/405, which the contract cannot declare; anything else is an
            // operation the contract does not know.
            if (path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) && status is not (404 or 405))
                found.Add($"{method} {path}: answered {status}, but the contract has no such path");
            return found;
        }
        var where = $"{method} {match.Template} → {status}";
        if (match.Item[method.ToLowerInvariant()] is not JsonObject operation)
        {
            if (status is not (404 or 405)) found.Add($"{where}: the contract has no {method} on this path");
            return found;
        }
        var responses = operation["responses"]!.AsObject();
        // 500 is the server failing, never an answer of the contract, declared or not (docs/contract.md).
        if (status == 500)
        {
            found.Add($"{where}: the server failed (500): no operation of the contract answers it");
            return found;
        }
        var response = responses[status.ToString(CultureInfo.InvariantCulture)] ?? responses[$"{status / 100}XX"] ?? responses["default"];
        if (response is null)
        {
            // No exceptions (decision 0051, follow-up): a 502/503/504 the operation does not declare fails too; a test that
            // provokes one on purpose declares it in the contract or runs inside ContractValidatingHandler.Suspend().
            var what = status == 415
                ? "the framework's 415 (unsupported media type, a body in a media type the operation does not take) is not declared"
                : $"status {status} is not declared";
            found.Add($"{where}: {what} (declared: {string.Join(", ", responses.Select(r => r.Key))})");
            return found;
        }
        var content = response["content"]?.AsObject();
        var media = contentType?.MediaType;
        if (content is null || content.Count == 0)
        {
            if (!string.IsNullOrEmpty(body)) found.Add($"{where}: a body ({media ?? "no media type"}) where the contract declares none");
            return found;
        }
        if (string.IsNullOrEmpty(body))
        {
            // Also under a declared media type that is not JSON: an empty CSV or PDF is no answer.
            found.Add($"{where}: no body ({media ?? "no media type"}), where the contract declares {string.Join(", ", content.Select(c => c.Key))}");
            return found;
        }
        // The contract's media types are UTF-8 text or binary: a charset, if any, is utf-8 (RFC 8259 for JSON).
        if (contentType?.CharSet is { Length: > 0 } charset && !string.Equals(charset.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase))
            found.Add($"{where}: charset {charset}, not utf-8");
        var declared = content.FirstOrDefault(c => string.Equals(c.Key, media, StringComparison.OrdinalIgnoreCase));
        if (declared.Value is null)
        {
            found.Add($"{where}: media type {media ?? "(none)"} is not declared (declared: {string.Join(", ", content.Select(c => c.Key))})");
            return found;
        }
        if (media is null || !(media.EndsWith("/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
            return found;
        if (declared.Value["schema"] is not { } schema) return found;
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(body ?? "");
        }
        catch (JsonException e)
        {
            // The parser's message quotes the body's characters: only where it stopped.
            found.Add($"{where}: the body is not JSON (line {e.LineNumber}, byte {e.BytePositionInLine})");
            return found;
        }
        Validate(schema, value, "$", found, where, 0);
        if (string.Equals(media, "application/problem+json", StringComparison.OrdinalIgnoreCase)) ValidateProblem(value, status, found, where);
        return found;
    }

    /// <summary>
    /// What the Problem schema cannot say (docs/problems.md): a problem has a <c>type</c>, and a problem of the catalogue
    /// (<c>urn:cms:problem:&lt;rule&gt;</c>) names the same rule in <c>rule</c>; its <c>status</c>, when present, is the answer's.
    /// </summary>
    private static void ValidateProblem(JsonNode? value, int answered, List<string> found, string where)
    {
        if (value is not JsonObject problem) return;
        if (problem["type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String)
        {
            found.Add($"{where}: $.type is missing: a problem names its type");
            return;
        }
        var text = type.GetValue<string>();
        const string prefix = "urn:cms:problem:";
        if (text.StartsWith(prefix, StringComparison.Ordinal))
        {
            if (problem["rule"] is not JsonValue rule || rule.GetValueKind() != JsonValueKind.String)
                found.Add($"{where}: $.rule is missing: a problem of the catalogue names its rule");
            else if (rule.GetValue<string>() != text[prefix.Length..])
                found.Add($"{where}: $.rule is not the rule of $.type");
        }
        if (problem["status"] is JsonValue status && status.TryGetValue<int>(out var code) && code != answered)
            found.Add($"{where}: $.status is not the answer's status");
    }

    /// <summary>The mismatches of a JSON value with a schema of this contract (for the validator's own tests).</summary>
    public IReadOnlyList<string> Validate(JsonNode schema, JsonNode? value)
    {
        var found = new List<string>();
        Validate(schema, value, "$", found, "value", 0);
        return found;
    }

    private JsonObject Resolve(JsonNode schema)
    {
        for (var i = 0; i < 32 && schema["$ref"] is { } reference; i++)
        {
            var id = reference.GetValue<string>();
            schema = document["components"]?["schemas"]?[id["#/components/schemas/".Length..]]
                ?? throw new ContractMismatchException($"the contract refers to {id}, which it does not define");
        }
        return schema.AsObject();
    }

    private static bool Nullable(JsonObject schema) => schema["nullable"]?.GetValue<bool>() == true;

    private void Validate(JsonNode schemaNode, JsonNode? value, string at, List<string> found, string where, int depth)
    {
        if (depth > 64) return;
        var schema = Resolve(schemaNode);
        if (value is null)
        {
            // null is allowed by the schema itself, or by a wrapper (allOf [$ref] + nullable) that says so.
            // A schema that constrains nothing ({}, as additionalProperties of a problem's extension members) takes null too.
            var untyped = new[] { "type", "enum", "allOf", "oneOf", "anyOf", "properties", "items" }.All(k => schema[k] is null);
            if (!untyped && !Nullable(schema) && !(schema["allOf"] is JsonArray { Count: 1 } only && Nullable(Resolve(only[0]!))))
                found.Add($"{where}: {at} is null, but the contract does not declare it nullable");
            return;
        }
        if (schema["allOf"] is JsonArray all)
            foreach (var part in all) Validate(part!, value, at, found, where, depth + 1);
        foreach (var keyword in new[] { "oneOf", "anyOf" })
        {
            if (schema[keyword] is not JsonArray options) continue;
            var matching = options.Count(o => { var f = new List<string>(); Validate(o!, value, at, f, where, depth + 1); return f.Count == 0; });
            if (keyword == "oneOf" ? matching != 1 : matching == 0) found.Add($"{where}: {at} matches {matching} of the {keyword} schemas");
        }
        // The value is not quoted (it may be a secret in a member the contract mistypes): the declared values say enough.
        if (schema["enum"] is JsonArray values && !values.Any(v => JsonNode.DeepEquals(v, value)))
            found.Add($"{where}: {at} is {Describe(value.GetValueKind())} that is not one of the declared values {values.ToJsonString()}");
        var type = schema["type"]?.GetValue<string>();
        var kind = value.GetValueKind();
        switch (type)
        {
            case null:
                break;
            case "object" when kind == JsonValueKind.Object:
                ValidateObject(schema, value.AsObject(), at, found, where, depth);
                break;
            case "array" when kind == JsonValueKind.Array:
                if (schema["items"] is { } items)
                {
                    var i = 0;
                    foreach (var item in value.AsArray()) Validate(items, item, $"{at}[{i++}]", found, where, depth + 1);
                }
                break;
            case "string" when kind == JsonValueKind.String:
                ValidateFormat(schema["format"]?.GetValue<string>(), value.GetValue<string>(), at, found, where);
                break;
            case "integer" when kind == JsonValueKind.Number
                && decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number == decimal.Truncate(number):
                // int32 and int64 are ranges a generated client's int and long cannot exceed.
                var (min, max) = schema["format"]?.GetValue<string>() switch
                {
                    "int32" => ((decimal)int.MinValue, (decimal)int.MaxValue),
                    "int64" => ((decimal)long.MinValue, (decimal)long.MaxValue),
                    _ => (decimal.MinValue, decimal.MaxValue),
                };
                if (number < min || number > max) found.Add($"{where}: {at} is a number outside {schema["format"]}");
                break;
            case "number" when kind == JsonValueKind.Number:
                break;
            case "boolean" when kind is JsonValueKind.True or JsonValueKind.False:
                break;
            default:
                found.Add($"{where}: {at} is {Describe(kind)}, the contract says {type}");
                break;
        }
    }

    private void ValidateObject(JsonObject schema, JsonObject value, string at, List<string> found, string where, int depth)
    {
        var properties = schema["properties"]?.AsObject();
        foreach (var required in schema["required"]?.AsArray() ?? [])
            if (!value.ContainsKey(required!.GetValue<string>())) found.Add($"{where}: {at}.{required} is required but missing");
        foreach (var (name, member) in value)
        {
            if (properties?[name] is { } property) Validate(property, member, $"{at}.{name}", found, where, depth + 1);
            else if (schema["additionalProperties"] is JsonValue extra && extra.GetValue<bool>() == false)
                found.Add($"{where}: {at}.{name} is not a member the contract declares");
            else if (schema["additionalProperties"] is JsonObject others) Validate(others, member, $"{at}.{name}", found, where, depth + 1);
        }
    }

    private static void ValidateFormat(string? format, string text, string at, List<string> found, string where)
    {
        var ok = format switch
        {
            "uuid" => Guid.TryParseExact(text, "D", out _),
            // RFC 3339: a date, T, a time and an offset (Z or ±hh:mm); a local time without offset is not a date-time.
            "date-time" => DateTimeRfc3339().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "byte" => IsBase64(text),
            _ => true,
        };
        // The value is not quoted (it may be a secret in a member the contract mistypes): its length says enough.
        if (!ok) found.Add($"{where}: {at} is a string of {text.Length} characters, not a {format}");
    }

    /// <summary>Strict base64 (RFC 4648 §4): no whitespace, which Convert skips, and padded to a multiple of four.</summary>
    private static bool IsBase64(string text)
    {
        if (text.Length % 4 != 0 || !Base64Text().IsMatch(text)) return false;
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimeRfc3339();

    [GeneratedRegex(@"^[A-Za-z0-9+/]*={0,2}$", RegexOptions.CultureInvariant)]
    private static partial Regex Base64Text();

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => kind.ToString(),
    };
}

/// <summary>
/// Checks every answer a test client receives against the checked-in contract and fails the call — so the test that
/// received it — on any mismatch, naming the operation, the status and the JSON path (decision 0051).
/// </summary>
public sealed class ContractValidatingHandler : DelegatingHandler
{
    public ContractValidatingHandler()
    {
    }

    public ContractValidatingHandler(HttpMessageHandler inner) : base(inner)
    {
    }

    /// <summary>Set to false (in a <c>using</c> of <see cref="Suspend"/>) around calls whose answers are not the contract's business.</summary>
    private static readonly AsyncLocal<bool> Suspended = new();

    /// <summary>Turns the check off for the current flow until disposed (only for deliberate garbage; see docs/contract.md).</summary>
    public static IDisposable Suspend()
    {
        var before = Suspended.Value;
        Suspended.Value = true;
        return new Resume(() => Suspended.Value = before);
    }

    private sealed class Resume(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (Suspended.Value || request.Method == HttpMethod.Head || request.RequestUri is null) return response;
        string? body = null;
        if (response.Content is { } content)
        {
            await content.LoadIntoBufferAsync(cancellationToken);
            var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
            body = bytes.Length == 0 ? null : System.Text.Encoding.UTF8.GetString(bytes);
        }
        var uri = request.RequestUri.IsAbsoluteUri ? request.RequestUri : new Uri(new Uri("http://localhost"), request.RequestUri);
        var mismatches = ContractAnswers.Contract.Mismatches(request.Method.Method, uri.AbsolutePath, (int)response.StatusCode,
            response.Content?.Headers.ContentType, body);
        if (mismatches.Count > 0)
            throw new ContractMismatchException("The answer does not match contracts/cms-v1.openapi.json (decision 0051):\n" +
                string.Join("\n", mismatches.Take(20)));
        // The body itself is not quoted: an answer may carry a token, code halves or a password change (the JSON paths say where).
        return response;
    }
}
