using System.Diagnostics;
using Cms.CardEmulator;
using Cms.Infrastructure.DemoData;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Cms.Integration.Tests;

/// <summary>
/// Identification with the desk's reader from the web UI: Chromium on the UI's reader page, the page's form posting to
/// <c>cms-reader bridge</c> (a real process), which reads the emulated TS-CNS through the real pcscd and posts the chip's
/// data back to the UI, which identifies the card on the running API in reader mode.
/// </summary>
public class ReaderBrowserTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Operator = "BNCMRA75C12D612R";

    private sealed class Bridge : IAsyncDisposable
    {
        private readonly Process process;

        private Bridge(Process process, string url)
        {
            this.process = process;
            Url = url;
        }

        public string Url { get; }

        public static async Task<Bridge> StartAsync(string webUrl, int port)
        {
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "cms-reader.dll"), "bridge", "--web", webUrl, "--port", port.ToString()])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            };
            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) SecretLedger.Log(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) SecretLedger.Log(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var url = $"http://127.0.0.1:{port}";
            using var http = new HttpClient();
            var until = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"cms-reader bridge exited with {process.ExitCode}");
                try
                {
                    if ((await http.GetAsync(url + "/")).IsSuccessStatusCode) return new Bridge(process, url);
                }
                catch (HttpRequestException) { }
                if (DateTime.UtcNow > until) throw new TimeoutException("cms-reader bridge did not start.");
                await Task.Delay(200);
            }
        }

        public ValueTask DisposeAsync()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private async Task<(CmsProcess Cms, WebUi Ui, Bridge Bridge)> StartAsync()
    {
        var cms = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>
        {
            ["DemoData__Enabled"] = "true",
            ["Security__PasswordHashing__Iterations"] = "1000",
        });
        var bridgePort = FakeSmsGateway.FreePort();
        var ui = await WebUi.StartAsync(cms.Url, new Dictionary<string, string> { ["Web__ReaderBridgeUrl"] = $"http://127.0.0.1:{bridgePort}" });
        var bridge = await Bridge.StartAsync(ui.Url, bridgePort);
        return (cms, ui, bridge);
    }

    [Fact]
    public async Task An_operator_identifies_the_card_in_the_desks_reader_from_the_browser_and_each_failure_is_named()
    {
        var (cms, ui, bridge) = await StartAsync();
        await using var _ = cms;
        await using var __ = ui;
        await using var ___ = bridge;
        var holder = await Factory.HolderAsync();
        var page = await ui.NewPageAsync();
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);

        // No card in the reader: the bridge says so and offers to read again.
        await page.GetByRole(AriaRole.Link, new() { Name = "Lettura della TS-CNS con il lettore" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Lettura con il lettore di smart card" })).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);
        // The form to the desk's bridge (another origin) carries no key of this site.
        await Assertions.Expect(page.Locator("form[action$='/leggi'] input[name=idempotencyKey]")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Leggi la tessera" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Lettura non riuscita" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Nessuna carta nel lettore");
        await WebUi.AssertAccessibleAsync(page);

        // The card goes in: read again, the bridge shows whose card it is, and the UI shows the card identified by its chip.
        await using (await VpcdCard.InsertAsync(TsCnsCardEmulator.For(DemoChip.Card, holder)))
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Leggi di nuovo" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tessera letta" })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync($"{holder.Surname} {holder.GivenName}");
            await WebUi.AssertAccessibleAsync(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui sul CMS" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("card-state")).ToHaveTextAsync("Non attiva");
            Assert.Contains($"/carta/{DemoChip.Card}?operazione=attivazione", page.Url);
            Assert.Equal(1L, await Factory.ScalarAsync<long>(
                "SELECT count(*) FROM audit.operations WHERE type = 'IDENTIFICATION' AND detail = 'chip' AND card_number = @n", ("n", DemoChip.Card)));
            // No personal data in clear in the address the browser went through.
            Assert.DoesNotContain(holder.CodiceFiscale, page.Url);
        }

        // A chip that differs from the registry: the API's refusal, in Italian, on the reader page.
        await using (await VpcdCard.InsertAsync(TsCnsCardEmulator.For(DemoChip.Card, holder with { Surname = "ALTRO" })))
        {
            await page.GotoAsync("/identifica/lettore?operazione=ristampa");
            await page.GetByRole(AriaRole.Button, new() { Name = "Leggi la tessera" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui sul CMS" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("non corrispondono a quelli in banca dati");
            await Assertions.Expect(page.GetByText("Operazione:")).ToContainTextAsync("Ristampa PIN/PUK");
            await WebUi.AssertAccessibleAsync(page);
        }

        // A sealed reading opens only in the session that asked for it: another operator's browser is refused.
        var other = await ui.NewPageAsync();
        await WebUi.SignInAsync(other, Operator, DemoAccounts.Password);
        await using (await VpcdCard.InsertAsync(TsCnsCardEmulator.For(DemoChip.Card, holder)))
        {
            await page.GotoAsync("/identifica/lettore?operazione=attivazione");
            await page.GetByRole(AriaRole.Button, new() { Name = "Leggi la tessera" }).ClickAsync();
            // Stop at the bridge's page and hand its form to the other session.
            await page.RouteAsync("**/identifica/lettore?*lettura=*", async route =>
            {
                await other.GotoAsync(route.Request.Url);
                await route.AbortAsync();
            });
            await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui sul CMS" }).ClickAsync();
            await Assertions.Expect(other.GetByRole(AriaRole.Alert)).ToContainTextAsync("scaduta o non è valida");
        }
    }

    [Fact]
    public async Task Recupera_dati_delegato_reads_the_delegates_card_into_the_activation_form_and_the_request_records_it()
    {
        var (cms, ui, bridge) = await StartAsync();
        await using var _ = cms;
        await using var __ = ui;
        await using var ___ = bridge;
        // The holder's card (an adult's, not active); the delegate's card is the demo card, in the reader.
        const string holderCard = "80380000900000061101";
        await FeedAsync(Card(holderCard, surname: "FERRARI", givenName: "GIULIA", birth: new DateOnly(1950, 3, 4)));
        var delegatePerson = await Factory.HolderAsync();
        var page = await ui.NewPageAsync();
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);

        await page.GotoAsync($"/attivazione/nuova/{holderCard}");
        await page.GetByLabel("Numero del documento").FillAsync("CA7654321"); // typed before the reading: kept
        await page.GetByRole(AriaRole.Button, new() { Name = "Recupera dati delegato" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Recupera dati delegato" })).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);
        await using (await VpcdCard.InsertAsync(TsCnsCardEmulator.For(DemoChip.Card, delegatePerson)))
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Leggi la tessera del delegato" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tessera letta" })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui sul CMS" }).ClickAsync();
        }
        // Back on the form: the delegate filled in from the card, the mode set to delegated, what was typed still there.
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"TS-CNS n. {DemoChip.Card}");
        await Assertions.Expect(page.GetByLabel("Codice fiscale del delegato")).ToHaveValueAsync(delegatePerson.CodiceFiscale);
        await Assertions.Expect(page.GetByLabel("Cognome del delegato")).ToHaveValueAsync(delegatePerson.Surname);
        await Assertions.Expect(page.Locator("#Input_Mode_DELEGATED")).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByLabel("Numero del documento")).ToHaveValueAsync("CA7654321");
        Assert.DoesNotContain(delegatePerson.CodiceFiscale, page.Url);
        await WebUi.AssertAccessibleAsync(page);

        await page.GetByLabel(new System.Text.RegularExpressions.Regex("^Titolo della delega")).SelectOptionAsync("TUTOR");
        await page.GetByLabel("Tipo di documento").SelectOptionAsync("CARTA_IDENTITA");
        await page.GetByLabel("Rilasciato da").FillAsync("Comune di Firenze");
        await page.GetByLabel("Data di rilascio").FillAsync(DateTime.Today.AddYears(-2).ToString("yyyy-MM-dd"));
        await page.Locator("#Input_Document_ExpiryDate").FillAsync(DateTime.Today.AddYears(8).ToString("yyyy-MM-dd"));
        await page.Locator("label[for=Input_Delivery_Channel_EMAIL]").ClickAsync();
        await page.GetByLabel("Indirizzo e-mail", new() { Exact = true }).FillAsync("tutore@example.it");
        await page.GetByLabel("Conferma indirizzo e-mail").FillAsync("tutore@example.it");
        await page.Locator("label[for=Input_PrivacyConsent]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("delegate")).ToContainTextAsync($"dati letti dalla sua TS-CNS n. {DemoChip.Card}");
        Assert.Equal(DemoChip.Card, await Factory.ScalarAsync<string>(
            "SELECT delegate_card_number FROM activation.requests WHERE card_number = @n", ("n", holderCard)));

        // The holder's own card in the reader is refused as the delegate's, beside the delegate's fields.
        await page.GetByRole(AriaRole.Link, new() { Name = "Modifica" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Recupera dati delegato" }).ClickAsync();
        var holder = await Factory.HolderAsync(holderCard);
        await using (await VpcdCard.InsertAsync(TsCnsCardEmulator.For(holderCard, holder)))
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Leggi la tessera del delegato" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui sul CMS" }).ClickAsync();
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Salva e torna al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_Delegate_CodiceFiscale_error")).ToContainTextAsync("tessera letta è del titolare");
    }

    /// <summary>
    /// What the bridge does on "Prosegui sul CMS", without the bridge: posts the chip's data with the page's state to the return
    /// page, and gives the address it sends the browser on to (the sealed reading in it).
    /// </summary>
    private static async Task<string> SealAsync(WebUi ui, IPage page, Cms.ReaderSdk.Cns.PersonalData chip, string cardNumber)
    {
        var state = await page.Locator("input[name=stato]").GetAttributeAsync("value");
        using var http = ui.HttpClient();
        var answer = await http.PostAsync("/identifica/lettore/ritorno", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["stato"] = state!, ["numeroTessera"] = cardNumber, ["codiceFiscale"] = chip.CodiceFiscale, ["cognome"] = chip.Surname,
            ["nome"] = chip.GivenName, ["dataNascita"] = chip.BirthDate.ToString("yyyy-MM-dd"), ["dataScadenza"] = chip.ExpiryDate.ToString("yyyy-MM-dd"),
        }));
        var match = System.Text.RegularExpressions.Regex.Match(await answer.Content.ReadAsStringAsync(), "url=([^\"]+)\"");
        Assert.True(match.Success, "the return page did not send the browser on");
        return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    private static string SealedIn(string next, string parameter) =>
        System.Text.RegularExpressions.Regex.Match(next, $"[?&]{parameter}=([^&]+)").Groups[1].Value;

    [Fact]
    public async Task A_reading_is_taken_only_for_what_it_was_made_for_and_a_kept_form_only_by_the_operator_who_kept_it()
    {
        var (cms, ui) = await WebUi.StartWithApiAsync(apiUrl => CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>
        {
            ["DemoData__Enabled"] = "true",
            ["Security__PasswordHashing__Iterations"] = "1000",
        }, url: apiUrl));
        await using var cmsLease = cms;
        await using var uiLease = ui;
        const string holderCard = "80380000900000061201", form = $"/attivazione/nuova/{holderCard}";
        await FeedAsync(Card(holderCard, surname: "FERRARI", givenName: "GIULIA", birth: new DateOnly(1950, 3, 4)));
        var demo = await Factory.HolderAsync(); // the demo card's chip: it matches the registry
        var page = await ui.NewPageAsync();
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);

        // A reading made for identification is no delegate's card for a request form.
        await page.GotoAsync("/identifica/lettore?operazione=attivazione");
        var identification = SealedIn(await SealAsync(ui, page, demo, DemoChip.Card), "lettura");
        await page.GotoAsync($"{form}?delegato={identification}");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "tessera del delegato è scaduta o non è valida" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Codice fiscale del delegato")).ToHaveValueAsync("");

        // A delegate's card read for the form identifies no card on the reader page.
        await page.GetByLabel("Numero del documento").FillAsync("CA7654321");
        await page.GetByRole(AriaRole.Button, new() { Name = "Recupera dati delegato" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Recupera dati delegato" })).ToBeVisibleAsync();
        var back = await SealAsync(ui, page, demo, DemoChip.Card);
        await page.GotoAsync($"/identifica/lettore?operazione=attivazione&lettura={SealedIn(back, "delegato")}");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "scaduta o non è valida" })).ToBeVisibleAsync();
        Assert.DoesNotContain("/carta/", page.Url);
        // On its own form it fills the delegate in, and what the operator typed comes back.
        await page.GotoAsync(back);
        await Assertions.Expect(page.GetByLabel("Codice fiscale del delegato")).ToHaveValueAsync(demo.CodiceFiscale);
        await Assertions.Expect(page.GetByLabel("Numero del documento")).ToHaveValueAsync("CA7654321");

        // The form kept for another reading belongs to this operator's session: the next operator at the desk (same browser)
        // opening the same form gets an empty one.
        await page.GetByRole(AriaRole.Button, new() { Name = "Recupera dati delegato" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Recupera dati delegato" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();
        await WebUi.SignInAsync(page, "VRDLCU82L44D612C", DemoAccounts.Password); // Lucia Verdi, another operator
        await page.GotoAsync(form);
        await Assertions.Expect(page.GetByLabel("Numero del documento")).ToHaveValueAsync("");
        await Assertions.Expect(page.GetByLabel("Codice fiscale del delegato")).ToHaveValueAsync("");
    }

    [Fact]
    public async Task The_bridge_answers_only_the_web_ui_it_was_started_for_and_the_ui_only_its_own_state()
    {
        // Started without saying which web UI may use it, it does not start.
        using (var bare = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "cms-reader.dll"), "bridge"])
               { RedirectStandardOutput = true, RedirectStandardError = true })!)
        {
            var error = bare.StandardError.ReadToEndAsync();
            await bare.WaitForExitAsync();
            Assert.Equal(2, bare.ExitCode);
            Assert.Contains("--web", await error);
        }

        var (cms, ui, bridge) = await StartAsync();
        await using var _ = cms;
        await using var __ = ui;
        await using var ___ = bridge;
        using var http = new HttpClient();

        async Task<HttpResponseMessage> PostAsync(string url, string? origin, Dictionary<string, string> form, string? host = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
            if (origin is not null) request.Headers.Add("Origin", origin);
            if (host is not null) request.Headers.Host = host;
            return await http.SendAsync(request);
        }

        var good = new Dictionary<string, string>
        {
            ["stato"] = "x", ["ritorno"] = ui.Url + "/identifica/lettore/ritorno", ["indietro"] = ui.Url + "/identifica/lettore",
        };
        // Another site open in the browser, a form without an origin, or data sent elsewhere: refused before the card is touched.
        Assert.Equal(403, (int)(await PostAsync(bridge.Url + "/leggi", "https://malevolo.example", good)).StatusCode);
        Assert.Equal(403, (int)(await PostAsync(bridge.Url + "/leggi", null, good)).StatusCode);
        Assert.Equal(403, (int)(await PostAsync(bridge.Url + "/leggi", ui.Url,
            new Dictionary<string, string>(good) { ["ritorno"] = "https://malevolo.example/raccogli" })).StatusCode);
        // A name that resolves to the loopback for a while (DNS rebinding) is not the loopback.
        Assert.Equal(421, (int)(await PostAsync(bridge.Url + "/leggi", ui.Url, good, host: "malevolo.example")).StatusCode);
        // The origin it was started for gets an answer (no card: "Lettura non riuscita"), never cached, never framed.
        var allowed = await PostAsync(bridge.Url + "/leggi", ui.Url, good);
        Assert.Equal(200, (int)allowed.StatusCode);
        Assert.Contains("Lettura non riuscita", await allowed.Content.ReadAsStringAsync());
        Assert.Equal("no-store", allowed.Headers.CacheControl?.ToString());
        Assert.Contains("frame-ancestors 'none'", allowed.Headers.GetValues("Content-Security-Policy").Single());

        // The UI takes chip data back only with a state it issued itself.
        var forged = await PostAsync(ui.Url + "/identifica/lettore/ritorno", null, new Dictionary<string, string>
        {
            ["stato"] = "falso", ["numeroTessera"] = DemoChip.Card, ["codiceFiscale"] = "RSSMRA80A01H501U", ["cognome"] = "ROSSI",
            ["nome"] = "MARIO", ["dataNascita"] = "1980-01-01", ["dataScadenza"] = "2030-01-01",
        });
        var body = await forged.Content.ReadAsStringAsync();
        Assert.Contains("scaduta o non", body);
        Assert.DoesNotContain("lettura=", body);
    }
}
