using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cms.Application.Interop.Common;
using Cms.Infrastructure.DemoData;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// The hardening of issue 10 on a real Kestrel process with the production shape of the limits (set low so a test reaches
/// them): rate limits on sign-in (per address), CIP verification (per operator) and inbound interoperability (per linked
/// region), each refusal a 429 problem with Retry-After; the request size limit (declared and chunked bodies); the security
/// headers on data, problems and the contract's browser.
/// </summary>
public class HardeningTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000077001", Cip = "24681357";

    private static Dictionary<string, string> Limits(int signIn = 1000, int cip = 1000, int inbound = 1000) => new()
    {
        ["Hardening__SignIn__PermitLimit"] = signIn.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hardening__SignIn__WindowSeconds"] = "300",
        ["Hardening__CipVerification__PermitLimit"] = cip.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hardening__CipVerification__WindowSeconds"] = "300",
        ["Hardening__InboundInterop__PermitLimit"] = inbound.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hardening__InboundInterop__WindowSeconds"] = "300",
        ["Hardening__MaxRequestBodyBytes"] = "65536",
    };

    private static async Task<JsonElement> RateLimitedAsync(HttpResponseMessage response)
    {
        var problem = await ProblemAsync(response, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.True(int.TryParse(response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ?? response.Headers.GetValues("Retry-After").Single(), out var seconds) && seconds is > 0 and <= 300, "Retry-After missing");
        Assert.Equal(seconds, problem.GetProperty("retryAfterSeconds").GetInt32());
        return problem;
    }

    [Fact]
    public async Task Sign_in_cip_verification_and_inbound_interop_are_rate_limited_each_on_its_own_key()
    {
        await FeedAsync(Card(Number, cip: Cip));
        await SetStateAsync(Number, "ACTIVE"); // a card never activated has no CIP step (decision 0040)
        var (local, operatorCf, _) = await ActorAsync("Operator");
        var revocation = await OkAsync(await local.PostAsJsonAsync("/api/v1/revocations", new
        {
            cardNumber = Number, mode = "DIRECT", reason = "FURTO", privacyConsent = true,
            evidence = new { kind = "POLICE_REPORT", reference = "Denuncia n. 1/2026" }, document = RevocationTests.Document(),
        }), HttpStatusCode.Created);
        var id = revocation.GetProperty("id").GetString();
        var admin = await AdminAsync();
        foreach (var region in new[] { "200", "190" })
            await OkAsync(await admin.PutAsJsonAsync($"/api/v1/admin/peers/{region}", RegionPki.For(region).Registration("Regione " + region, "http://127.0.0.1:9")));

        await using var cms = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, Limits(signIn: 4, cip: 3, inbound: 3));

        // Sign-in: four tries per address in the window, right or wrong, then 429 — the right password too.
        var operatorClient = await cms.SignInAsync(operatorCf, OperatorPassword);
        for (var i = 0; i < 3; i++)
            await ProblemAsync(await cms.Client.PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = NewCf(), password = "Sbagliata-Password-1" }),
                HttpStatusCode.Unauthorized);
        await RateLimitedAsync(await cms.Client.PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = operatorCf, password = OperatorPassword }));
        // The password change guesses passwords too: it draws on the same allowance.
        await RateLimitedAsync(await cms.Client.PostAsJsonAsync("/api/v1/auth/password",
            new { codiceFiscale = operatorCf, currentPassword = "Sbagliata-Password-1", newPassword = "Nuova-Password-Lunga-2" }));

        // CIP verification: three per operator, then 429 — and the refused try is not counted against the card.
        for (var i = 0; i < 3; i++)
            await ProblemAsync(await operatorClient.PostAsJsonAsync($"/api/v1/revocations/{id}/verify-cip", new { cip = "11112222" }),
                HttpStatusCode.UnprocessableEntity, "cip-mismatch");
        await RateLimitedAsync(await operatorClient.PostAsJsonAsync($"/api/v1/revocations/{id}/verify-cip", new { cip = Cip }));
        // The in-process API (its own limits) sees two tries left, not one: the 429 never reached the card's counter.
        var left = await ProblemAsync(await local.PostAsJsonAsync($"/api/v1/revocations/{id}/verify-cip", new { cip = "11112222" }),
            HttpStatusCode.UnprocessableEntity, "cip-mismatch");
        Assert.Equal(1, left.GetProperty("remainingAttempts").GetInt32());

        // Inbound interop: three per linked region, then 429; another region is not held back.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.BadRequest, (await SignedAsync(cms, "200")).StatusCode);
        await RateLimitedAsync(await SignedAsync(cms, "200"));
        Assert.Equal(HttpStatusCode.BadRequest, (await SignedAsync(cms, "190")).StatusCode);
    }

    private static Task<HttpResponseMessage> SignedAsync(CmsProcess cms, string region)
    {
        const string path = "/api/v1/interop/inbound/activations";
        var body = Encoding.UTF8.GetBytes($"{{\"nonce\":\"{Guid.NewGuid():N}\"}}");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        RegionPki.For(region).Sign(request, body, cms.Url);
        return cms.Client.SendAsync(request);
    }

    [Fact]
    public async Task Oversized_bodies_are_refused_with_413_and_every_answer_carries_the_security_headers()
    {
        var (issuerLocal, issuerCf, _) = await ActorAsync("Issuer");
        _ = issuerLocal;
        await using var cms = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, Limits());
        var issuer = await cms.SignInAsync(issuerCf, OperatorPassword);

        // Declared length over the limit: refused before the body is read.
        var huge = "{\"codiceFiscale\":\"" + new string('A', 70_000) + "\",\"password\":\"x\"}";
        var declared = await cms.Client.PostAsync("/api/v1/auth/token", new StringContent(huge, Encoding.UTF8, "application/json"));
        var problem = await ProblemAsync(declared, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("urn:cms:problem:payload-too-large", problem.GetProperty("type").GetString());
        // Chunked, no length: Kestrel stops reading at the limit and answers 413 — or, when the rest of the body is still on its
        // way, closes the connection under it (the client then sees no answer). Either way the body is never parsed (that
        // would be a 400 for the 70,000-character codice fiscale).
        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token") { Content = chunked })
        {
            request.Headers.TransferEncodingChunked = true;
            try
            {
                var streamed = await cms.Client.SendAsync(request);
                await ProblemAsync(streamed, HttpStatusCode.RequestEntityTooLarge);
            }
            catch (HttpRequestException e) when (e.InnerException is HttpIOException or IOException)
            {
                // closed mid-body: the server refused to read further
            }
        }
        // The card feed declares its own, larger limit: 200 KB of cards go through.
        var lines = Enumerable.Range(0, 400).Select(i => DemoPopulation.ToNdjsonLine(Card($"8038000090000009{i:0000}"))).ToList();
        var feed = Ndjson(lines);
        Assert.True(Encoding.UTF8.GetByteCount(string.Join('\n', lines)) > 65536 * 2);
        var loaded = await OkAsync(await issuer.PostAsync("/api/v1/issuer/card-feed", feed));
        Assert.Equal(400, loaded.GetProperty("accepted").GetInt32());

        // Security headers: on data, on problems (the exception handler's too), on the 401 of a missing token; the contract's
        // browser has its own policy.
        foreach (var response in new[]
                 {
                     await issuer.GetAsync("/api/v1/auth/me"), await cms.Client.GetAsync("/api/v1/auth/me"),
                     await issuer.GetAsync($"/api/v1/cards/{Guid.NewGuid()}/history"), await cms.Client.GetAsync("/status"),
                     await cms.Client.PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = "x" }), // a validation problem
                     await cms.Client.PostAsync("/api/v1/auth/token", new StringContent("{", Encoding.UTF8, "application/json")), // unreadable
                 })
        {
            var what = $"{response.RequestMessage!.RequestUri} → {(int)response.StatusCode}";
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.True(response.Headers.CacheControl?.NoStore == true, what + ": no-store missing");
            Assert.False(response.Headers.Contains("Server"), what + ": Server header");
        }
        // A NUL in the path is Kestrel's 400, before the application (no body: not the contract's answer, so not checked against
        // it); in the query, the application's.
        using (ContractValidatingHandler.Suspend())
            Assert.Equal(HttpStatusCode.BadRequest, (await issuer.GetAsync("/api/v1/cards/8038%00/history")).StatusCode);
        var query = await ProblemAsync(await issuer.GetAsync("/api/v1/reports/my-operations?from=2026%00"), HttpStatusCode.BadRequest);
        Assert.Equal("urn:cms:problem:malformed-request", query.GetProperty("type").GetString());

        var swagger = await cms.Client.GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, swagger.StatusCode);
        Assert.Contains("frame-ancestors 'none'", swagger.Headers.GetValues("Content-Security-Policy").Single());
    }
}
