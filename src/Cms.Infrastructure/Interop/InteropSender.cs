using System.Net.Http.Headers;
using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Validation;
using Cms.Application.Interop.Common;
using Cms.Application.Interop.Contracts;
using Cms.Infrastructure.Delivery;
using Cms.Infrastructure.Outbox;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Interop;

/// <summary>Section <c>Interop</c>: how long and how often a request is offered to a peer that does not answer.</summary>
public sealed class InteropOptions : IOutboxSettings
{
    public const string Section = "Interop";
    public int RetryForHours { get; set; } = 48;
    public int RetryBaseSeconds { get; set; } = 30;
    public int RetryMaxSeconds { get; set; } = 1800;
    public int LeaseSeconds { get; set; } = 60;
    public int TimeoutSeconds { get; set; } = 30;
    public string SweepCron { get; set; } = "* * * * *";
    /// <summary>
    /// Days after which the first halves of a completed request (kept here for the counter's print) and the answers this region
    /// gave to its peers' requests (kept so that a repeat gets the same answer) are erased. A week: the print is made when the
    /// issuing region answers, and a holder coming back after a weekend can still have it; a peer repeats a request for its
    /// RetryForHours (48 hours) at most. Afterwards a reprint gives new codes.
    /// </summary>
    public int PurgeAnswersAfterDays { get; set; } = 7;
}

/// <summary>
/// Delivers the confirmed interop requests (the outbox <c>interop.requests</c>) to the issuing region's inbound endpoint, signed
/// with the secret the two regions share, through the outbox engine (<see cref="OutboxSender{TSelf,T}"/>): claimed with a lease
/// (one instance sends; the claimed status is SENT); the request id travels in the body, so a repeat after a lost answer gets the
/// peer's first answer again. 2xx completes it (the first halves sealed here); a 4xx other than 408/429 is the peer's refusal (its
/// rule and words kept, not retried); 5xx, 408, 429, network failures and a peer not reachable are retried with back-off for
/// RetryForHours, counted from the confirm. The sealed CIP of a revocation is erased when the request ends, either way.
/// </summary>
public sealed class InteropSender(
    NpgsqlDataSource dataSource, IServiceScopeFactory scopes, IHttpClientFactory http, ICodeCipher cipher, IOptions<InteropOptions> options,
    IBackgroundJobClient jobs, ILogger<InteropSender> logger, Cms.Application.Common.Options.TransportSecurity transport)
    : OutboxSender<InteropSender, InteropSender.Request>(dataSource, Table, options.Value, jobs)
{
    private static readonly OutboxTable Table = new()
    {
        Name = "interop.requests",
        InFlight = "SENT",
        Done = "COMPLETED",
        DoneAt = "completed_at",
        FailedAt = "completed_at",
        RetrySince = "confirmed_at",
        Columns = "kind, target_region, payload->>'originRegion', payload::text, secret_key_id, secret_ciphertext",
        ErasedAtEnd = ["secret_key_id", "secret_ciphertext"],
        WhenGivenUp = [("peer_rule", "peer-unreachable"), ("peer_detail", "La Regione emittente non ha risposto entro il tempo previsto.")],
    };

    private static readonly Dictionary<string, string> Paths = new()
    {
        ["ACTIVATION"] = "/api/v1/interop/inbound/activations",
        ["REPRINT"] = "/api/v1/interop/inbound/reprints",
        ["REVOCATION"] = "/api/v1/interop/inbound/revocations",
    };

    /// <summary>A claimed request's own columns.</summary>
    public sealed record Request(string Kind, string TargetRegion, string OriginRegion, string Payload, string? SecretKeyId, byte[]? Secret);

    protected override Request Read(NpgsqlDataReader reader)
    {
        const int first = OutboxItem<Request>.FirstColumn;
        return new Request(reader.GetString(first), reader.GetString(first + 1), reader.GetString(first + 2), reader.GetString(first + 3),
            reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4), reader.IsDBNull(first + 5) ? null : reader.GetFieldValue<byte[]>(first + 5));
    }

    protected override async Task<OutboxResult> DeliverAsync(OutboxItem<Request> item, CancellationToken cancellationToken)
    {
        var (id, claimed) = (item.Id, item.Value);
        PeerCredentials? peer;
        using (var scope = scopes.CreateScope())
            peer = await scope.ServiceProvider.GetRequiredService<IPeerDirectory>().FindAsync(claimed.TargetRegion, cancellationToken);
        if (peer is null || !peer.Enabled)
            return Refused(null, "peer-not-registered", $"La Regione {claimed.TargetRegion} non è più collegata a questo CMS.");
        if (!transport.Allows(peer.BaseUrl))
        {
            // Registered with http:// before TLS was required (decision 0032): nothing leaves in clear.
            return Refused(null, "peer-url-not-https",
                $"La Regione {claimed.TargetRegion} è registrata con un indirizzo non https: un amministratore della sicurezza deve aggiornarlo.");
        }
        var path = Paths[claimed.Kind];
        var body = Body(id, claimed);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, peer.BaseUrl + path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(PeerSignature.RegionHeader, claimed.OriginRegion);
        request.Headers.Add(PeerSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(PeerSignature.SignatureHeader, PeerSignature.Compute(peer.Secret, "POST", path, timestamp, claimed.OriginRegion, body));
        using var response = await http.CreateClient("interop").SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = SendFailures.Describe(response);
            if (!SendFailures.IsRefusal(response.StatusCode)) return OutboxResult.Failed(error);
            var (rule, detail) = Refusal(text, (int)response.StatusCode);
            return Refused(error, rule, detail);
        }
        var answer = JsonSerializer.Deserialize<InteropInboundAnswer>(text, ApiNames.Json);
        if (answer is null || answer.RequestId != id) return OutboxResult.Failed("answer for another request");
        var (keyId, ciphertext) = answer.FirstHalves is { } firstHalves
            ? cipher.SealBytes(JsonSerializer.SerializeToUtf8Bytes(firstHalves, ApiNames.Json), InteropRequests.FirstHalvesContext(id))
            : (null, null);
        return OutboxResult.Completed(("peer_request_id", answer.LocalRequestId), ("card_expiry_date", answer.CardExpiryDate),
            ("first_halves_key_id", keyId), ("first_halves_ciphertext", ciphertext));
    }

    /// <summary>The peer's refusal (or this side's, before sending): FAILED at once with its rule and words, for the counter.</summary>
    private static OutboxResult Refused(string? error, string rule, string detail) =>
        OutboxResult.Failed(error ?? rule, permanent: true, ("peer_rule", rule.Length > 80 ? rule[..80] : rule), ("peer_detail", Cut(detail)));

    protected override void Delivered(OutboxItem<Request> item) =>
        logger.LogInformation("Interop request {RequestId} ({Kind} to {Region}) completed after {Attempts} attempt(s)", item.Id, item.Value.Kind,
            item.Value.TargetRegion, item.Attempts);

    protected override void NotDelivered(OutboxItem<Request> item, OutboxResult result, bool givenUp, string next)
    {
        if (result.Permanent)
            logger.LogWarning("Interop request {RequestId} ({Kind} to {Region}) refused: {Rule}", item.Id, item.Value.Kind, item.Value.TargetRegion,
                result.Also.FirstOrDefault(a => a.Column == "peer_rule").Value);
        else
            logger.LogWarning("Interop request {RequestId} ({Kind} to {Region}) not delivered (attempt {Attempts}, {Error}); {Next}", item.Id,
                item.Value.Kind, item.Value.TargetRegion, item.Attempts, result.Error, next);
    }

    /// <summary>The peer's problem answer: its rule and its words (in Italian), for the counter.</summary>
    private static (string Rule, string Detail) Refusal(string text, int status)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            var rule = root.TryGetProperty("rule", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : $"http-{status}";
            var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()!
                : root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
                detail = string.Join(" ", errors.EnumerateObject().SelectMany(e => e.Value.ValueKind == JsonValueKind.Array
                    ? e.Value.EnumerateArray().Select(m => m.GetString()) : [e.Value.ToString()]));
            return (rule, detail);
        }
        catch (JsonException)
        {
            return ($"http-{status}", status == 401 ? "La Regione emittente non ha riconosciuto la firma di questo CMS." : "");
        }
    }

    /// <summary>The stored payload, with the sealed CIP of a revocation opened into it for this delivery only.</summary>
    private byte[] Body(Guid id, Request claimed)
    {
        if (claimed.SecretKeyId is null || claimed.Secret is null) return System.Text.Encoding.UTF8.GetBytes(claimed.Payload);
        var node = System.Text.Json.Nodes.JsonNode.Parse(claimed.Payload)!.AsObject();
        node[InteropInboundBody.CipField] = System.Text.Encoding.UTF8.GetString(cipher.OpenBytes(claimed.SecretKeyId, claimed.Secret, InteropRequests.SecretContext(id)));
        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static string Cut(string text) => text.Length > 500 ? text[..500] : text;
}
