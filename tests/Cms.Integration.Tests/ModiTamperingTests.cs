using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cms.Application.Interop.Contracts;
using Cms.Infrastructure.Interop.Modi;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Cms.Integration.Tests;

/// <summary>
/// Issue 28: every part of an inbound ModI call is checked (decision 0059, docs/interop.md). Region 200 is registered here
/// (pinned certificate, or its CA with the subject); each test tampers with one part of an otherwise valid call and expects its
/// own problem type, and the valid call to pass authentication (a 400 for its empty body, signed by this region for 200).
/// </summary>
public class ModiTamperingTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Path = "/api/v1/interop/inbound/activations";
    private static readonly RegionPki Sardegna = RegionPki.For("200");

    private async Task RegisterAsync(object registration) =>
        await OkAsync(await (await AdminAsync()).PutAsJsonAsync("/api/v1/admin/peers/200", registration));

    private static HttpRequestMessage Request(byte[] body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return request;
    }

    private static byte[] Body() => Encoding.UTF8.GetBytes($"{{\"nonce\":\"{Guid.NewGuid():N}\"}}");

    private static async Task<HttpRequestMessage> CopyAsync(HttpRequestMessage sent)
    {
        var copy = Request(await sent.Content!.ReadAsByteArrayAsync(), sent.Content.Headers.ContentType!.ToString());
        foreach (var header in sent.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        return copy;
    }

    private async Task RefusedAsync(HttpRequestMessage request, string rule)
    {
        var response = await Factory.CreateClient().SendAsync(request);
        await ProblemAsync(response, HttpStatusCode.Unauthorized, rule);
        // The refusal is signed too, but bound to no request: nobody can have this region sign the refusal of someone else's
        // request by sending a forged token with its jti (the sender retries an answer not bound to its request).
        Assert.True(response.Headers.Contains(ModiProfile.SignatureHeader), $"refusal {rule} not signed");
        var payload = response.Headers.GetValues(ModiProfile.SignatureHeader).Single().Split('.')[1];
        Assert.DoesNotContain("request_jti", Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(payload));
    }

    /// <summary>Passed authentication: refused only by the validation of its (empty) body.</summary>
    private async Task<HttpResponseMessage> AcceptedAsync(HttpRequestMessage request)
    {
        var response = await Factory.CreateClient().SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    [Fact]
    public async Task A_valid_call_passes_and_its_answer_is_signed_for_the_caller_and_bound_to_the_request()
    {
        await RegisterAsync(Sardegna.Registration("Sardegna", "http://127.0.0.1:9"));
        var body = Body();
        var request = Request(body);
        var signed = Sardegna.Sign(request, body, CmsFactory.PublicUrl);
        var response = await AcceptedAsync(request);

        // INTEGRITY_REST_01 on the answer, as the sender checks it: 090's certificate, addressed to 200, its Digest the body's.
        var answer = await response.Content.ReadAsByteArrayAsync();
        var toscana = new PeerCredentials(Guid.NewGuid(), "090", "Toscana", "http://localhost", true,
            [System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(RegionPki.For("090").Leaf.RawData)], null, null, null);
        var (token, refused) = await Sardegna.Tokens.CheckAsync(response.Headers.GetValues(ModiProfile.SignatureHeader).Single(), toscana, "200",
            subject: true, "risposta");
        Assert.Null(refused);
        Assert.Equal(ModiProfile.DigestOf(answer), response.Headers.GetValues(ModiProfile.DigestHeader).Single());
        Assert.True(ModiTokens.SignsHeaders(token!, ModiProfile.DigestOf(answer), response.Content.Headers.ContentType!.ToString()));
        Assert.Equal(signed.SignatureJti, token!.Text("request_jti"));
        // Checked against another region's registration, the same answer is refused.
        var stranger = toscana with { Trusted = [System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(Sardegna.Leaf.RawData)] };
        Assert.Equal("modi-certificate-untrusted", (await Sardegna.Tokens.CheckAsync(response.Headers.GetValues(ModiProfile.SignatureHeader).Single(),
            stranger, "200", subject: true, "risposta")).Refusal?.Rule);
    }

    [Fact]
    public async Task The_body_changed_after_signing_is_refused()
    {
        await RegisterAsync(Sardegna.Registration("Sardegna", "http://127.0.0.1:9"));
        var body = Body();
        var request = Request(body);
        Sardegna.Sign(request, body, CmsFactory.PublicUrl);
        var changed = Request(Encoding.UTF8.GetBytes("{\"nonce\":\"changed\"}"));
        foreach (var header in request.Headers) changed.Headers.TryAddWithoutValidation(header.Key, header.Value);
        await RefusedAsync(changed, "modi-digest-mismatch");
        // With a Digest made again for the new body, the signed headers no longer match.
        var redigested = Request(Encoding.UTF8.GetBytes("{\"nonce\":\"changed\"}"));
        foreach (var header in request.Headers.Where(h => h.Key != ModiProfile.DigestHeader)) redigested.Headers.TryAddWithoutValidation(header.Key, header.Value);
        redigested.Headers.TryAddWithoutValidation(ModiProfile.DigestHeader, ModiProfile.DigestOf(Encoding.UTF8.GetBytes("{\"nonce\":\"changed\"}")));
        await RefusedAsync(redigested, "modi-signed-headers-mismatch");
    }

    [Fact]
    public async Task A_signed_header_dropped_or_changed_is_refused()
    {
        await RegisterAsync(Sardegna.Registration("Sardegna", "http://127.0.0.1:9"));
        var body = Body();
        var request = Request(body);
        Sardegna.Sign(request, body, CmsFactory.PublicUrl);
        var noDigest = await CopyAsync(request);
        noDigest.Headers.Remove(ModiProfile.DigestHeader);
        await RefusedAsync(noDigest, "modi-header-missing");
        var noSignature = await CopyAsync(request);
        noSignature.Headers.Remove(ModiProfile.SignatureHeader);
        await RefusedAsync(noSignature, "modi-header-missing");
        var otherType = Request(body, "application/json; charset=iso-8859-1");
        foreach (var header in request.Headers) otherType.Headers.TryAddWithoutValidation(header.Key, header.Value);
        await RefusedAsync(otherType, "modi-signed-headers-mismatch");
        // A signature token whose signed_headers leave the content type out.
        var partial = Request(body);
        var parts = Sardegna.Sign(partial, body, CmsFactory.PublicUrl);
        var withoutType = Resign(Sardegna, parts.Signature, payload => payload["signed_headers"] =
            System.Text.Json.Nodes.JsonNode.Parse($"[{{\"digest\":\"{parts.Digest}\"}}]"));
        partial.Headers.Remove(ModiProfile.SignatureHeader);
        partial.Headers.TryAddWithoutValidation(ModiProfile.SignatureHeader, withoutType);
        await RefusedAsync(partial, "modi-signed-headers-mismatch");
    }

    [Fact]
    public async Task An_expired_or_not_yet_valid_or_too_long_lived_token_is_refused()
    {
        await RegisterAsync(Sardegna.Registration("Sardegna", "http://127.0.0.1:9"));
        foreach (var (shift, rule) in new[] { (TimeSpan.FromMinutes(-10), "modi-token-expired"), (TimeSpan.FromMinutes(10), "modi-token-time-invalid") })
        {
            var body = Body();
            var request = Request(body);
            var tokens = new ModiTokens(new RegionSigningIdentity(Options.Create(new SigningIdentityOptions
            {
                CertificatePath = Sardegna.CertificatePath, KeyPath = Sardegna.KeyPath,
            })), new ShiftedClock(shift));
            var signed = tokens.SignRequest("200", CmsFactory.PublicUrl + Path, body, "application/json", new TrackingClaims("RSSMRA80A01H501U", "200-201-AS001", "low"),
                withIdAuth: true);
            Attach(request, signed);
            await RefusedAsync(request, rule);
        }
        var longLived = Request(Body());
        var parts = Sardegna.Sign(longLived, await longLived.Content!.ReadAsByteArrayAsync(), CmsFactory.PublicUrl);
        var stretched = Resign(Sardegna, parts.Signature, payload => payload["exp"] = payload["iat"]!.GetValue<long>() + 3600);
        longLived.Headers.Remove(ModiProfile.SignatureHeader);
        longLived.Headers.TryAddWithoutValidation(ModiProfile.SignatureHeader, stretched);
        await RefusedAsync(longLived, "modi-token-time-invalid");
        // Times as strings (IdentityModel reads them), and an iat far in the past with an exp that would overflow the cap.
        foreach (var change in new Action<System.Text.Json.Nodes.JsonObject>[]
                 {
                     payload => payload["iat"] = payload["iat"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture),
                     payload => payload["iat"] = long.MinValue / 2,
                 })
        {
            var odd = Request(Body());
            var signed = Sardegna.Sign(odd, await odd.Content!.ReadAsByteArrayAsync(), CmsFactory.PublicUrl);
            odd.Headers.Remove(ModiProfile.SignatureHeader);
            odd.Headers.TryAddWithoutValidation(ModiProfile.SignatureHeader, Resign(Sardegna, signed.Signature, change));
            await RefusedAsync(odd, "modi-token-time-invalid");
        }
    }

    [Fact]
    public async Task A_replayed_jti_is_refused_even_inside_the_time_window()
    {
        await RegisterAsync(Sardegna.Registration("Sardegna", "http://127.0.0.1:9"));
        var body = Body();
        var request = Request(body);
        Sardegna.Sign(request, body, CmsFactory.PublicUrl);
        var replay = await CopyAsync(request);
        var old = await CopyAsync(request);
        var other = await CopyAsync(request);
        await AcceptedAsync(request);
        await RefusedAsync(replay, "modi-token-replayed");
        // Only the ID_AUTH token new (a new jti, still bound to the same evidence): the other two jti are spent already.
        var freshAuth = Resign(Sardegna, old.Headers.Authorization!.Parameter!, payload => payload["jti"] = Guid.NewGuid().ToString());
        old.Headers.Authorization = new AuthenticationHeaderValue("Bearer", freshAuth);
        await RefusedAsync(old, "modi-token-replayed");
        // A new signature token with the old evidence is not even bound to it (audit_digest): refused before the ledger.
        var mixed = Request(body);
        var fresh = Sardegna.Sign(mixed, body, CmsFactory.PublicUrl);
        other.Headers.Remove(ModiProfile.SignatureHeader);
        other.Headers.TryAddWithoutValidation(ModiProfile.SignatureHeader, fresh.Signature);
        await RefusedAsync(other, "modi-tracking-evidence-invalid");
    }

    [Fact]
    public async Task A_certificate_from_a_CA_the_peer_was_not_registered_with_is_refused()
    {
        // Registered by its CA and the subject of its certificate.
        await RegisterAsync(Sardegna.Registration("Sardegna", "http://127.0.0.1:9", viaCa: true));
        var body = Body();
        var valid = Request(body);
        Sardegna.Sign(valid, body, CmsFactory.PublicUrl);
        await AcceptedAsync(valid);
        // The same subject from another CA; another subject from the registered CA is covered by the pinned case below.
        var impostor = RegionPki.Other("200", Sardegna.Subject);
        var forged = Request(body);
        impostor.Sign(forged, body, CmsFactory.PublicUrl);
        await RefusedAsync(forged, "modi-certificate-untrusted");
        // Pinned: any other certificate, even from the region's own CA, is refused.
        await RegisterAsync(RegionPki.Other("200").Registration("Sardegna", "http://127.0.0.1:9"));
        var pinnedElsewhere = Request(body);
        Sardegna.Sign(pinnedElsewhere, body, CmsFactory.PublicUrl);
        await RefusedAsync(pinnedElsewhere, "modi-certificate-untrusted");
        // An unknown region, and a token whose iss names another registered region.
        var unknown = Request(body);
        RegionPki.For("120").Sign(unknown, body, CmsFactory.PublicUrl);
        await RefusedAsync(unknown, "modi-peer-unknown");
    }

    [Fact]
    public async Task A_token_for_another_regions_address_is_refused()
    {
        await RegisterAsync(Sardegna.Registration("Sardegna", "http://127.0.0.1:9"));
        var body = Body();
        var request = Request(body);
        Sardegna.Sign(request, body, "https://cms.regione.campania.example");
        await RefusedAsync(request, "modi-audience-mismatch");
        // The right host but another operation's path.
        var other = Request(body);
        var signed = Sardegna.Tokens.SignRequest("200", CmsFactory.PublicUrl + "/api/v1/interop/inbound/reprints", body, "application/json",
            new TrackingClaims("RSSMRA80A01H501U", "200-201-AS001", "low"), withIdAuth: true);
        Attach(other, signed);
        await RefusedAsync(other, "modi-audience-mismatch");
    }

    [Fact]
    public async Task Tracking_evidence_missing_or_signed_by_someone_else_or_not_bound_is_refused()
    {
        await RegisterAsync(Sardegna.Registration("Sardegna", "http://127.0.0.1:9"));
        var body = Body();
        var request = Request(body);
        Sardegna.Sign(request, body, CmsFactory.PublicUrl);

        var missing = await CopyAsync(request);
        missing.Headers.Remove(ModiProfile.TrackingEvidenceHeader);
        await RefusedAsync(missing, "modi-tracking-evidence-invalid");

        // Signed by a stranger (same region code and subject, another CA).
        var strangers = RegionPki.Other("200", Sardegna.Subject).Tokens.SignRequest("200", CmsFactory.PublicUrl + Path, body, "application/json",
            new TrackingClaims("RSSMRA80A01H501U", "200-201-AS001", "low"), withIdAuth: true);
        var foreign = await CopyAsync(request);
        foreign.Headers.Remove(ModiProfile.TrackingEvidenceHeader);
        foreign.Headers.TryAddWithoutValidation(ModiProfile.TrackingEvidenceHeader, strangers.TrackingEvidence);
        await RefusedAsync(foreign, "modi-tracking-evidence-invalid");

        // Signed by another registered region.
        await OkAsync(await (await AdminAsync()).PutAsJsonAsync("/api/v1/admin/peers/190", RegionPki.For("190").Registration("Puglia", "http://127.0.0.1:9")));
        var puglia = RegionPki.For("190").Tokens.SignRequest("190", CmsFactory.PublicUrl + Path, body, "application/json",
            new TrackingClaims("RSSMRA80A01H501U", "190-201-AS001", "low"), withIdAuth: true);
        var otherRegion = await CopyAsync(request);
        otherRegion.Headers.Remove(ModiProfile.TrackingEvidenceHeader);
        otherRegion.Headers.TryAddWithoutValidation(ModiProfile.TrackingEvidenceHeader, puglia.TrackingEvidence);
        await RefusedAsync(otherRegion, "modi-tracking-evidence-invalid");

        // Genuine, but another call's: the ID_AUTH token's digest binds it to its own evidence.
        var another = Sardegna.Tokens.SignRequest("200", CmsFactory.PublicUrl + Path, body, "application/json",
            new TrackingClaims("VRDLGU70A01H501X", "200-201-AS002", "substantial"), withIdAuth: true);
        var swapped = await CopyAsync(request);
        swapped.Headers.Remove(ModiProfile.TrackingEvidenceHeader);
        swapped.Headers.TryAddWithoutValidation(ModiProfile.TrackingEvidenceHeader, another.TrackingEvidence);
        await RefusedAsync(swapped, "modi-tracking-evidence-invalid");

        // Without userID / userLocation.
        var bare = Resign(Sardegna, request.Headers.GetValues(ModiProfile.TrackingEvidenceHeader).Single(), payload => payload.Remove("userID"));
        var anonymous = await CopyAsync(request);
        anonymous.Headers.Remove(ModiProfile.TrackingEvidenceHeader);
        anonymous.Headers.TryAddWithoutValidation(ModiProfile.TrackingEvidenceHeader, bare);
        await RefusedAsync(anonymous, "modi-tracking-evidence-invalid");
    }

    [Fact]
    public async Task Tokens_swapped_between_two_calls_a_broken_x5c_or_an_unsigned_token_are_refused()
    {
        await RegisterAsync(Sardegna.Registration("Sardegna", "http://127.0.0.1:9"));
        // Two genuine calls of two operators: A's ID_AUTH and tracking evidence with B's signature and body.
        var (bodyA, bodyB) = (Body(), Body());
        var (a, b) = (Request(bodyA), Request(bodyB));
        Sardegna.Sign(a, bodyA, CmsFactory.PublicUrl, new TrackingClaims("RSSMRA80A01H501U", "200-201-AS001", "low"));
        Sardegna.Sign(b, bodyB, CmsFactory.PublicUrl, new TrackingClaims("VRDLGU70A01H501X", "200-201-AS002", "substantial"));
        var swapped = Request(bodyB);
        swapped.Headers.Authorization = a.Headers.Authorization;
        swapped.Headers.TryAddWithoutValidation(ModiProfile.TrackingEvidenceHeader, a.Headers.GetValues(ModiProfile.TrackingEvidenceHeader));
        swapped.Headers.TryAddWithoutValidation(ModiProfile.SignatureHeader, b.Headers.GetValues(ModiProfile.SignatureHeader));
        swapped.Headers.TryAddWithoutValidation(ModiProfile.DigestHeader, b.Headers.GetValues(ModiProfile.DigestHeader));
        await RefusedAsync(swapped, "modi-tracking-evidence-invalid");

        // x5c not base64, and a token with alg none (its signature cut off).
        var body = Body();
        var request = Request(body);
        var signed = Sardegna.Sign(request, body, CmsFactory.PublicUrl);
        string WithHeader(string token, string header) =>
            Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(header) + token[token.IndexOf('.')..];
        var brokenX5c = await CopyAsync(request);
        brokenX5c.Headers.Remove(ModiProfile.SignatureHeader);
        brokenX5c.Headers.TryAddWithoutValidation(ModiProfile.SignatureHeader,
            WithHeader(signed.Signature, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"not base64!\"]}"));
        await RefusedAsync(brokenX5c, "modi-certificate-untrusted");
        var x5c = JsonSerializer.Serialize(new[] { Convert.ToBase64String(Sardegna.Leaf.RawData) });
        var none = WithHeader(signed.Signature, $"{{\"alg\":\"none\",\"typ\":\"JWT\",\"x5c\":{x5c}}}");
        var unsigned = await CopyAsync(request);
        unsigned.Headers.Remove(ModiProfile.SignatureHeader);
        unsigned.Headers.TryAddWithoutValidation(ModiProfile.SignatureHeader, none[..(none.LastIndexOf('.') + 1)]);
        var response = await Factory.CreateClient().SendAsync(unsigned);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Matches("modi-(signature-invalid|token-malformed)", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_HMAC_scheme_is_refused_unless_switched_on_and_an_ECDSA_identity_is_accepted()
    {
        await RegisterAsync(Sardegna.Registration("Sardegna", "http://127.0.0.1:9"));
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        SecretLedger.Register("peer secret", secret);
        var legacy = new ContractCaller("peer", [], Factory.CreateClient(), ContractCaller.LegacyPeerSigner("200", secret));
        await ProblemAsync(await legacy.SendAsync(HttpMethod.Post, Path, Body(), "application/json"), HttpStatusCode.Unauthorized, "modi-header-missing");

        var ecdsa = RegionPki.Other("200", ecdsa: true);
        await RegisterAsync(ecdsa.Registration("Sardegna", "http://127.0.0.1:9"));
        var body = Body();
        var request = Request(body);
        ecdsa.Sign(request, body, CmsFactory.PublicUrl);
        await AcceptedAsync(request);
    }

    [Fact]
    public async Task A_registration_is_refused_without_a_readable_certificate_or_with_a_CA_and_no_subject()
    {
        var admin = await AdminAsync();
        await ProblemAsync(await admin.PutAsJsonAsync("/api/v1/admin/peers/200", new { name = "Sardegna", baseUrl = "http://127.0.0.1:9", enabled = true }),
            HttpStatusCode.UnprocessableEntity, "peer-certificate-required");
        var invalid = await ProblemAsync(await admin.PutAsJsonAsync("/api/v1/admin/peers/200",
            new { name = "Sardegna", baseUrl = "http://127.0.0.1:9", certificates = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", enabled = true }),
            HttpStatusCode.BadRequest, "validation");
        Assert.Contains("invalid-certificate", invalid.GetProperty("rules").ToString());
        await ProblemAsync(await admin.PutAsJsonAsync("/api/v1/admin/peers/200",
            new { name = "Sardegna", baseUrl = "http://127.0.0.1:9", certificates = Sardegna.CaPem, enabled = true }),
            HttpStatusCode.UnprocessableEntity, "peer-certificate-subject-required");
        var keyInside = Sardegna.LeafPem + "\n" + File.ReadAllText(Sardegna.KeyPath);
        await ProblemAsync(await admin.PutAsJsonAsync("/api/v1/admin/peers/200",
            new { name = "Sardegna", baseUrl = "http://127.0.0.1:9", certificates = keyInside, enabled = true }), HttpStatusCode.BadRequest, "validation");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM interop.peers"));
        var view = await OkAsync(await admin.PutAsJsonAsync("/api/v1/admin/peers/200", Sardegna.Registration("Sardegna", "http://127.0.0.1:9", viaCa: true)));
        // Registered with certificates, the peer is heard only through ModI: a shared secret is refused, not stored.
        var secret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        SecretLedger.Register("peer secret", secret);
        await ProblemAsync(await admin.PutAsJsonAsync("/api/v1/admin/peers/200",
            new { name = "Sardegna", baseUrl = "http://127.0.0.1:9", secret, enabled = true }), HttpStatusCode.UnprocessableEntity, "peer-secret-deprecated");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM interop.peers WHERE secret_key_id IS NOT NULL"));
        Assert.True(view.GetProperty("certificates")[0].GetProperty("certificateAuthority").GetBoolean());
        Assert.Equal(PeerCertificatesSubject(Sardegna.Subject), view.GetProperty("certificateSubject").GetString());
    }

    private static string PeerCertificatesSubject(string subject) => Cms.Application.Interop.Common.PeerCertificates.Normalise(subject);

    private static void Attach(HttpRequestMessage request, SignedRequest signed)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", signed.IdAuth);
        request.Headers.TryAddWithoutValidation(ModiProfile.DigestHeader, signed.Digest);
        request.Headers.TryAddWithoutValidation(ModiProfile.SignatureHeader, signed.Signature);
        request.Headers.TryAddWithoutValidation(ModiProfile.TrackingEvidenceHeader, signed.TrackingEvidence);
    }

    /// <summary>The token with its payload changed by <paramref name="change"/>, signed again with the region's own key (a valid signature).</summary>
    private static string Resign(RegionPki region, string token, Action<System.Text.Json.Nodes.JsonObject> change)
    {
        var parts = token.Split('.');
        var payload = System.Text.Json.Nodes.JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        change(payload);
        var signingInput = parts[0] + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload.ToJsonString());
        using var key = System.Security.Cryptography.RSA.Create();
        key.ImportFromPem(File.ReadAllText(region.KeyPath));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        return signingInput + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(signature);
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
