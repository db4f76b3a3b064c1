using System.Text;
using Cms.Infrastructure.DemoData;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Cms.Integration.Tests;

/// <summary>
/// The issuer's pages of the web UI (decision 0048): revocation on the issuer's initiative and the card feed uploaded from the
/// browser. The real UI process in front of the real API process with the demo data, Chromium, axe-core on every step.
/// </summary>
public class IssuerPagesTests(CmsFactory factory, DemoStack demo) : ApiTest(factory), IClassFixture<DemoStack>
{
    public override async Task DisposeAsync()
    {
        await demo.EndTestAsync();
        await base.DisposeAsync();
    }

    private static readonly string Issuer = DemoAccounts.Accounts.Single(a => a.Roles.Contains("Issuer")).CodiceFiscale;

    private async Task<string> ActiveDemoCardAsync() =>
        (await Factory.ScalarAsync<string>("""
            SELECT card_number FROM identification.cards WHERE state = 'ACTIVE' AND expiry_date > current_date ORDER BY card_number LIMIT 1
            """)).Trim();

    private static string FeedLine(string cardNumber, string? codiceFiscale = null)
    {
        var line = Card(cardNumber, surname: "PAGINA", givenName: "ENTE");
        if (codiceFiscale is not null) line.Holder!.CodiceFiscale = codiceFiscale;
        SecretLedger.Register("PUK of a fed card", line.Codes?.Puk);
        SecretLedger.Register("CIP of a fed card", line.Codes?.Cip);
        return DemoPopulation.ToNdjsonLine(line);
    }

    [Fact]
    public async Task An_issuer_revokes_a_card_by_number_after_a_confirmation_each_refusal_beside_its_field()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync();
        var number = await ActiveDemoCardAsync();

        // The issuer signs in to the web UI; its menu has its two pages and none of a counter's.
        await WebUi.SignInAsync(page, Issuer, DemoAccounts.Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ente emettitore" })).ToBeVisibleAsync();
        var menu = page.GetByRole(AriaRole.Navigation, new() { Name = "Menu principale" });
        await Assertions.Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Caricamento tessere" })).ToBeVisibleAsync();
        await Assertions.Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Attivazione" })).ToHaveCountAsync(0);
        await WebUi.AssertAccessibleAsync(page);

        // Sent empty: each field says what it needs; nothing sent to the API.
        await menu.GetByRole(AriaRole.Link, new() { Name = "Revoca d'ufficio" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui alla conferma" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_CardNumber_error")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#Input_Reason_error")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Numero di identificazione della tessera")).ToHaveAttributeAsync("aria-invalid", "true");
        await WebUi.AssertAccessibleAsync(page);

        // A number of a card not in the registry: the API's refusal, in Italian, beside the number; the form kept.
        var unknown = "80380000907700000009";
        await page.GetByLabel("Numero di identificazione della tessera").FillAsync(unknown);
        await page.GetByLabel("Motivo").SelectOptionAsync("DECESSO");
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui alla conferma" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("card-number")).ToHaveTextAsync(unknown);
        await page.GetByLabel("Ridigitare il numero della tessera").FillAsync(unknown);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma la revoca" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_CardNumber_error")).ToContainTextAsync("non presente in banca dati");
        await Assertions.Expect(page.GetByLabel("Motivo")).ToHaveValueAsync("DECESSO");
        await WebUi.AssertAccessibleAsync(page);

        // The card: the confirmation writes nothing; "Modifica" goes back with the values; then confirmed.
        await page.GetByLabel("Numero di identificazione della tessera").FillAsync(number);
        await page.GetByLabel("Motivo").SelectOptionAsync("MANCATO_RECAPITO");
        await page.GetByLabel("Nota").FillAsync("Tessera restituita dal vettore");
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui alla conferma" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("issuer-revocation-summary")).ToContainTextAsync("Mancato recapito della tessera");
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));
        await WebUi.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Modifica" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Numero di identificazione della tessera")).ToHaveValueAsync(number);
        await Assertions.Expect(page.GetByLabel("Nota")).ToHaveValueAsync("Tessera restituita dal vettore");
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui alla conferma" }).ClickAsync();
        // A revocation is final: the number is typed again; one wrong digit is refused and nothing is revoked.
        var typo = number[..^1] + (number[^1] == '0' ? '1' : '0');
        await page.GetByLabel("Ridigitare il numero della tessera").FillAsync(typo);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma la revoca" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_ConfirmCardNumber_error")).ToContainTextAsync("non corrisponde");
        await Assertions.Expect(page.GetByTestId("card-number")).ToHaveTextAsync(number);
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));
        await WebUi.AssertAccessibleAsync(page);
        await page.GetByLabel("Ridigitare il numero della tessera").FillAsync(number);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma la revoca" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("issuer-revocation-outcome")).ToContainTextAsync($"La tessera {number} è revocata");
        await Assertions.Expect(page.GetByTestId("issuer-revocation-outcome")).ToContainTextAsync("MANCATO RECAPITO");
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "11-revoca-d-ufficio");
        Assert.Equal("REVOKED", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM revocation.issuer_revocations WHERE card_number = @n AND reason = 'MANCATO_RECAPITO'", ("n", number)));

        // The same card again: revocation is final, refused beside the number, nothing more written.
        await page.GetByRole(AriaRole.Link, new() { Name = "Revoca un'altra tessera" }).ClickAsync();
        await page.GetByLabel("Numero di identificazione della tessera").FillAsync(number);
        await page.GetByLabel("Motivo").SelectOptionAsync("DECESSO");
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui alla conferma" }).ClickAsync();
        await page.GetByLabel("Ridigitare il numero della tessera").FillAsync(number);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma la revoca" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_CardNumber_error")).ToBeVisibleAsync();
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM revocation.issuer_revocations WHERE card_number = @n", ("n", number)));
    }

    [Fact]
    public async Task An_issuer_uploads_a_card_feed_sees_its_progress_and_the_rejected_line_with_its_number_and_rule()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync();
        await WebUi.SignInAsync(page, Issuer, DemoAccounts.Password);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Menu principale" }).GetByRole(AriaRole.Link, new() { Name = "Caricamento tessere" }).ClickAsync();

        // Sent without a file: said beside the file's field.
        await page.GetByRole(AriaRole.Button, new() { Name = "Carica il file" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Feed_error")).ToContainTextAsync("Scegliere il file");
        await WebUi.AssertAccessibleAsync(page);

        // Two good cards around a bad codice fiscale (line 3), with a good part of blank lines between: the upload takes a while.
        var feed = new StringBuilder();
        feed.Append(FeedLine("80380000907700000101")).Append('\n');
        for (var i = 0; i < 6; i++) feed.Append(' ', 1024 * 1024).Append('\n');
        feed.Append(FeedLine("80380000907700000103", codiceFiscale: "RSSMRA80A01H501X")).Append('\n');
        feed.Append(FeedLine("80380000907700000102")).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(feed.ToString());
        await page.GetByLabel("File NDJSON delle tessere").SetInputFilesAsync(new FilePayload
        {
            Name = "tessere.ndjson", MimeType = "application/x-ndjson", Buffer = bytes,
        });
        await WebUi.AssertAccessibleAsync(page);

        // The progress the page's script shows while the file goes, kept as it changes (the result replaces it).
        await page.EvaluateAsync("""
            () => {
                window.feedProgress = [];
                const text = document.querySelector("[data-testid=feed-progress-text]");
                new MutationObserver(() => window.feedProgress.push(text.textContent)).observe(text, { childList: true, characterData: true, subtree: true });
            }
            """);
        var upload = page.WaitForRequestAsync(r => r.Method == "POST" && r.Url.EndsWith("/ente/caricamento-tessere", StringComparison.Ordinal));
        await page.GetByRole(AriaRole.Button, new() { Name = "Carica il file" }).ClickAsync();
        Assert.Equal("xhr", (await upload).ResourceType);

        await Assertions.Expect(page.GetByTestId("feed-summary")).ToContainTextAsync("Righe caricate: 2; righe rifiutate: 1.");
        await Assertions.Expect(page.GetByTestId("feed-created")).ToHaveTextAsync("2");
        var row = page.GetByTestId("feed-rejected-lines").Locator("tbody tr");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("th")).ToHaveTextAsync("8");
        await Assertions.Expect(row.Locator("td")).ToContainTextAsync("holder.codiceFiscale");
        var progress = await page.EvaluateAsync<string[]>("() => window.feedProgress");
        Assert.Contains(progress, p => p.StartsWith("Inviati ", StringComparison.Ordinal) && p.Contains(" MB di ", StringComparison.Ordinal));
        Assert.Contains(progress, p => p.StartsWith("File inviato", StringComparison.Ordinal));
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "12-caricamento-tessere");

        Assert.Equal(2L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM identification.cards WHERE card_number IN ('80380000907700000101', '80380000907700000102', '80380000907700000103')"));
    }

    [Fact]
    public async Task A_feed_larger_than_a_request_body_may_be_is_streamed_through_without_the_script_and_a_post_without_the_token_loads_nothing()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync();
        await WebUi.SignInAsync(page, Issuer, DemoAccounts.Password);
        await page.GotoAsync("/ente/caricamento-tessere");
        var token = await page.Locator("form[data-feed-upload] input[name=__RequestVerificationToken]").InputValueAsync();
        // The browser's session, sent as a browser without the script would send the form.
        using var http = new HttpClient { BaseAddress = new Uri(ui.Url), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("Cookie", string.Join("; ", (await page.Context.CookiesAsync()).Select(c => $"{c.Name}={c.Value}")));

        // 40 MB, past the 30 MB a request body may have by default: a good card, the blank lines, another good card.
        var feed = new StringBuilder();
        feed.Append(FeedLine("80380000907700000201")).Append('\n');
        for (var i = 0; i < 40; i++) feed.Append(' ', 1024 * 1024).Append('\n');
        feed.Append(FeedLine("80380000907700000202")).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(feed.ToString());
        MultipartFormDataContent Form(string? antiforgery)
        {
            var form = new MultipartFormDataContent();
            if (antiforgery is not null) form.Add(new StringContent(antiforgery), "__RequestVerificationToken");
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            form.Add(file, "Feed", "grande.ndjson");
            return form;
        }

        // Without the token (the form sent from elsewhere): 400, nothing loaded.
        using (var refused = await http.PostAsync("/ente/caricamento-tessere", Form(null)))
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM identification.cards WHERE card_number LIKE '803800009077000002%'"));

        // A body no browser sends (part headers past the limit, too many fields): 400 naming nothing, not a 500.
        using (var broken = new StringContent("--b\r\nContent-Disposition: form-data; name=\"x\"\r\nX-Long: " + new string('a', 20_000) + "\r\n\r\nv\r\n--b--\r\n"))
        {
            broken.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
            using var refused = await http.PostAsync("/ente/caricamento-tessere", broken);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        }
        using (var many = new MultipartFormDataContent())
        {
            many.Add(new StringContent(token), "__RequestVerificationToken"); // a valid form otherwise: refused for the count alone
            for (var i = 0; i < 20; i++) many.Add(new StringContent("v"), $"field{i}");
            using var refused = await http.PostAsync("/ente/caricamento-tessere", many);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        }

        // The plain form: the token first, the file after it.
        using var answer = await http.PostAsync("/ente/caricamento-tessere", Form(token));
        var html = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, $"{(int)answer.StatusCode}: {html[..Math.Min(html.Length, 500)]}");
        Assert.Contains("Righe caricate: 2; nessuna riga rifiutata.", html);
        Assert.Equal(2L, await Factory.ScalarAsync<long>("SELECT count(*) FROM identification.cards WHERE card_number LIKE '803800009077000002%'"));
    }
}
