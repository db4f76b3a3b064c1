using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cms.Application.Interop.Common;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>A parameter of an operation of the checked-in contract.</summary>
public sealed record ContractParameter(string Name, string In, string? Type, string? Format);

/// <summary>An operation of the checked-in contract, with its parameters and the example of its request body.</summary>
public sealed record ContractOperation(string Id, HttpMethod Method, string Path, IReadOnlyList<ContractParameter> Parameters,
    string? BodyMediaType, JsonNode? BodyExample);

/// <summary>
/// Somebody calling the API: a client (with a token, a certificate header, or nothing) and, for a linked region, a signer
/// that adds the peer headers to each request once its body is known. <see cref="Is"/> lists the rules it meets.
/// </summary>
public sealed record ContractCaller(string Name, string[] Is, HttpClient Client, Func<HttpRequestMessage, byte[], Task>? Sign = null)
{
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[]? body, string? mediaType)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (mediaType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", mediaType);
        }
        if (Sign is not null) await Sign(request, body ?? []);
        return await Client.SendAsync(request);
    }

    /// <summary>Deprecated HMAC scheme (decision 0016), accepted only with Interop:LegacyHmac: signs with the secret both hold.</summary>
    public static Func<HttpRequestMessage, byte[], Task> LegacyPeerSigner(string region, string secret) => (request, body) =>
    {
        var stamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        request.Headers.Add(PeerSignature.RegionHeader, region);
        request.Headers.Add(PeerSignature.TimestampHeader, stamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(PeerSignature.SignatureHeader, PeerSignature.Compute(Encoding.UTF8.GetBytes(secret), request.Method.Method,
            request.RequestUri!.OriginalString.Split('?')[0], stamp, region, body));
        return Task.CompletedTask;
    };

    /// <summary>Signs as the linked region <paramref name="region"/> under the ModI profile, calling the in-process API (decision 0059).</summary>
    public static Func<HttpRequestMessage, byte[], Task> PeerSigner(string region) => (request, body) =>
    {
        RegionPki.For(region).Sign(request, body, CmsFactory.PublicUrl);
        return Task.CompletedTask;
    };
}

public static class ContractDocument
{
    private static readonly Lazy<IReadOnlyList<ContractOperation>> Loaded = new(Load);

    public static IReadOnlyList<ContractOperation> Operations() => Loaded.Value;

    private static IReadOnlyList<ContractOperation> Load()
    {
        using var contract = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestDatabase.RepositoryRoot(), "contracts", "cms-v1.openapi.json")));
        var operations = new List<ContractOperation>();
        foreach (var path in contract.RootElement.GetProperty("paths").EnumerateObject())
            foreach (var method in path.Value.EnumerateObject().Where(m => m.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var parameters = method.Value.TryGetProperty("parameters", out var list)
                    ? list.EnumerateArray().Select(p => new ContractParameter(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!,
                        p.TryGetProperty("schema", out var s) && s.TryGetProperty("type", out var t) ? t.GetString() : null,
                        p.TryGetProperty("schema", out var f) && f.TryGetProperty("format", out var ff) ? ff.GetString() : null)).ToList()
                    : [];
                string? media = null;
                JsonNode? example = null;
                if (method.Value.TryGetProperty("requestBody", out var body))
                {
                    var content = body.GetProperty("content").EnumerateObject().First();
                    media = content.Name;
                    if (content.Value.TryGetProperty("example", out var e)) example = JsonNode.Parse(e.GetRawText());
                }
                operations.Add(new ContractOperation(method.Value.GetProperty("operationId").GetString()!, new HttpMethod(method.Name.ToUpperInvariant()),
                    path.Name, parameters, media, example));
            }
        return operations;
    }

    /// <summary>Route values that are well-formed, so that what answers is the rule under test, not routing.</summary>
    public static string Concrete(string template, IReadOnlyDictionary<string, string>? overrides = null) =>
        System.Text.RegularExpressions.Regex.Replace(template, "{([^}]+)}", m => overrides?.GetValueOrDefault(m.Groups[1].Value) ?? m.Groups[1].Value switch
        {
            "code" => "090-201-AS001",
            "regionCode" => "200",
            "name" => "modulo",
            "codiceFiscale" => "RSSMRA80A01H501U",
            "cardNumber" => "80380000900000000001",
            _ => Guid.NewGuid().ToString(),
        });
}
