using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Cms.Domain.Common;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Cms.Integration.Tests;

/// <summary>
/// The citizens' pages (decision 0047): the self-activation of a renewed card [C] in the real UI process over https, in front of
/// the real API process. The browser (or an HttpClient) presents the current card's certificate over TLS to the UI; the UI carries
/// it to the API in the API's forwarding header, the API believing it from the UI's address only (a trusted proxy).
/// </summary>
public class CitizenPagesTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Current = "80380000900000078001";
    private const string Renewed = "80380000900000078002";
    private const string Pin = "58214", Puk = "73920482", Cip = "64019373";
    private const string Header = "X-Client-Cert";

    private Dictionary<string, string> ApiSettings => new()
    {
        ["Authentication__ClientCertificate__ForwardingHeader"] = Header,
        ["Authentication__ClientCertificate__TrustedProxies__0"] = "127.0.0.1",
        ["Authentication__ClientCertificate__TrustedCaFiles__0"] = Factory.Certificates.CaFile,
        ["Authentication__ClientCertificate__CrlFiles__0"] = Factory.Certificates.CrlFile,
    };

    private static readonly Dictionary<string, string> UiSettings = new()
    {
        ["Web__Citizen__ApiCertificateHeader"] = Header,
        ["Web__Citizen__ClientCertificates"] = "true",
    };

    private async Task ActivateAtCounterAsync(string number, string mode)
    {
        var (counter, _, _) = await ActorAsync("Operator");
        var created = await OkAsync(await counter.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber = number, mode,
            delegationKind = mode == "DELEGATED" ? "TUTOR" : null,
            @delegate = mode == "DELEGATED" ? new { codiceFiscale = "RSSMRA80A01H501U", surname = "Rossi", givenName = "Mario" } : null,
            document = new { type = "CARTA_IDENTITA", number = "CA12345AB", issuedBy = "Comune di Firenze", issueDate = Iso(Today.AddYears(-2)), expiryDate = Iso(Today.AddYears(8)) },
            delivery = new { channel = "EMAIL", email = "titolare@example.it", emailConfirmation = "titolare@example.it" },
            privacyConsent = true,
        }), HttpStatusCode.Created);
        await OkAsync(await counter.PostAsync($"/api/v1/activations/{created.GetProperty("id").GetString()}/confirm",
            await counter.SignedAsync("activations", created.GetProperty("id").GetString())));
    }

    /// <summary>A holder with an active current card (activated at a counter in <paramref name="mode"/>) and a renewed one to activate.</summary>
    private async Task<(string Cf, DateOnly RenewedExpiry)> HolderAsync(string surname, string givenName, DateOnly birth, string mode = "DIRECT")
    {
        var cf = CodiceFiscale.Compute(surname, givenName, birth, 'M', "D612");
        var renewedExpiry = Today.AddYears(6);
        SecretLedger.Register("PUK of the citizen pages' renewed card", Puk);
        SecretLedger.Register("CIP of the citizen pages' renewed card", Cip);
        await FeedAsync(
            Card(Current, cf, expiry: Today.AddMonths(2), surname: surname, givenName: givenName, birth: birth),
            Card(Renewed, cf, expiry: renewedExpiry, pin: Pin, puk: Puk, cip: Cip, surname: surname, givenName: givenName, birth: birth));
        await ActivateAtCounterAsync(Current, mode);
        return (cf, renewedExpiry);
    }

    private static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;

    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, string page, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = Token(page);
        return await client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    [Fact]
    public async Task A_citizen_activates_the_renewed_card_in_the_browser_with_the_conferma_dati_step_and_sees_the_codes_once()
    {
        var (cf, renewedExpiry) = await HolderAsync("VERDI", "LUCA", new DateOnly(1975, 3, 3));
        var (cms, ui) = await WebUi.StartWithApiAsync(apiUrl => CmsProcess.StartAsync(Factory, Factory.SmtpPort, ApiSettings, url: apiUrl), UiSettings, https: true);
        await using var cmsLease = cms;
        await using var uiLease = ui;
        using var certificate = Factory.Certificates.SmartCardWithKey(cf);
        var page = await ui.NewCitizenPageAsync(certificate);

        await page.GotoAsync("/cittadino");
        await Assertions.Expect(page.GetByTestId("cittadino")).ToHaveTextAsync($"Utente: {cf}");
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "30-cittadino-area-riservata");
        await page.GetByRole(AriaRole.Link, new() { Name = "Attiva", Exact = true }).ClickAsync();

        // Step 1, with data the API finds no card for: its refusal in Italian, nothing activated.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Attivazione nuova tessera TS/CNS" })).ToBeVisibleAsync();
        await page.GetByLabel("Ultime 6 cifre del numero di identificazione della tessera").FillAsync(Renewed[^6..]);
        await page.GetByLabel("Data di scadenza della tessera").FillAsync(Iso(renewedExpiry.AddDays(1)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Nessuna nuova tessera intestata a lei");
        await WebUi.AssertAccessibleAsync(page);

        // Step 2, "Conferma dati": the card about to be activated, still not active; "Annulla" goes back with nothing done.
        await page.GetByLabel("Data di scadenza della tessera").FillAsync(Iso(renewedExpiry));
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("numero-tessera")).ToHaveTextAsync(Renewed);
        await Assertions.Expect(page.GetByTestId("conferma-dati")).ToContainTextAsync("VERDI LUCA");
        await Assertions.Expect(page.GetByTestId("conferma-dati")).ToContainTextAsync("03/03/1975");
        await Assertions.Expect(page.GetByTestId("fasi").Locator("[aria-current=step]")).ToHaveTextAsync("2 Conferma dati");
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "31-cittadino-conferma-dati");
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Renewed)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Annulla" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("annullata")).ToBeVisibleAsync();
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Renewed)));

        // Again to step 2; the box ticked, "Conferma": step 3, the whole codes and the protocol, in an answer nothing may keep.
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui" }).ClickAsync();
        await page.Locator("label[for=Input_Confirm]").ClickAsync();
        var answer = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Conferma", Exact = true }).ClickAsync(),
            r => r.Url.Contains("/cittadino/attivazione", StringComparison.Ordinal) && r.Request.Method == "POST");
        Assert.Contains("no-store", (await answer.AllHeadersAsync())["cache-control"]);
        await Assertions.Expect(page.GetByTestId("attivata")).ToContainTextAsync("La tua tessera TS/CNS è stata attivata.");
        await Assertions.Expect(page.GetByTestId("pin")).ToHaveTextAsync(Pin);
        await Assertions.Expect(page.GetByTestId("puk")).ToHaveTextAsync(Puk);
        await Assertions.Expect(page.GetByTestId("cip")).ToHaveTextAsync(Cip);
        var protocol = (await page.GetByTestId("protocollo").TextContentAsync())!.Trim();
        Assert.Matches("^[0-9]{17}$", protocol);
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "32-cittadino-codici");
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Renewed)));

        // The printable summary comes from the page itself (no second call could give the codes again), with its protocol.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Riepilogo codici (PDF)" }).ClickAsync());
        Assert.Equal($"riepilogo-codici-{protocol}.pdf", download.SuggestedFilename);
        using (var pdf = UglyToad.PdfPig.PdfDocument.Open(await File.ReadAllBytesAsync((await download.PathAsync())!)))
        {
            var text = string.Concat(pdf.GetPages().Select(p => p.Text));
            Assert.Contains(protocol, text);
            Assert.Contains(Puk, text);
        }

        // Away and back: the answer was not stored (no-store), the browser has no codes to show again.
        await page.GotoAsync("/cittadino");
        try
        {
            await page.GoBackAsync();
        }
        catch (PlaywrightException)
        {
            // Chromium's "confirm form resubmission" (ERR_CACHE_MISS): nothing to show, as intended.
        }
        await Assertions.Expect(page.GetByTestId("pin")).ToHaveCountAsync(0);
        Assert.DoesNotContain(Puk, await page.ContentAsync());
        // Reloading (the form sent again, with its one-use key) within 10 minutes, from the same card: the first answer again — what a
        // double click on "Conferma" shows (decision 0047) — with the same protocol, nothing activated twice.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("puk")).ToHaveTextAsync(Puk);
        await Assertions.Expect(page.GetByTestId("protocollo")).ToHaveTextAsync(protocol);
        // Later, no code any more: the stored answer is gone, the request runs again and finds the card already active.
        await Factory.ExecuteAsync("UPDATE platform.idempotency_keys SET created_at = created_at - interval '11 minutes' WHERE path = '/api/v1/citizen/renewals'");
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("pin")).ToHaveCountAsync(0);
        Assert.DoesNotContain(Puk, await page.ContentAsync());
        Assert.DoesNotContain(cms.Output, l => l.Contains(Puk, StringComparison.Ordinal) || l.Contains(Cip, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_citizen_pages_take_only_the_cards_certificate_and_give_the_apis_refusals_in_italian()
    {
        var (cf, renewedExpiry) = await HolderAsync("NERI", "PAOLO", new DateOnly(1962, 7, 7), mode: "DELEGATED");
        var (_, operatorCf, _) = await ActorAsync("Operator");
        var (cms, ui) = await WebUi.StartWithApiAsync(apiUrl => CmsProcess.StartAsync(Factory, Factory.SmtpPort, ApiSettings, url: apiUrl), UiSettings, https: true);
        await using var cmsLease = cms;
        await using var uiLease = ui;

        // Without a certificate: how to enter with the TS-CNS (401), no form.
        using (var nobody = ui.HttpClient())
        {
            var anonymous = await nobody.GetAsync("/cittadino/attivazione");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            var html = await anonymous.Content.ReadAsStringAsync();
            Assert.Contains("Accedi con TS-CNS", html);
            Assert.DoesNotContain("Input.NewCardLast6", html);

            // An operator's session does not open the citizens' area either.
            var signIn = await nobody.GetStringAsync("/accedi");
            var signedIn = await PostFormAsync(nobody, "/accedi", signIn, new() { ["Input.CodiceFiscale"] = operatorCf, ["Input.Password"] = OperatorPassword });
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
            Assert.Contains("Benvenuto", await signedIn.Content.ReadAsStringAsync());
            var withCookie = await nobody.GetAsync("/cittadino/attivazione");
            Assert.Equal(HttpStatusCode.Unauthorized, withCookie.StatusCode);
            Assert.DoesNotContain(operatorCf, await withCookie.Content.ReadAsStringAsync());
        }

        using var certificate = Factory.Certificates.SmartCardWithKey(cf);
        using var citizen = ui.HttpClient(certificate, allowRedirect: false);
        // The card's certificate does not open the operators' pages.
        var operatorHome = await citizen.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, operatorHome.StatusCode);
        Assert.Contains("/accedi", operatorHome.Headers.Location!.OriginalString);

        var form = await citizen.GetAsync("/cittadino/attivazione");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("no-store", form.Headers.CacheControl!.ToString());
        var formHtml = await form.Content.ReadAsStringAsync();
        Assert.Contains($"Utente: {cf}", formHtml);

        // Bad input: beside its field, in Italian.
        var bad = await (await PostFormAsync(citizen, "/cittadino/attivazione?handler=Verifica", formHtml,
            new() { ["Input.NewCardLast6"] = "12AB", ["Input.NewCardExpiryDate"] = Iso(renewedExpiry) })).Content.ReadAsStringAsync();
        Assert.Contains("id=\"Input_NewCardLast6_error\"", bad);
        Assert.Contains("Indicare le ultime 6 cifre", bad);

        // The current card was activated by a delegate: the API refuses, the page says to go to a counter; no confirmation offered.
        var refused = await PostFormAsync(citizen, "/cittadino/attivazione?handler=Verifica", formHtml,
            new() { ["Input.NewCardLast6"] = Renewed[^6..], ["Input.NewCardExpiryDate"] = Iso(renewedExpiry) });
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        Assert.Contains("non risulta eseguita direttamente dal titolare", refusedHtml);
        Assert.DoesNotContain("Conferma dati</h2>", refusedHtml);
        // A confirm sent straight away (the step skipped) is refused the same way: nothing activated.
        var forced = await PostFormAsync(citizen, "/cittadino/attivazione?handler=Conferma", formHtml,
            new() { ["Input.NewCardLast6"] = Renewed[^6..], ["Input.NewCardExpiryDate"] = Iso(renewedExpiry), ["Input.Confirm"] = "true" });
        Assert.Contains("sportello", await forced.Content.ReadAsStringAsync());
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Renewed)));

        // A certificate the API does not accept (not of the CNS CA): said on the page, as a refused sign-in.
        using var foreignWithKey = SelfSignedWithKey(cf);
        using var stranger = ui.HttpClient(foreignWithKey, allowRedirect: false);
        var strangerForm = await (await stranger.GetAsync("/cittadino/attivazione")).Content.ReadAsStringAsync();
        var strangerAnswer = await PostFormAsync(stranger, "/cittadino/attivazione?handler=Verifica", strangerForm,
            new() { ["Input.NewCardLast6"] = Renewed[^6..], ["Input.NewCardExpiryDate"] = Iso(renewedExpiry) });
        Assert.Equal(HttpStatusCode.Unauthorized, strangerAnswer.StatusCode);
        Assert.Contains("Il certificato presentato non è accettato", await strangerAnswer.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// TLS ended at a proxy in front of the UI (decision 0047): the UI takes the citizen's certificate from
    /// <c>Web:Citizen:ForwardingHeader</c> sent by a known proxy (127.0.0.1) and carries it to the API; the same header from
    /// another source (127.0.0.2) is dropped and logged without its content.
    /// </summary>
    [Fact]
    public async Task Behind_a_tls_proxy_the_ui_takes_the_citizens_certificate_only_from_a_known_proxy()
    {
        var (cf, renewedExpiry) = await HolderAsync("BIANCHI", "ELIO", new DateOnly(1970, 1, 9));
        await using var cms = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, ApiSettings);
        await using var ui = await WebUi.StartAsync(cms.Url, new Dictionary<string, string>
        {
            ["Web__Citizen__ApiCertificateHeader"] = Header,
            ["Web__Citizen__ForwardingHeader"] = "X-SSL-Client-Cert",
            ["Web__KnownProxies__0"] = "127.0.0.1",
            ["Web__Citizen__Only"] = "true", // a citizens' instance, as a region runs it
        });
        using var certificate = Factory.Certificates.SmartCard(cf);
        var escapedPem = Uri.EscapeDataString(certificate.ExportCertificatePem()); // as nginx's $ssl_client_escaped_cert

        async Task<HttpResponseMessage> FromAsync(IPAddress source, HttpMethod method, string path, HttpContent? content = null,
            System.Net.CookieContainer? cookies = null)
        {
            using var client = ClientFrom(source, ui.Url, cookies ?? new System.Net.CookieContainer());
            using var request = new HttpRequestMessage(method, path) { Content = content };
            request.Headers.Add("X-SSL-Client-Cert", escapedPem);
            return await client.SendAsync(request);
        }

        var cookies = new System.Net.CookieContainer();
        var form = await FromAsync(IPAddress.Loopback, HttpMethod.Get, "/cittadino/attivazione", cookies: cookies);
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        var html = await form.Content.ReadAsStringAsync();
        Assert.Contains($"Utente: {cf}", html);
        var preview = await FromAsync(IPAddress.Loopback, HttpMethod.Post, "/cittadino/attivazione?handler=Verifica", new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = Token(html), ["Input.NewCardLast6"] = Renewed[^6..], ["Input.NewCardExpiryDate"] = Iso(renewedExpiry),
            }), cookies);
        var previewHtml = await preview.Content.ReadAsStringAsync();
        Assert.Contains("Conferma dati</h2>", previewHtml);
        Assert.Contains(Renewed, previewHtml);

        var stranger = await FromAsync(IPAddress.Parse("127.0.0.2"), HttpMethod.Get, "/cittadino/attivazione");
        Assert.Equal(HttpStatusCode.Unauthorized, stranger.StatusCode);
        Assert.Contains("Accedi con TS-CNS", await stranger.Content.ReadAsStringAsync());
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Renewed)));

        // A citizens' instance has no operators' pages: no sign-in, no home, no card page, whoever asks.
        foreach (var path in new[] { "/", "/accedi", "/identifica", "/ente/revoca" })
            Assert.Equal(HttpStatusCode.NotFound, (await FromAsync(IPAddress.Loopback, HttpMethod.Get, path)).StatusCode);
        var signIn = await FromAsync(IPAddress.Loopback, HttpMethod.Post, "/accedi", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["codiceFiscale"] = cf, ["password"] = "x" }));
        Assert.Equal(HttpStatusCode.NotFound, signIn.StatusCode);
    }

    private static string KeyOf(string html) => Regex.Match(html, "name=\"Input.Key\" value=\"([^\"]+)\"").Groups[1].Value;

    /// <summary>
    /// A double "Conferma" (decision 0047): the form carries the one-use key drawn with "Conferma dati", the API replays its first
    /// answer to the same certificate, so the second answer — the one the browser shows — has the codes too. Another certificate
    /// (even the same holder's) sending that key gets no stored answer: the request runs for it, and finds the card already active.
    /// </summary>
    [Fact]
    public async Task A_double_conferma_shows_the_same_codes_and_the_key_gives_nothing_to_another_certificate()
    {
        var (cf, renewedExpiry) = await HolderAsync("ROSSETTI", "GINO", new DateOnly(1968, 4, 4));
        await using var cms = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, ApiSettings);
        await using var ui = await WebUi.StartAsync(cms.Url, UiSettings, https: true);
        using var certificate = Factory.Certificates.SmartCardWithKey(cf);
        using var citizen = ui.HttpClient(certificate, allowRedirect: false);

        var form = await citizen.GetStringAsync("/cittadino/attivazione");
        var preview = await (await PostFormAsync(citizen, "/cittadino/attivazione?handler=Verifica", form,
            new() { ["Input.NewCardLast6"] = Renewed[^6..], ["Input.NewCardExpiryDate"] = Iso(renewedExpiry) })).Content.ReadAsStringAsync();
        Assert.Contains("Conferma dati</h2>", preview);
        var key = KeyOf(preview);
        Assert.Matches("^cittadino-[0-9a-f]{32}$", key);
        Dictionary<string, string> Confirm() => new()
        {
            ["Input.NewCardLast6"] = Renewed[^6..], ["Input.NewCardExpiryDate"] = Iso(renewedExpiry), ["Input.Confirm"] = "true", ["Input.Key"] = key,
        };

        var first = await PostFormAsync(citizen, "/cittadino/attivazione?handler=Conferma", preview, Confirm());
        var firstHtml = await first.Content.ReadAsStringAsync();
        Assert.Contains($"data-testid=\"puk\">{Puk}<", firstHtml);
        var protocol = Regex.Match(firstHtml, "data-testid=\"protocollo\">([0-9]{17})<").Groups[1].Value;
        Assert.NotEmpty(protocol);
        var second = await PostFormAsync(citizen, "/cittadino/attivazione?handler=Conferma", preview, Confirm());
        var secondHtml = await second.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains($"data-testid=\"pin\">{Pin}<", secondHtml);
        Assert.Contains($"data-testid=\"puk\">{Puk}<", secondHtml);
        Assert.Contains($"data-testid=\"cip\">{Cip}<", secondHtml);
        Assert.Contains($"data-testid=\"protocollo\">{protocol}<", secondHtml);
        Assert.Contains("no-store", second.Headers.CacheControl!.ToString());
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'ACTIVATION' AND outcome = 'SUCCEEDED' AND card_number = @n", ("n", Renewed)));
        // Kept sealed, for the certificate that sent it: the codes are nowhere in clear.
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM platform.idempotency_keys WHERE key = @k AND path = '/api/v1/citizen/renewals' AND body_ciphertext IS NOT NULL", ("k", key)));
        var sealedBody = await Factory.ScalarAsync<byte[]>("SELECT body_ciphertext FROM platform.idempotency_keys WHERE key = @k", ("k", key));
        Assert.DoesNotContain(Puk, System.Text.Encoding.Latin1.GetString(sealedBody));

        // The same holder's other certificate, the same key: no replay (its own request runs and finds the card already active).
        using var other = Factory.Certificates.SmartCardWithKey(cf);
        using var stranger = ui.HttpClient(other, allowRedirect: false);
        var otherForm = await stranger.GetStringAsync("/cittadino/attivazione");
        var otherHtml = await (await PostFormAsync(stranger, "/cittadino/attivazione?handler=Conferma", otherForm, Confirm())).Content.ReadAsStringAsync();
        Assert.DoesNotContain("data-testid=\"pin\"", otherHtml);
        Assert.DoesNotContain(Puk, otherHtml);
        Assert.DoesNotContain(protocol, otherHtml);
        Assert.DoesNotContain(cms.Output, l => l.Contains(Puk, StringComparison.Ordinal) || l.Contains(Cip, StringComparison.Ordinal));
    }

    /// <summary>
    /// The API does not answer the "Conferma" in time (here: a loopback server that accepts and never answers, and a 2 s timeout):
    /// the card may have been activated, so the page says so in Italian and offers "Verifica esito" with the same key — never a 500.
    /// </summary>
    [Fact]
    public async Task A_conferma_the_api_does_not_answer_says_it_may_have_been_done_and_is_never_a_500()
    {
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<System.Net.Sockets.TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true) held.Add(await silent.AcceptTcpClientAsync(stop.Token));
            }
            catch (OperationCanceledException) { }
        });
        try
        {
            await using var ui = await WebUi.StartAsync($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}",
                new Dictionary<string, string>(UiSettings) { ["Web__Citizen__ApiTimeoutSeconds"] = "2" }, https: true);
            var cf = CodiceFiscale.Compute("MORI", "DINO", new DateOnly(1971, 2, 2), 'M', "D612");
            using var certificate = Factory.Certificates.SmartCardWithKey(cf);
            using var citizen = ui.HttpClient(certificate, allowRedirect: false);
            var form = await citizen.GetStringAsync("/cittadino/attivazione");
            const string key = "cittadino-0123456789abcdef0123456789abcdef";
            var answer = await PostFormAsync(citizen, "/cittadino/attivazione?handler=Conferma", form, new()
            {
                ["Input.NewCardLast6"] = "078002", ["Input.NewCardExpiryDate"] = Iso(Today.AddYears(6)), ["Input.Confirm"] = "true", ["Input.Key"] = key,
            });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var html = await answer.Content.ReadAsStringAsync();
            Assert.Contains("La richiesta potrebbe essere stata eseguita", html);
            Assert.Contains("data-testid=\"esito-incerto\"", html);
            Assert.Contains("Verifica esito", html);
            Assert.Equal(key, KeyOf(html));
        }
        finally
        {
            await stop.CancelAsync();
            await accepting;
            foreach (var client in held) client.Dispose();
        }
    }

    /// <summary>
    /// The API's forwarding header (Web:Citizen:ApiCertificateHeader) sent by the browser itself is not passed on: the UI forwards
    /// only the certificate it received over TLS. A browser presenting its own card and naming another holder's certificate in that
    /// header acts as itself; without a certificate of its own it is not signed in at all.
    /// </summary>
    [Fact]
    public async Task A_certificate_header_sent_by_the_browser_is_not_passed_on_to_the_api()
    {
        var (victimCf, renewedExpiry) = await HolderAsync("BRUNI", "CARLO", new DateOnly(1966, 6, 6));
        var (cms, ui) = await WebUi.StartWithApiAsync(apiUrl => CmsProcess.StartAsync(Factory, Factory.SmtpPort, ApiSettings, url: apiUrl), UiSettings, https: true);
        await using var cmsLease = cms;
        await using var uiLease = ui;
        using var victim = Factory.Certificates.SmartCard(victimCf);
        var forged = TestCertificates.HeaderValue(victim);
        Dictionary<string, string> Fields(bool confirm) => new()
        {
            ["Input.NewCardLast6"] = Renewed[^6..], ["Input.NewCardExpiryDate"] = Iso(renewedExpiry), ["Input.Confirm"] = confirm ? "true" : "false",
        };

        // No certificate of its own: not signed in, whatever the header says.
        using (var nobody = ui.HttpClient(allowRedirect: false))
        {
            nobody.DefaultRequestHeaders.TryAddWithoutValidation(Header, forged);
            var anonymous = await nobody.GetAsync("/cittadino/attivazione");
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.DoesNotContain(victimCf, await anonymous.Content.ReadAsStringAsync());
        }

        // Its own card's certificate (a holder with no card to renew) and the victim's in the header: it acts as itself.
        var attackerCf = CodiceFiscale.Compute("LUPI", "ENZO", new DateOnly(1980, 8, 8), 'M', "D612");
        using var attacker = Factory.Certificates.SmartCardWithKey(attackerCf);
        using var client = ui.HttpClient(attacker, allowRedirect: false);
        client.DefaultRequestHeaders.TryAddWithoutValidation(Header, forged);
        var form = await client.GetStringAsync("/cittadino/attivazione");
        Assert.Contains($"Utente: {attackerCf}", form);
        var check = await (await PostFormAsync(client, "/cittadino/attivazione?handler=Verifica", form, Fields(confirm: false))).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Conferma dati</h2>", check);
        Assert.DoesNotContain(Renewed, check);
        Assert.DoesNotContain("BRUNI", check);
        var confirm = await (await PostFormAsync(client, "/cittadino/attivazione?handler=Conferma", form, Fields(confirm: true))).Content.ReadAsStringAsync();
        Assert.DoesNotContain("data-testid=\"pin\"", confirm);
        Assert.DoesNotContain(Puk, confirm);
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Renewed)));
    }

    /// <summary>An HTTP client whose connections leave from <paramref name="source"/> (any 127.x address is this host).</summary>
    private static HttpClient ClientFrom(IPAddress source, string url, System.Net.CookieContainer cookies) => new(new SocketsHttpHandler
    {
        CookieContainer = cookies,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream,
                System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 SelfSignedWithKey(string cf)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(TestCertificates.CnsSubject(cf), key,
            System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension(
            [new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }
}
