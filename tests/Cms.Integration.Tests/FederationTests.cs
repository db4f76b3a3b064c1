using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cms.Application.Interop.Common;
using Cms.Infrastructure.DemoData;
using Cms.Infrastructure.Delivery;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Cms.Integration.Tests;

/// <summary>
/// Interoperability between regions with real processes: this test's database is region A (Toscana, 090); regions B
/// (Sardegna, 200) and C (Campania, 150) are two more Cms processes, each with its own database on the same PostgreSQL and
/// its own demo cards. A's counters activate and reprint B's and C's cards through the signed inbound endpoints.
/// </summary>
public class FederationTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Operator = "BNCMRA75C12D612R";       // A's ASL operator
    private const string Pharmacist = "FRNGRG85E17D612P";
    private const string SecurityAdmin = "LMBSRA87H61D612L";

    private static readonly Dictionary<string, string> Fast = new()
    {
        ["DemoData__Enabled"] = "true",
        ["Security__PasswordHashing__Iterations"] = "1000",
        ["Interop__RetryBaseSeconds"] = "1",
        ["Interop__RetryMaxSeconds"] = "2",
    };

    private sealed record Region(string Code, string ConnectionString, CmsProcess Process);

    private async Task<Region> StartPeerAsync(string code, string database, string? url = null)
    {
        var connection = await TestDatabase.FreshAsync(database);
        return new Region(code, connection, await StartOnAsync(code, connection, url));
    }

    private Task<CmsProcess> StartOnAsync(string code, string connection, string? url = null) =>
        CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>(Fast)
        {
            ["ConnectionStrings__Cms"] = connection, ["Database__MigrateOnStartup"] = "true", ["Cms__Region"] = code,
        }, url);

    private static async Task<HttpClient> SignInAsync(CmsProcess cms, string codiceFiscale)
    {
        var response = await cms.Client.PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale, password = DemoAccounts.Password });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        var client = new HttpClient { BaseAddress = new Uri(cms.Url), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Each side registers the other under the ModI profile (decision 0059): A trusts the other region's root CA with the subject
    /// of its signing certificate; the other region pins A's signing certificate. Both ways of registering are thus in play.
    /// </summary>
    private static async Task LinkAsync(CmsProcess a, string aRegion, CmsProcess b, string bRegion)
    {
        foreach (var (here, other, otherRegion, viaCa) in new[] { (a, b, bRegion, true), (b, a, aRegion, false) })
        {
            using var admin = await SignInAsync(here, SecurityAdmin);
            var put = await admin.PutAsJsonAsync($"/api/v1/admin/peers/{otherRegion}", RegionPki.For(otherRegion).Registration("CMS " + otherRegion, other.Url, viaCa));
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }
    }

    private static async Task<(string Number, string Cf, string Surname, string Given, DateOnly Birth)> CardAsync(string connection, string state)
    {
        await using var c = new Npgsql.NpgsqlConnection(connection);
        await c.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"""
            SELECT c.card_number, h.codice_fiscale, h.surname, h.given_name, h.birth_date
            FROM identification.cards c JOIN identification.holders h ON h.codice_fiscale = c.holder_codice_fiscale
            WHERE c.state = '{state}' AND c.expiry_date > current_date + 30 AND h.entitled
              AND h.birth_date <= current_date - interval '19 years'
            ORDER BY c.card_number LIMIT 1
            """, c);
        await using var r = await command.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        return (r.GetString(0).Trim(), r.GetString(1).Trim(), r.GetString(2), r.GetString(3), r.GetFieldValue<DateOnly>(4));
    }

    private static async Task<T> ScalarAsync<T>(string connection, string sql, params (string, object)[] parameters)
    {
        await using var c = new Npgsql.NpgsqlConnection(connection);
        await c.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, c);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The identity document shown at the counter.</summary>
    private static object Document() => new
    {
        type = "CARTA_IDENTITA", number = "CA1234567", issuedBy = "Comune di Firenze",
        issueDate = DateTime.Today.AddYears(-2).ToString("yyyy-MM-dd"), expiryDate = DateTime.Today.AddYears(8).ToString("yyyy-MM-dd"),
    };

    private static object Body(string kind, (string Number, string Cf, string Surname, string Given, DateOnly Birth) card, string email,
        string? surname = null) => new
    {
        kind, cardNumber = card.Number,
        holder = new { codiceFiscale = card.Cf, surname = surname ?? card.Surname, givenName = card.Given, birthDate = card.Birth.ToString("yyyy-MM-dd") },
        mode = "DIRECT",
        document = Document(),
        delivery = new { channel = "EMAIL", email, emailConfirmation = email },
        privacyConsent = true,
        reason = kind == "REPRINT" ? "SMARRIMENTO" : null,
        // A counter of another region is outside the holder's health authority: the reprint states why (decision 0035).
        outsideHealthAuthorityReason = kind == "REPRINT" ? "Titolare in trasferta fuori regione" : null,
    };

    /// <summary>Creates, confirms and waits until the request is done (or refused).</summary>
    private static async Task<JsonElement> SendAsync(HttpClient counter, object body, string until = "COMPLETED")
    {
        var created = await counter.PostAsJsonAsync("/api/v1/interop/requests", body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        // Sign before confirm at the sending counter [S 9.3.3, M 2.6]: without its forms printed the confirm is refused, nothing queued.
        var unsigned = await ProblemAsync(await counter.PostAsync($"/api/v1/interop/requests/{id}/confirm", null), HttpStatusCode.Conflict, "form-not-printed");
        Assert.NotEmpty(unsigned.GetProperty("missingForms").EnumerateArray());
        Assert.Equal("PENDING", (await OkAsync(await counter.GetAsync($"/api/v1/interop/requests/{id}"))).GetProperty("status").GetString());
        var confirmed = await counter.PostAsync($"/api/v1/interop/requests/{id}/confirm", await counter.SignedAsync("interop", id));
        Assert.True(confirmed.IsSuccessStatusCode, await confirmed.Content.ReadAsStringAsync());
        return await WaitForAsync(counter, id!, until);
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient counter, string id, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement view;
        do
        {
            view = await counter.GetFromJsonAsync<JsonElement>($"/api/v1/interop/requests/{id}");
            if (view.GetProperty("status").GetString() == status) return view;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"request {id} did not reach {status}: {view}");
        return view;
    }

    [Fact]
    public async Task A_counter_in_one_region_activates_and_reprints_another_regions_cards_and_each_refusal_explains_itself()
    {
        var peer = await StartPeerAsync("200", "cms_test_peer_b");
        await using var b = peer.Process;
        var bConnection = peer.ConnectionString;
        await using var a = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, Fast);
        await LinkAsync(a, "090", b, "200");
        using var counter = await SignInAsync(a, Operator);

        var card = await CardAsync(bConnection, "NOT_ACTIVE");
        Assert.StartsWith("8038000200", card.Number);
        // Not in A's registry: identification says so and offers interoperability.
        var identify = await counter.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = card.Number });
        Assert.Equal(HttpStatusCode.NotFound, identify.StatusCode);
        var notFound = await identify.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(notFound.GetProperty("interoperabilityAvailable").GetBoolean());
        Assert.Equal("200", notFound.GetProperty("issuerRegion").GetString());

        // A pharmacy may not (told which counters may); a card of this region is done at the counter.
        using (var pharmacy = await SignInAsync(a, Pharmacist))
        {
            var notHere = await ProblemAsync(await pharmacy.PostAsJsonAsync("/api/v1/interop/requests", Body("ACTIVATION", card, "x@example.it")),
                HttpStatusCode.Forbidden, "interop-not-allowed-at-counter");
            Assert.Equal(["ASL", "HOSPITAL", "MUNICIPALITY", "REGIONAL_OFFICE"],
                notHere.GetProperty("allowedCounterTypes").EnumerateArray().Select(t => t.GetString()!).ToArray());
        }
        var local = await CardAsync(Factory.ConnectionString, "NOT_ACTIVE");
        await ProblemAsync(await counter.PostAsJsonAsync("/api/v1/interop/requests", Body("ACTIVATION", local, "x@example.it")),
            HttpStatusCode.Conflict, "card-in-local-registry");

        // The activation: B activates its card, sends the second halves itself, and A prints the first halves.
        const string email = "titolare.sardo@example.it";
        var done = await SendAsync(counter, Body("ACTIVATION", card, email));
        Assert.Contains("codici-personali", done.GetProperty("documents").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("ACTIVE", await ScalarAsync<string>(bConnection, "SELECT state FROM identification.cards WHERE card_number = @n", ("n", card.Number)));
        Assert.Equal("INTEROP-090", (await ScalarAsync<string>(bConnection,
            "SELECT counter_code FROM activation.requests WHERE card_number = @n", ("n", card.Number))).Trim());
        var mail = await Mailbox.WaitForAsync(Factory, email, TimeSpan.FromSeconds(30));
        Assert.Contains("Codice PIN:", mail.TextBody);
        var codes = DemoPopulation.ForRegion("200").Cards(CmsProcess.DemoHolders, DateOnly.FromDateTime(DateTime.UtcNow)).Single(c => c.CardNumber == card.Number).Codes!;
        var id = done.GetProperty("id").GetString();
        var pdf = await counter.GetAsync($"/api/v1/interop/requests/{id}/documents/codici-personali");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        using (var document = UglyToad.PdfPig.PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync()))
        {
            var text = string.Concat(document.GetPages().Select(p => p.Text));
            Assert.Contains(codes.Puk![..4], text);
            Assert.Contains(codes.Cip![..4], text);
            Assert.DoesNotContain(codes.Puk, text);
        }
        // The first halves were kept sealed at A, not in clear, until the print, which erased them: they print once.
        Assert.Equal(0L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM interop.requests WHERE payload::text LIKE '%' || @puk || '%'", ("puk", codes.Puk[..4] + codes.Puk[4..])));
        Assert.Equal(0L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM interop.requests WHERE id = @id AND first_halves_ciphertext IS NOT NULL", ("id", Guid.Parse(id!))));
        await ProblemAsync(await counter.GetAsync($"/api/v1/interop/requests/{id}/documents/codici-personali"), HttpStatusCode.Conflict,
            "document-already-printed");

        // The same card again: B refuses it under its own rule, and A shows B's reason.
        var refused = await SendAsync(counter, Body("ACTIVATION", card, email), until: "FAILED");
        Assert.Equal("card-not-activatable", refused.GetProperty("refusal").GetProperty("rule").GetString());
        Assert.False(string.IsNullOrEmpty(refused.GetProperty("refusal").GetProperty("detail").GetString()));

        // The holder must match B's registry.
        var other = await CardAsync(bConnection, "NOT_ACTIVE");
        var mismatch = await SendAsync(counter, Body("ACTIVATION", other, email, surname: "ALTRO"), until: "FAILED");
        Assert.Equal("holder-data-mismatch", mismatch.GetProperty("refusal").GetProperty("rule").GetString());
        Assert.Equal("NOT_ACTIVE", await ScalarAsync<string>(bConnection, "SELECT state FROM identification.cards WHERE card_number = @n", ("n", other.Number)));

        // A reprint of the card just activated: without the reason it is refused at the sending counter already.
        await ProblemAsync(await counter.PostAsJsonAsync("/api/v1/interop/requests", new
        {
            kind = "REPRINT", cardNumber = card.Number,
            holder = new { codiceFiscale = card.Cf, surname = card.Surname, givenName = card.Given, birthDate = card.Birth.ToString("yyyy-MM-dd") },
            mode = "DIRECT", document = Document(), delivery = new { channel = "EMAIL", email = "x@example.it", emailConfirmation = "x@example.it" },
            privacyConsent = true, reason = "SMARRIMENTO",
        }), HttpStatusCode.UnprocessableEntity, "reprint-outside-health-authority");
        var reprint = await SendAsync(counter, Body("REPRINT", card, "ristampa@example.it"));
        Assert.Equal("Titolare in trasferta fuori regione", await ScalarAsync<string>(bConnection,
            "SELECT outside_health_authority_reason FROM reprint.reprint_requests WHERE card_number = @n AND status = 'COMPLETED'", ("n", card.Number)));
        Assert.Equal(1L, await ScalarAsync<long>(bConnection, "SELECT count(*) FROM reprint.reprint_requests WHERE card_number = @n AND status = 'COMPLETED'",
            ("n", card.Number)));
        await Mailbox.WaitForAsync(Factory, "ristampa@example.it", TimeSpan.FromSeconds(30));
        Assert.Equal("REPRINT", reprint.GetProperty("kind").GetString());

        // A revocation: B verifies the holder's CIP (a wrong one is refused and counted there), then revokes the card.
        object Revocation(string cip) => new
        {
            kind = "REVOCATION", cardNumber = card.Number,
            holder = new { codiceFiscale = card.Cf, surname = card.Surname, givenName = card.Given, birthDate = card.Birth.ToString("yyyy-MM-dd") },
            mode = "DIRECT",
            document = Document(),
            privacyConsent = true, revocationReason = "SMARRIMENTO", evidence = new { kind = "SELF_DECLARATION" }, cip,
        };
        await ProblemAsync(await counter.PostAsJsonAsync("/api/v1/interop/requests", new
        {
            kind = "REVOCATION", cardNumber = card.Number,
            holder = new { codiceFiscale = card.Cf, surname = card.Surname, givenName = card.Given, birthDate = card.Birth.ToString("yyyy-MM-dd") },
            mode = "DIRECT",
            document = Document(),
            privacyConsent = true, revocationReason = "FURTO", cip = codes.Cip,
        }), HttpStatusCode.UnprocessableEntity, "loss-evidence-required");
        var wrongCip = await SendAsync(counter, Revocation(codes.Cip == "11111111" ? "22222222" : "11111111"), until: "FAILED");
        Assert.Equal("cip-mismatch", wrongCip.GetProperty("refusal").GetProperty("rule").GetString());
        Assert.Contains("Tentativi rimasti", wrongCip.GetProperty("refusal").GetProperty("detail").GetString());
        Assert.Equal(1L, await ScalarAsync<long>(bConnection, "SELECT count(*) FROM revocation.cip_attempts WHERE card_number = @n AND NOT succeeded", ("n", card.Number)));
        var revoked = await SendAsync(counter, Revocation(codes.Cip));
        Assert.Equal("REVOKED", await ScalarAsync<string>(bConnection, "SELECT state FROM identification.cards WHERE card_number = @n", ("n", card.Number)));
        Assert.Equal("INTEROP-090", (await ScalarAsync<string>(bConnection,
            "SELECT counter_code FROM revocation.revocation_requests WHERE card_number = @n AND status = 'COMPLETED'", ("n", card.Number))).Trim());
        // The revocation form was printed and signed at A's counter before the confirm [M 2.6]: it names the card and the reason.
        Assert.Equal(["modulo-richiesta-revoca"], revoked.GetProperty("documents").EnumerateArray().Select(d => d.GetString()!).ToArray());
        Assert.Equal(["modulo-richiesta-revoca"], revoked.GetProperty("formsPrinted").EnumerateArray().Select(d => d.GetString()!).ToArray());
        var revocationForm = await counter.GetByteArrayAsync($"/api/v1/interop/requests/{revoked.GetProperty("id").GetString()}/documents/modulo-richiesta-revoca");
        using (var revocationPdf = UglyToad.PdfPig.PdfDocument.Open(revocationForm))
        {
            var text = string.Join(" ", revocationPdf.GetPages().Select(p => p.Text));
            Assert.Contains("REVOCA DEL CERTIFICATO", text);
            Assert.Contains(card.Number, text);
            Assert.Contains("smarrimento", text, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("Autocertificazione del titolare", text);
        }
        // At A the CIP was kept sealed until sent, then erased; it never sat in the payload.
        Assert.Equal(0L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM interop.requests WHERE secret_ciphertext IS NOT NULL OR payload->>'cip' IS NOT NULL"));
    }

    [Fact]
    public async Task Two_regions_on_PDND_vouchers_activate_a_card_and_a_voucher_of_another_client_is_refused()
    {
        // A real OAuth2 server (OpenIddict 7.9) on loopback stands for PDND; each region is a client there with its ModI key.
        var (aUrl, bUrl) = ($"http://127.0.0.1:{FakeSmsGateway.FreePort()}", $"http://127.0.0.1:{FakeSmsGateway.FreePort()}");
        await using var pdnd = await PdndServer.StartAsync("federation", aUrl + "/api/v1/interop/inbound", bUrl + "/api/v1/interop/inbound");
        await pdnd.RegisterClientAsync("cms-090", RegionPki.For("090").Leaf, "k-090", [bUrl + "/api/v1/interop/inbound"]);
        await pdnd.RegisterClientAsync("cms-200", RegionPki.For("200").Leaf, "k-200", [aUrl + "/api/v1/interop/inbound"]);
        Dictionary<string, string> Pdnd(string clientId, string keyId) => new()
        {
            ["Interop__Pdnd__TokenUrl"] = pdnd.TokenUrl, ["Interop__Pdnd__ClientId"] = clientId, ["Interop__Pdnd__KeyId"] = keyId,
            ["Interop__Pdnd__Issuer"] = pdnd.Issuer, ["Interop__Pdnd__JwksUrl"] = pdnd.JwksUrl,
            // OpenIddict 7 takes the client assertion in the form of draft-ietf-oauth-rfc7523bis (decision 0060).
            ["Interop__Pdnd__AssertionType"] = "client-authentication+jwt", ["Interop__Pdnd__AssertionAudience"] = pdnd.Issuer,
        };
        var bConnection = await TestDatabase.FreshAsync("cms_test_peer_b");
        var bSettings = new Dictionary<string, string>(Fast)
        {
            ["ConnectionStrings__Cms"] = bConnection, ["Database__MigrateOnStartup"] = "true", ["Cms__Region"] = "200",
        };
        foreach (var (k, v) in Pdnd("cms-200", "k-200")) bSettings[k] = v;
        await using var b = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, bSettings, bUrl);
        // A on a database of its own: the in-process API of this test class shares this test's database, and its outbox sender
        // (configured without PDND) would otherwise take A's requests too — every instance of a region shares its settings.
        var aSettings = new Dictionary<string, string>(Fast)
        {
            ["ConnectionStrings__Cms"] = await TestDatabase.FreshAsync("cms_test_peer_a"), ["Database__MigrateOnStartup"] = "true",
        };
        foreach (var (k, v) in Pdnd("cms-090", "k-090")) aSettings[k] = v;
        await using var a = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, aSettings, aUrl);
        async Task RegisterAsync(CmsProcess here, string region, string url, string clientId)
        {
            using var admin = await SignInAsync(here, SecurityAdmin);
            var put = await admin.PutAsJsonAsync($"/api/v1/admin/peers/{region}",
                new { name = "CMS " + region, baseUrl = url, certificates = RegionPki.For(region).LeafPem, pdndClientId = clientId, enabled = true });
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }
        await RegisterAsync(a, "200", bUrl, "cms-200");
        await RegisterAsync(b, "090", aUrl, "cms-090");

        using var counter = await SignInAsync(a, Operator);
        var card = await CardAsync(bConnection, "NOT_ACTIVE");
        await SendAsync(counter, Body("ACTIVATION", card, "pdnd@example.it"));
        Assert.Equal("ACTIVE", await ScalarAsync<string>(bConnection, "SELECT state FROM identification.cards WHERE card_number = @n", ("n", card.Number)));
        Assert.Equal(1L, await ScalarAsync<long>(bConnection,
            "SELECT count(*) FROM interop.seen_signatures WHERE peer_region = '090' AND signature LIKE 'voucher:%'"));
        Assert.Equal(1L, await ScalarAsync<long>(bConnection,
            "SELECT count(*) FROM audit.operations WHERE card_number = @n AND outcome = 'SUCCEEDED' AND detail LIKE '%by=BNCMRA75C12D612R loa=low%'", ("n", card.Number)));

        // Called directly as A: a voucher without the tracking evidence's digest, or bound to another call's evidence, is
        // refused; bound to this call's, the call passes authentication (then its empty body is refused by validation).
        var vouchers = new Cms.Infrastructure.Interop.Modi.PdndVoucherClient(
            new Microsoft.Extensions.DependencyInjection.ServiceCollection().AddHttpClient().BuildServiceProvider()
                .GetRequiredService<IHttpClientFactory>(),
            Microsoft.Extensions.Options.Options.Create(new Cms.Infrastructure.Interop.Modi.PdndOptions
            {
                TokenUrl = pdnd.TokenUrl, ClientId = "cms-090", KeyId = "k-090", Issuer = pdnd.Issuer, JwksUrl = pdnd.JwksUrl,
                AssertionType = "client-authentication+jwt", AssertionAudience = pdnd.Issuer,
            }));
        using var direct = new HttpClient();
        async Task<HttpResponseMessage> CallAsync(Func<Cms.Infrastructure.Interop.Modi.SignedRequest, string?> boundTo)
        {
            var body = Encoding.UTF8.GetBytes("{}");
            using var call = new HttpRequestMessage(HttpMethod.Post, bUrl + "/api/v1/interop/inbound/activations") { Content = new ByteArrayContent(body) };
            call.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var signed = RegionPki.For("090").Sign(call, body, bUrl);
            call.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
                await vouchers.VoucherAsync(bUrl + "/api/v1/interop/inbound", boundTo(signed), RegionPki.For("090").Leaf, default));
            return await direct.SendAsync(call);
        }
        var elsewhere = RegionPki.For("090").Tokens.SignRequest("090", bUrl + "/api/v1/interop/inbound/activations", "{}"u8, "application/json",
            new Cms.Infrastructure.Interop.Modi.TrackingClaims("BNCMRA75C12D612R", "090-201-AS001", "low"), withIdAuth: false);
        await ProblemAsync(await CallAsync(_ => null), HttpStatusCode.Unauthorized, "modi-tracking-evidence-invalid");
        await ProblemAsync(await CallAsync(_ => elsewhere.TrackingEvidence), HttpStatusCode.Unauthorized, "modi-tracking-evidence-invalid");
        Assert.Equal(HttpStatusCode.BadRequest, (await CallAsync(signed => signed.TrackingEvidence)).StatusCode);

        // B now expects another client id for 090: A's voucher (issued to cms-090) is refused, and A keeps trying.
        await RegisterAsync(b, "090", aUrl, "cms-altro");
        var other = await CardAsync(bConnection, "NOT_ACTIVE");
        var created = await counter.PostAsJsonAsync("/api/v1/interop/requests", Body("ACTIVATION", other, "pdnd2@example.it"));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.True((await counter.PostAsync($"/api/v1/interop/requests/{id}/confirm", await counter.SignedAsync("interop", id))).IsSuccessStatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement view;
        do
        {
            await Task.Delay(300);
            view = await counter.GetFromJsonAsync<JsonElement>($"/api/v1/interop/requests/{id}");
        }
        while (view.GetProperty("lastError").GetString()?.Contains("pdnd-voucher-client") != true && DateTime.UtcNow < deadline);
        Assert.Contains("pdnd-voucher-client", view.GetProperty("lastError").GetString());
        Assert.Contains(view.GetProperty("status").GetString(), new[] { "QUEUED", "SENT" });
        Assert.Equal("NOT_ACTIVE", await ScalarAsync<string>(bConnection, "SELECT state FROM identification.cards WHERE card_number = @n", ("n", other.Number)));
    }

    [Fact]
    public async Task The_recipient_proof_travels_with_an_interop_request_and_the_issuing_region_requires_it()
    {
        // B requires the proof under its own policy.
        var bConnection = await TestDatabase.FreshAsync("cms_test_peer_b");
        await using var b = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>(Fast)
        {
            ["ConnectionStrings__Cms"] = bConnection, ["Database__MigrateOnStartup"] = "true", ["Cms__Region"] = "200",
            ["Cms__RecipientProof__Required"] = "true",
        });
        var card = await CardAsync(bConnection, "NOT_ACTIVE");
        const string email = "verifica.sardo@example.it";
        // (B's refusal of a request without the statement: RecipientProofTests, against this host.)

        // A proves the recipient too: the counter sends the code from A, the holder reads it out, and the request carries A's statement.
        await using var proving = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>(Fast)
        {
            ["Cms__RecipientProof__Required"] = "true",
        });
        await LinkAsync(proving, "090", b, "200");
        using var operatorAtA = await SignInAsync(proving, Operator);
        var created = await operatorAtA.PostAsJsonAsync("/api/v1/interop/requests", Body("ACTIVATION", card, email));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(view.GetProperty("recipientProofRequired").GetBoolean());
        var id = view.GetProperty("id").GetString()!;
        await ProblemAsync(await operatorAtA.PostAsync($"/api/v1/interop/requests/{id}/confirm", await operatorAtA.SignedAsync("interop", id)),
            HttpStatusCode.UnprocessableEntity, "recipient-not-verified");
        Assert.Equal(HttpStatusCode.Accepted, (await operatorAtA.PostAsync($"/api/v1/interop/requests/{id}/recipient-proof", null)).StatusCode);
        var mail = await Mailbox.WaitForAsync(Factory, email, TimeSpan.FromSeconds(30));
        var code = System.Text.RegularExpressions.Regex.Match(mail.TextBody ?? "", @"Codice di verifica: (\d{6})").Groups[1].Value;
        var confirmed = await operatorAtA.PostAsync($"/api/v1/interop/requests/{id}/confirm",
            new StringContent(JsonSerializer.Serialize(SignBeforeConfirm.SignedBody(code)), Encoding.UTF8, "application/json"));
        Assert.True(confirmed.IsSuccessStatusCode, await confirmed.Content.ReadAsStringAsync());
        await WaitForAsync(operatorAtA, id, "COMPLETED");
        Assert.Equal("ACTIVE", await ScalarAsync<string>(bConnection, "SELECT state FROM identification.cards WHERE card_number = @n", ("n", card.Number)));
        Assert.Equal(1L, await ScalarAsync<long>(bConnection,
            "SELECT count(*) FROM audit.operations WHERE card_number = @n AND outcome = 'SUCCEEDED' AND detail LIKE '%recipient=proved-by-origin'", ("n", card.Number)));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE request_id = @id AND outcome = 'SUCCEEDED' AND detail LIKE '%recipient=proved'", ("id", id)));
    }

    [Fact]
    public async Task A_peer_that_is_down_gets_the_request_once_it_is_back_exactly_once_and_forged_or_replayed_requests_are_refused()
    {
        // Three regions at once: A (this database) linked to B and to C; each request goes where its card's issuer digits say.
        var cUrl = $"http://127.0.0.1:{FakeSmsGateway.FreePort()}";
        var c = await StartPeerAsync("150", "cms_test_peer_c", cUrl);
        var bPeer = await StartPeerAsync("200", "cms_test_peer_b");
        await using var b = bPeer.Process;
        await using var a = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, Fast);
        await LinkAsync(a, "090", c.Process, "150");
        await LinkAsync(a, "090", b, "200");
        using var counter = await SignInAsync(a, Operator);
        var card = await CardAsync(c.ConnectionString, "NOT_ACTIVE");
        Assert.StartsWith("8038000150", card.Number);

        // C goes down; A's counter confirms meanwhile: the request waits, tried again and again.
        await c.Process.DisposeAsync();
        var created = await counter.PostAsJsonAsync("/api/v1/interop/requests", Body("ACTIVATION", card, "attesa@example.it"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.True((await counter.PostAsync($"/api/v1/interop/requests/{id}/confirm", await counter.SignedAsync("interop", id))).IsSuccessStatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement waiting;
        do
        {
            await Task.Delay(300);
            waiting = await counter.GetFromJsonAsync<JsonElement>($"/api/v1/interop/requests/{id}");
        }
        while (waiting.GetProperty("attempts").GetInt32() < 2 && DateTime.UtcNow < deadline);
        Assert.True(waiting.GetProperty("attempts").GetInt32() >= 2, waiting.ToString());
        Assert.Contains(waiting.GetProperty("status").GetString(), new[] { "QUEUED", "SENT" });
        Assert.False(string.IsNullOrEmpty(waiting.GetProperty("lastError").GetString()));
        // B, up, is not held back by C being down, and gets only its own card.
        var bCard = await CardAsync(bPeer.ConnectionString, "NOT_ACTIVE");
        await SendAsync(counter, Body("ACTIVATION", bCard, "sardo@example.it"));
        Assert.Equal("ACTIVE", await ScalarAsync<string>(bPeer.ConnectionString, "SELECT state FROM identification.cards WHERE card_number = @n", ("n", bCard.Number)));
        Assert.Equal(0L, await ScalarAsync<long>(bPeer.ConnectionString, "SELECT count(*) FROM interop.inbound_requests WHERE card_number = @n", ("n", card.Number)));

        // C is back on the same address: the request goes through, once.
        await using var back = await StartOnAsync("150", c.ConnectionString, cUrl);
        await WaitForAsync(counter, id, "COMPLETED");
        Assert.Equal(1L, await ScalarAsync<long>(c.ConnectionString, "SELECT count(*) FROM activation.requests WHERE card_number = @n", ("n", card.Number)));
        Assert.Equal(1L, await ScalarAsync<long>(c.ConnectionString, "SELECT count(*) FROM interop.inbound_requests WHERE card_number = @n", ("n", card.Number)));
        await Mailbox.WaitForAsync(Factory, "attesa@example.it", TimeSpan.FromSeconds(30));

        // The inbound endpoint, called directly as A would under ModI: a signed request with a new id is done once; the very
        // same request again is a replay (its jti are spent); signed again with the same id it gets the same answer without a
        // second activation. The answer is C's, signed for A and bound to the request.
        var second = await CardAsync(c.ConnectionString, "NOT_ACTIVE");
        var requestId = Guid.NewGuid();
        var payload = JsonSerializer.SerializeToUtf8Bytes(new
        {
            requestId, kind = "ACTIVATION", originRegion = "090", originCounter = "090-201-AS001", cardNumber = second.Number,
            holder = new { codiceFiscale = second.Cf, surname = second.Surname, givenName = second.Given, birthDate = second.Birth.ToString("yyyy-MM-dd") },
            mode = "DIRECT",
            document = Document(),
            delivery = new { channel = "EMAIL", email = "diretto@example.it", emailConfirmation = "diretto@example.it" },
            privacyConsent = true,
        }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        const string path = "/api/v1/interop/inbound/activations";
        using var raw = new HttpClient { BaseAddress = new Uri(cUrl) };
        HttpRequestMessage Signed(byte[] body, RegionPki signer, string? audienceHost = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            signer.Sign(request, body, audienceHost ?? cUrl, new Cms.Infrastructure.Interop.Modi.TrackingClaims("BNCMRA75C12D612R", "090-201-AS001", "low"));
            return request;
        }
        async Task<HttpRequestMessage> CopyAsync(HttpRequestMessage sent)
        {
            var copy = new HttpRequestMessage(sent.Method, sent.RequestUri) { Content = new ByteArrayContent(await sent.Content!.ReadAsByteArrayAsync()) };
            copy.Content.Headers.ContentType = sent.Content.Headers.ContentType;
            foreach (var header in sent.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            return copy;
        }
        var toscana = RegionPki.For("090");
        using var firstRequest = Signed(payload, toscana);
        using var replayed = await CopyAsync(firstRequest);
        var first = await raw.SendAsync(firstRequest);
        Assert.True(first.StatusCode == HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var answer = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(first.Headers.Contains("Agid-JWT-Signature") && first.Headers.Contains("Digest"));
        // The trail of C keeps who asked at A, as A signed it (AUDIT_REST_02), and the whole evidence stays with the request.
        Assert.Equal(1L, await ScalarAsync<long>(c.ConnectionString,
            "SELECT count(*) FROM audit.operations WHERE card_number = @n AND outcome = 'SUCCEEDED' AND detail LIKE '%by=BNCMRA75C12D612R loa=low ev=%'",
            ("n", second.Number)));
        Assert.Equal(1L, await ScalarAsync<long>(c.ConnectionString,
            "SELECT count(*) FROM interop.inbound_requests WHERE request_id = @id AND tracking_evidence LIKE 'ey%'", ("id", requestId)));
        // A replay stays refused when the same call clears an old token id: the purge's count must not be read as "new".
        await TestDatabase.ExecuteAsync(c.ConnectionString,
            "INSERT INTO interop.seen_signatures (peer_region, signature, seen_at) VALUES ('090', 'old', now() - interval '1 hour')");
        await ProblemAsync(await raw.SendAsync(replayed), HttpStatusCode.Unauthorized, "modi-token-replayed");
        Assert.Equal(0L, await ScalarAsync<long>(c.ConnectionString, "SELECT count(*) FROM interop.seen_signatures WHERE signature = 'old'"));
        using var againRequest = Signed(payload, toscana);
        var again = await raw.SendAsync(againRequest);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var answerAgain = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(answer.GetProperty("localRequestId").GetString(), answerAgain.GetProperty("localRequestId").GetString());
        Assert.Equal(answer.GetProperty("firstHalves").GetProperty("puk").GetString(), answerAgain.GetProperty("firstHalves").GetProperty("puk").GetString());
        Assert.Equal(1L, await ScalarAsync<long>(c.ConnectionString, "SELECT count(*) FROM activation.requests WHERE card_number = @n", ("n", second.Number)));

        // Its answer erased (Interop:PurgeAnswersAfterDays later): a repeat is told so, and is still not done twice.
        await TestDatabase.ExecuteAsync(c.ConnectionString,
            "UPDATE interop.inbound_requests SET answer_key_id = NULL, answer_ciphertext = NULL WHERE request_id = @id", ("id", requestId));
        using var purgedRequest = Signed(payload, toscana);
        await ProblemAsync(await raw.SendAsync(purgedRequest), HttpStatusCode.Conflict, "interop-answer-purged");
        Assert.Equal(1L, await ScalarAsync<long>(c.ConnectionString, "SELECT count(*) FROM activation.requests WHERE card_number = @n", ("n", second.Number)));

        // Forged: a key from a CA C never registered for 090, a region C does not know, a token for another region's address,
        // no signature at all (each tampering in detail: ModiTamperingTests).
        var forgedBody = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(payload).Replace(requestId.ToString(), Guid.NewGuid().ToString()));
        using (var stranger = Signed(forgedBody, RegionPki.Other("090", toscana.Subject)))
            await ProblemAsync(await raw.SendAsync(stranger), HttpStatusCode.Unauthorized, "modi-certificate-untrusted");
        using (var unknown = Signed(forgedBody, RegionPki.For("120")))
            await ProblemAsync(await raw.SendAsync(unknown), HttpStatusCode.Unauthorized, "modi-peer-unknown");
        using (var elsewhere = Signed(forgedBody, toscana, b.Url))
            await ProblemAsync(await raw.SendAsync(elsewhere), HttpStatusCode.Unauthorized, "modi-audience-mismatch");
        var unsigned = await raw.PostAsync(path, new ByteArrayContent(forgedBody) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(1L, await ScalarAsync<long>(c.ConnectionString, "SELECT count(*) FROM interop.inbound_requests WHERE peer_region = '090' AND card_number = @n",
            ("n", second.Number)));
    }

    [Fact]
    public async Task An_operator_sends_an_activation_to_the_issuing_region_from_the_browser_and_prints_the_first_halves()
    {
        var peer = await StartPeerAsync("200", "cms_test_peer_b");
        await using var b = peer.Process;
        await using var a = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, Fast);
        await using var ui = await WebUi.StartAsync(a.Url);
        var card = await CardAsync(peer.ConnectionString, "NOT_ACTIVE");
        var expiry = await ScalarAsync<DateOnly>(peer.ConnectionString, "SELECT expiry_date FROM identification.cards WHERE card_number = @n", ("n", card.Number));
        using (var bAdmin = await SignInAsync(b, SecurityAdmin))
            Assert.True((await bAdmin.PutAsJsonAsync("/api/v1/admin/peers/090", RegionPki.For("090").Registration("Toscana", a.Url))).IsSuccessStatusCode);

        // A's security administrator links B from the web UI, with B's CA: without the subject of B's certificate it is refused
        // beside its field (a CA may certify other regions too).
        var page = await ui.NewPageAsync();
        await WebUi.SignInAsync(page, SecurityAdmin, DemoAccounts.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Regioni collegate" }).ClickAsync();
        await page.Locator("#Input_RegionCode").FillAsync("200");
        await page.Locator("#Input_Name").FillAsync("Sardegna");
        await page.Locator("#Input_BaseUrl").FillAsync(b.Url);
        await page.Locator("#Input_Certificates").FillAsync(RegionPki.For("200").CaPem);
        await page.GetByRole(AriaRole.Button, new() { Name = "Salva" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_CertificateSubject_error")).ToBeVisibleAsync();
        await page.Locator("#Input_Certificates").FillAsync(RegionPki.For("200").CaPem);
        await page.Locator("#Input_CertificateSubject").FillAsync(RegionPki.For("200").Subject);
        await page.GetByRole(AriaRole.Button, new() { Name = "Salva" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = b.Url })).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);

        // Identified by its printed data, the card is not here: the page offers interoperability.
        await page.GetByRole(AriaRole.Link, new() { Name = "Attivazione", Exact = true }).ClickAsync();
        await page.GetByLabel("Codice fiscale del titolare").FillAsync(card.Cf);
        await page.GetByLabel("Ultime 5 cifre del numero di identificazione della tessera").FillAsync(card.Number[^5..]);
        await page.GetByLabel("Data di scadenza della tessera").FillAsync(expiry.ToString("yyyy-MM-dd"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Identifica" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Procedi con interoperabilità" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Attivazione in interoperabilità" })).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);

        await page.Locator("#Input_CardNumber").FillAsync(card.Number);
        await page.Locator("#Input_Holder_CodiceFiscale").FillAsync(card.Cf);
        await page.Locator("#Input_Holder_Surname").FillAsync(card.Surname);
        await page.Locator("#Input_Holder_GivenName").FillAsync(card.Given);
        await page.Locator("#Input_Holder_BirthDate").FillAsync(card.Birth.ToString("yyyy-MM-dd"));
        await page.GetByLabel("Tipo di documento").SelectOptionAsync("CARTA_IDENTITA");
        await page.GetByLabel("Numero del documento").FillAsync("CA1234567");
        await page.GetByLabel("Rilasciato da").FillAsync("Comune di Firenze");
        await page.GetByLabel("Data di rilascio").FillAsync(DateTime.Today.AddYears(-2).ToString("yyyy-MM-dd"));
        await page.Locator("#Input_Document_ExpiryDate").FillAsync(DateTime.Today.AddYears(8).ToString("yyyy-MM-dd"));
        await page.Locator("label[for=Input_Delivery_Channel_EMAIL]").ClickAsync();
        const string email = "browser.sardo@example.it";
        await page.GetByLabel("Indirizzo e-mail", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Conferma indirizzo e-mail").FillAsync(email);
        await page.Locator("label[for=Input_PrivacyConsent]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("interop-status")).ToHaveTextAsync("in attesa di conferma");
        await WebUi.AssertAccessibleAsync(page);

        await WebUi.PrintFormsAndAcknowledgeAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma e invia alla Regione emittente" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("interop-status")).ToHaveTextAsync("completata dalla Regione emittente", new() { Timeout = 30_000 });
        await WebUi.AssertAccessibleAsync(page);
        var pdf = await WebUi.OpenPdfAsync(page, page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("Codici personali") }));
        Assert.Equal("application/pdf", pdf.Headers["content-type"]);
        // Printed once: the page now says so instead of offering the print again.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("codes-printed")).ToContainTextAsync("ristampa");
        Assert.Equal("ACTIVE", await ScalarAsync<string>(peer.ConnectionString, "SELECT state FROM identification.cards WHERE card_number = @n", ("n", card.Number)));
        await Mailbox.WaitForAsync(Factory, email, TimeSpan.FromSeconds(30));
        await WebUi.ScreenshotAsync(page, "09-interoperabilita");

        // The print erased the first halves kept for it: nothing is left to print again, and the link is gone.
        Assert.Equal(0L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM interop.requests WHERE card_number = @n AND first_halves_ciphertext IS NOT NULL", ("n", card.Number)));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new System.Text.RegularExpressions.Regex("Codici personali") })).ToHaveCountAsync(0);
    }
}
