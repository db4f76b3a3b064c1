using System.Net.Http.Headers;
using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Validation;
using Cms.Application.Interop.Common;
using Cms.Application.Interop.Contracts;
using Cms.Infrastructure.Delivery;
using Cms.Infrastructure.Interop.Modi;
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

    /// <summary>
    /// The address the peers call this region at, without a trailing slash (e.g. https://cms.regione.example): the audience
    /// (<c>aud</c>) its inbound ModI tokens must name is this and the path called (decision 0059). Behind a balancer the
    /// request's own host is not to be trusted for it, so without this setting inbound calls are refused.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// Deprecated: the home-made HMAC scheme of decision 0016, for a peer registered with a shared secret and no certificate,
    /// both ways, while the two regions move to ModI. Off by default.
    /// </summary>
    public bool LegacyHmac { get; set; }
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
    IBackgroundJobClient jobs, ILogger<InteropSender> logger, Cms.Application.Common.Options.TransportSecurity transport, ModiTokens tokens,
    IVoucherSource vouchers)
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
        Columns = "kind, target_region, payload->>'originRegion', payload::text, secret_key_id, secret_ciphertext, counter_code, confirmed_by, confirmed_loa",
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
    public sealed record Request(string Kind, string TargetRegion, string OriginRegion, string Payload, string? SecretKeyId, byte[]? Secret,
        string CounterCode, string? ConfirmedBy, string? ConfirmedLoA);

    protected override Request Read(NpgsqlDataReader reader)
    {
        const int first = OutboxItem<Request>.FirstColumn;
        return new Request(reader.GetString(first), reader.GetString(first + 1), reader.GetString(first + 2), reader.GetString(first + 3),
            reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4), reader.IsDBNull(first + 5) ? null : reader.GetFieldValue<byte[]>(first + 5),
            reader.GetString(first + 6), reader.IsDBNull(first + 7) ? null : reader.GetString(first + 7).Trim(),
            reader.IsDBNull(first + 8) ? null : reader.GetString(first + 8));
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
        using var request = new HttpRequestMessage(HttpMethod.Post, peer.BaseUrl + path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        string? sentJti = null;
        if (!peer.HasCertificates && peer.Secret is not null && options.Value.LegacyHmac)
        {
            // Deprecated (decision 0059): a peer still registered with a shared secret only, while Interop:LegacyHmac is on.
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            request.Headers.Add(PeerSignature.RegionHeader, claimed.OriginRegion);
            request.Headers.Add(PeerSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add(PeerSignature.SignatureHeader, PeerSignature.Compute(peer.Secret, "POST", path, timestamp, claimed.OriginRegion, body));
        }
        else
        {
            if (peer.Trusted is null)
                return Refused(null, "peer-certificate-missing",
                    $"Per la Regione {claimed.TargetRegion} non è registrato un certificato (profilo ModI): un amministratore della sicurezza deve registrarlo.");
            if (!tokens.CanSign)
                return Refused(null, "interop-signing-not-configured",
                    "Questo CMS non ha un certificato di firma per l'interoperabilità (Interop:Signing): rivolgersi all'amministratore.");
            var tracking = new TrackingClaims(claimed.ConfirmedBy ?? "sconosciuto", claimed.CounterCode, claimed.ConfirmedLoA ?? LevelOfAssurance.Low);
            var signed = tokens.SignRequest(claimed.OriginRegion, peer.BaseUrl + path, body, request.Content.Headers.ContentType.ToString(), tracking,
                withIdAuth: !vouchers.Enabled);
            string authorization;
            try
            {
                authorization = signed.IdAuth ?? await vouchers.VoucherAsync(peer, signed.TrackingEvidence, cancellationToken);
            }
            catch (PdndVoucherException e)
            {
                // The authorization server's refusal (its OAuth error only): tried again, as a peer that does not answer.
                return OutboxResult.Failed($"PDND voucher refused: {e.Error} ({e.StatusCode})");
            }
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", authorization);
            request.Headers.TryAddWithoutValidation(ModiProfile.DigestHeader, signed.Digest);
            request.Headers.TryAddWithoutValidation(ModiProfile.SignatureHeader, signed.Signature);
            request.Headers.TryAddWithoutValidation(ModiProfile.TrackingEvidenceHeader, signed.TrackingEvidence);
            sentJti = signed.SignatureJti;
        }
        using var response = await http.CreateClient("interop").SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var text = System.Text.Encoding.UTF8.GetString(bytes);
        if (!response.IsSuccessStatusCode && !SendFailures.IsRefusal(response.StatusCode))
            return OutboxResult.Failed(SendFailures.Describe(response));
        // An answer acted on (done, or refused for good) must be the peer's, for this request: else it is tried again.
        if (sentJti is not null && await UnsignedAnswerAsync(response, bytes, peer, claimed.OriginRegion, sentJti) is { } unsigned)
            return OutboxResult.Failed(unsigned);
        if (!response.IsSuccessStatusCode)
        {
            var (rule, detail) = Refusal(text, (int)response.StatusCode);
            return Refused(SendFailures.Describe(response), rule, detail);
        }
        var answer = JsonSerializer.Deserialize<InteropInboundAnswer>(text, ApiNames.Json);
        if (answer is null || answer.RequestId != id) return OutboxResult.Failed("answer for another request");
        var (keyId, ciphertext) = answer.FirstHalves is { } firstHalves
            ? cipher.SealBytes(JsonSerializer.SerializeToUtf8Bytes(firstHalves, ApiNames.Json), InteropRequests.FirstHalvesContext(id))
            : (null, null);
        return OutboxResult.Completed(("peer_request_id", answer.LocalRequestId), ("card_expiry_date", answer.CardExpiryDate),
            ("first_halves_key_id", keyId), ("first_halves_ciphertext", ciphertext));
    }

    /// <summary>
    /// Why the peer's answer is not to be trusted (INTEGRITY_REST_01 on the answer: its Agid-JWT-Signature with the peer's
    /// certificate, addressed to this region, its Digest the body's, bound to the request's jti), or null when it is.
    /// </summary>
    private async Task<string?> UnsignedAnswerAsync(HttpResponseMessage response, byte[] body, PeerCredentials peer, string region, string sentJti)
    {
        static string? Header(HttpResponseMessage r, string name) =>
            r.Headers.TryGetValues(name, out var v) ? v.FirstOrDefault() : r.Content.Headers.TryGetValues(name, out var c) ? c.FirstOrDefault() : null;
        var (token, refused) = await tokens.CheckAsync(Header(response, ModiProfile.SignatureHeader), peer, region, subject: true,
            "risposta " + ModiProfile.SignatureHeader);
        if (refused is not null) return $"answer refused: {refused.Rule}";
        var digest = Header(response, ModiProfile.DigestHeader);
        if (digest != ModiProfile.DigestOf(body)) return "answer refused: modi-digest-mismatch";
        if (!ModiTokens.SignsHeaders(token!, digest, response.Content.Headers.ContentType?.ToString())) return "answer refused: modi-signed-headers-mismatch";
        if (token!.Text("request_jti") is not { } boundTo)
        {
            // The peer refused the call before authenticating it (its answer is bound to no request): tried again, its rule kept
            // for the operators (a certificate not registered there yet, clocks apart).
            var (rule, _) = Refusal(System.Text.Encoding.UTF8.GetString(body), (int)response.StatusCode);
            return $"peer refused the call ({(int)response.StatusCode} {rule})";
        }
        if (boundTo != sentJti) return "answer refused: not for this request (request_jti)";
        if (!token.Payload.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Number || !status.TryGetInt32(out var signedStatus)
            || signedStatus != (int)response.StatusCode)
            return "answer refused: its status is not the one signed";
        return null;
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
