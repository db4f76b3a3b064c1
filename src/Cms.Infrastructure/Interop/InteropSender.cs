using System.Net.Http.Headers;
using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Validation;
using Cms.Application.Interop.Common;
using Cms.Application.Interop.Contracts;
using Cms.Infrastructure.Delivery;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Interop;

/// <summary>Section <c>Interop</c>: how long and how often a request is offered to a peer that does not answer.</summary>
public sealed class InteropOptions
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
/// Delivers one confirmed interop request to the issuing region's inbound endpoint, signed with the secret the two regions
/// share. Claimed with a lease by a conditional UPDATE (one instance sends); the request id travels in the body, so a
/// repeat after a lost answer gets the peer's first answer again. 2xx completes it (the first halves sealed here);
/// a 4xx other than 408/429 is the peer's refusal (its rule and words kept, not retried); 5xx, 408, 429, network failures
/// and a peer not reachable are retried with back-off for RetryForHours.
/// </summary>
public sealed class InteropSender(
    NpgsqlDataSource dataSource, IServiceScopeFactory scopes, IHttpClientFactory http, ICodeCipher cipher, IOptions<InteropOptions> options,
    IBackgroundJobClient jobs, ILogger<InteropSender> logger, Cms.Application.Common.Options.TransportSecurity transport)
{
    private static readonly Dictionary<string, string> Paths = new()
    {
        ["ACTIVATION"] = "/api/v1/interop/inbound/activations",
        ["REPRINT"] = "/api/v1/interop/inbound/reprints",
        ["REVOCATION"] = "/api/v1/interop/inbound/revocations",
    };

    [AutomaticRetry(Attempts = 0)]
    public async Task SendAsync(Guid id, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var claimed = await ClaimAsync(id, o.LeaseSeconds, cancellationToken);
        if (claimed is null)
        {
            if (await NotDueForAsync(id, cancellationToken) is { } wait)
                jobs.Schedule<InteropSender>(s => s.SendAsync(id, CancellationToken.None), wait + TimeSpan.FromMilliseconds(200));
            return;
        }
        string? error = null;
        string? refusalRule = null, refusalDetail = null;
        InteropInboundAnswer? answer = null;
        try
        {
            PeerCredentials? peer;
            using (var scope = scopes.CreateScope())
                peer = await scope.ServiceProvider.GetRequiredService<IPeerDirectory>().FindAsync(claimed.TargetRegion, cancellationToken);
            if (peer is null || !peer.Enabled)
            {
                (refusalRule, refusalDetail) = ("peer-not-registered", $"La Regione {claimed.TargetRegion} non è più collegata a questo CMS.");
            }
            else if (!transport.Allows(peer.BaseUrl))
            {
                // Registered with http:// before TLS was required (decision 0032): nothing leaves in clear.
                (refusalRule, refusalDetail) = ("peer-url-not-https",
                    $"La Regione {claimed.TargetRegion} è registrata con un indirizzo non https: un amministratore della sicurezza deve aggiornarlo.");
            }
            else
            {
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
                if (response.IsSuccessStatusCode)
                {
                    answer = JsonSerializer.Deserialize<InteropInboundAnswer>(text, ApiNames.Json);
                    if (answer is null || answer.RequestId != id) error = "answer for another request";
                }
                else
                {
                    error = SendFailures.Describe(response);
                    if (SendFailures.IsRefusal(response.StatusCode)) (refusalRule, refusalDetail) = Refusal(text, (int)response.StatusCode);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = SendFailures.Describe(ex);
        }

        if (answer is not null && error is null)
        {
            var (keyId, ciphertext) = answer.FirstHalves is { } first
                ? cipher.SealBytes(JsonSerializer.SerializeToUtf8Bytes(first, ApiNames.Json), InteropRequests.FirstHalvesContext(id))
                : (null, null);
            await ExecuteAsync("""
                UPDATE interop.requests SET status = 'COMPLETED', completed_at = now(), lease_until = NULL, last_error = NULL,
                    peer_request_id = @peer, card_expiry_date = @expiry, first_halves_key_id = @key, first_halves_ciphertext = @halves,
                    secret_key_id = NULL, secret_ciphertext = NULL
                WHERE id = @id AND status = 'SENT'
                """, id, ("peer", answer.LocalRequestId), ("expiry", answer.CardExpiryDate), ("key", (object?)keyId ?? DBNull.Value),
                ("halves", (object?)ciphertext ?? DBNull.Value));
            logger.LogInformation("Interop request {RequestId} ({Kind} to {Region}) completed after {Attempts} attempt(s)", id, claimed.Kind,
                claimed.TargetRegion, claimed.Attempts);
            return;
        }
        if (refusalRule is not null)
        {
            await ExecuteAsync("""
                UPDATE interop.requests SET status = 'FAILED', completed_at = now(), lease_until = NULL, last_error = @error,
                    peer_rule = @rule, peer_detail = @detail, secret_key_id = NULL, secret_ciphertext = NULL
                WHERE id = @id AND status = 'SENT'
                """, id, ("error", Cut(error ?? refusalRule)), ("rule", refusalRule), ("detail", Cut(refusalDetail ?? "")));
            logger.LogWarning("Interop request {RequestId} ({Kind} to {Region}) refused: {Rule}", id, claimed.Kind, claimed.TargetRegion, refusalRule);
            return;
        }
        var o2 = options.Value;
        var delay = TimeSpan.FromSeconds(Math.Min(o2.RetryBaseSeconds * Math.Pow(2, Math.Max(claimed.Attempts - 1, 0)), o2.RetryMaxSeconds));
        var giveUp = DateTimeOffset.UtcNow - claimed.ConfirmedAt > TimeSpan.FromHours(o2.RetryForHours);
        await ExecuteAsync(giveUp
            ? """
              UPDATE interop.requests SET status = 'FAILED', completed_at = now(), lease_until = NULL, last_error = @error,
                  peer_rule = 'peer-unreachable', peer_detail = 'La Regione emittente non ha risposto entro il tempo previsto.',
                  secret_key_id = NULL, secret_ciphertext = NULL
              WHERE id = @id AND status = 'SENT'
              """
            : """
              UPDATE interop.requests SET status = 'QUEUED', next_attempt_at = now() + @delay, lease_until = NULL, last_error = @error
              WHERE id = @id AND status = 'SENT'
              """, id, ("error", Cut(error ?? "?")), ("delay", delay));
        logger.LogWarning("Interop request {RequestId} ({Kind} to {Region}) not delivered (attempt {Attempts}, {Error}); {Next}", id, claimed.Kind,
            claimed.TargetRegion, claimed.Attempts, error, giveUp ? "given up" : $"retry in {delay.TotalSeconds:0} s");
        if (!giveUp) jobs.Schedule<InteropSender>(s => s.SendAsync(id, CancellationToken.None), delay);
    }

    [AutomaticRetry(Attempts = 0)]
    public async Task SendManyAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        foreach (var id in ids) await SendAsync(id, cancellationToken);
    }

    /// <summary>The safety net: every request due and never scheduled, or whose sender died holding it.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var due = new List<Guid>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var command = new NpgsqlCommand("""
            SELECT id FROM interop.requests
            WHERE (status = 'QUEUED' AND next_attempt_at <= now()) OR (status = 'SENT' AND lease_until < now())
            ORDER BY next_attempt_at LIMIT 500
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) due.Add(reader.GetGuid(0));
        foreach (var id in due) await SendAsync(id, cancellationToken);
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
    private byte[] Body(Guid id, Claimed claimed)
    {
        if (claimed.SecretKeyId is null || claimed.Secret is null) return System.Text.Encoding.UTF8.GetBytes(claimed.Payload);
        var node = System.Text.Json.Nodes.JsonNode.Parse(claimed.Payload)!.AsObject();
        node[InteropInboundBody.CipField] = System.Text.Encoding.UTF8.GetString(cipher.OpenBytes(claimed.SecretKeyId, claimed.Secret, InteropRequests.SecretContext(id)));
        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static string Cut(string text) => text.Length > 500 ? text[..500] : text;

    private sealed record Claimed(string Kind, string TargetRegion, string OriginRegion, string Payload, DateTimeOffset ConfirmedAt, int Attempts,
        string? SecretKeyId, byte[]? Secret);

    private async Task<Claimed?> ClaimAsync(Guid id, int leaseSeconds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            UPDATE interop.requests SET status = 'SENT', lease_until = now() + make_interval(secs => @lease), attempts = attempts + 1
            WHERE id = @id AND ((status = 'QUEUED' AND next_attempt_at <= now()) OR (status = 'SENT' AND lease_until < now()))
            RETURNING kind, target_region, payload->>'originRegion', payload::text, confirmed_at, attempts, secret_key_id, secret_ciphertext
            """, connection);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("lease", (double)leaseSeconds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new Claimed(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6),
            reader.IsDBNull(7) ? null : reader.GetFieldValue<byte[]>(7));
    }

    private async Task<TimeSpan?> NotDueForAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT next_attempt_at - now() FROM interop.requests WHERE id = @id AND status = 'QUEUED' AND next_attempt_at > now()", connection);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is TimeSpan wait ? wait : null;
    }

    private async Task ExecuteAsync(string sql, Guid id, params (string Name, object Value)[] parameters)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }
}

/// <summary>Wakes the interop sender after the commit.</summary>
public sealed class HangfireInteropScheduler(IBackgroundJobClient jobs, ILogger<HangfireInteropScheduler> logger)
    : Delivery.HangfireWakeups(logger, "interop request(s)"), IInteropScheduler
{
    public void Schedule(Guid requestId) => Wake(requestId);

    protected override void Hand(Guid[] ids)
    {
        if (ids.Length == 1) jobs.Enqueue<InteropSender>(s => s.SendAsync(ids[0], CancellationToken.None));
        else jobs.Enqueue<InteropSender>(s => s.SendManyAsync(ids, CancellationToken.None));
    }
}
