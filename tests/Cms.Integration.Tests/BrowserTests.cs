using System.Text.RegularExpressions;
using Cms.Infrastructure.DemoData;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Cms.Integration.Tests;

/// <summary>
/// The operators' web UI end to end in Chromium: the real UI process in front of the real API process with the demo data,
/// each page checked with axe-core (WCAG 2.1 A/AA).
/// </summary>
public class BrowserTests(CmsFactory factory, DemoStack demo) : ApiTest(factory), IClassFixture<DemoStack>
{
    public override async Task DisposeAsync()
    {
        await demo.EndTestAsync();
        await base.DisposeAsync();
    }

    private const string Operator = "BNCMRA75C12D612R"; // the demo ASL operator

    private static readonly IReadOnlyDictionary<string, string> DemoSettings = DemoStack.Settings;

    private async Task<(string CardNumber, string CodiceFiscale, DateOnly Expiry)> DemoCardAsync(bool minor, string state = "NOT_ACTIVE",
        string healthAuthority = "201")
    {
        await using var connection = new Npgsql.NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"""
            SELECT c.card_number, c.holder_codice_fiscale, c.expiry_date
            FROM identification.cards c JOIN identification.holders h ON h.codice_fiscale = c.holder_codice_fiscale
            WHERE c.state = '{state}' AND c.expiry_date > current_date AND h.entitled
              AND h.birth_date {(minor ? ">" : "<=")} current_date - interval '18 years' - interval '1 day'
              AND h.health_authority = '{healthAuthority}'
            ORDER BY c.card_number LIMIT 1
            """, connection);
        await using var r = await command.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), "no demo card for the test");
        return (r.GetString(0).Trim(), r.GetString(1).Trim(), r.GetFieldValue<DateOnly>(2));
    }

    private static async Task IdentifyAsync(IPage page, string cardNumber, string codiceFiscale, DateOnly expiry,
        string menu = "Attivazione", string state = "Non attiva")
    {
        await page.GetByRole(AriaRole.Link, new() { Name = menu, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Procedura di identificazione" })).ToBeVisibleAsync();
        await page.GetByLabel("Codice fiscale del titolare").FillAsync(codiceFiscale);
        await page.GetByLabel("Ultime 5 cifre del numero di identificazione della tessera").FillAsync(cardNumber[^5..]);
        await page.GetByLabel("Data di scadenza della tessera").FillAsync(expiry.ToString("yyyy-MM-dd"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Identifica" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("card-state")).ToHaveTextAsync(state);
    }

    private static async Task FillDocumentAsync(IPage page)
    {
        await page.GetByLabel("Tipo di documento").SelectOptionAsync("CARTA_IDENTITA");
        await page.GetByLabel("Numero del documento").FillAsync("CA1234567");
        await page.GetByLabel("Rilasciato da").FillAsync("Comune di Firenze");
        await page.GetByLabel("Data di rilascio").FillAsync(DateTime.Today.AddYears(-2).ToString("yyyy-MM-dd"));
        await page.Locator("#Input_Document_ExpiryDate").FillAsync(DateTime.Today.AddYears(8).ToString("yyyy-MM-dd"));
    }

    /// <summary>Signs the demo operator in, identifies an adult's card that is not active and opens its activation form.</summary>
    private async Task<string> OpenActivationOfAnAdultAsync(IPage page)
    {
        var (number, cf, expiry) = await DemoCardAsync(minor: false);
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);
        await IdentifyAsync(page, number, cf, expiry);
        await page.GetByRole(AriaRole.Link, new() { Name = "Procedi con l'attivazione" }).ClickAsync();
        return number;
    }

    /// <summary>
    /// Sends the form holding the named button as the browser would send it again (a double click, a form resent after a lost
    /// answer): every field as the page holds it (anti-forgery token and key included), with the given ones changed, and the
    /// page's cookies. Answers the page it ends on (after any redirect).
    /// </summary>
    private static async Task<IAPIResponse> SubmitAgainAsync(IPage page, string button, Dictionary<string, string>? fields = null)
    {
        var form = page.Locator("form", new() { Has = page.GetByRole(AriaRole.Button, new() { Name = button }) });
        var action = new Uri(new Uri(page.Url), await form.GetAttributeAsync("action") ?? page.Url).ToString();
        var values = await form.EvaluateAsync<string[][]>("f => [...new FormData(f).entries()].map(([k, v]) => [k, String(v)])");
        Assert.Contains(values, v => v[0] == "idempotencyKey");
        var data = page.Context.APIRequest.CreateFormData();
        foreach (var pair in values.Where(v => fields is null || !fields.ContainsKey(v[0]))) data.Append(pair[0], pair[1]);
        foreach (var (name, value) in fields ?? []) data.Set(name, value);
        var response = await page.Context.APIRequest.PostAsync(action, new() { Form = data });
        Assert.Equal(200, response.Status);
        return response;
    }

    /// <summary>Codes by e-mail (the address twice) and the privacy notice accepted.</summary>
    private static async Task DeliverByEmailWithConsentAsync(IPage page, string address)
    {
        await page.Locator("label[for=Input_Delivery_Channel_EMAIL]").ClickAsync();
        await page.GetByLabel("Indirizzo e-mail", new() { Exact = true }).FillAsync(address);
        await page.GetByLabel("Conferma indirizzo e-mail").FillAsync(address);
        await page.Locator("label[for=Input_PrivacyConsent]").ClickAsync();
    }

    [Fact]
    public async Task Where_the_region_requires_it_the_operator_confirms_only_with_the_code_the_holder_received()
    {
        var (cms, ui) = await WebUi.StartWithApiAsync(apiUrl => CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>(DemoSettings)
        {
            ["Cms__RecipientProof__Required"] = "true",
        }, url: apiUrl));
        await using var cmsLease = cms;
        await using var uiLease = ui;
        var page = await ui.NewPageAsync();
        var number = await OpenActivationOfAnAdultAsync(page);
        await FillDocumentAsync(page);
        var address = $"verifica.{Guid.NewGuid():N}@example.it";
        await DeliverByEmailWithConsentAsync(page, address);
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("recipient-proof")).ToContainTextAsync(address);

        // The code's field is required; a code typed before any was sent is refused beside it, nothing released.
        await Assertions.Expect(page.GetByLabel("Codice di verifica letto dal titolare")).ToHaveAttributeAsync("required", "required");
        await page.GetByLabel("Codice di verifica letto dal titolare").FillAsync("123456");
        await WebUi.PrintFormsAndAcknowledgeAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma l'attivazione" }).ClickAsync();
        await Assertions.Expect(page.Locator("#RecipientProof_error")).ToContainTextAsync("inviare il codice di verifica");
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));

        // The code goes to the holder's address; the holder reads it out; the operator types it and confirms.
        await page.GetByRole(AriaRole.Button, new() { Name = "Invia il codice di verifica" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("recipient-proof-sent")).ToContainTextAsync("Invii ancora possibili: 2");
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "05b-verifica-destinatario");
        var mail = await Mailbox.WaitForAsync(Factory, address);
        var code = Regex.Match(mail.TextBody ?? "", @"Codice di verifica: (\d{6})").Groups[1].Value;
        var wrong = ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6");
        await page.GetByLabel("Codice di verifica letto dal titolare").FillAsync(wrong);
        await WebUi.PrintFormsAndAcknowledgeAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma l'attivazione" }).ClickAsync();
        await Assertions.Expect(page.Locator("#RecipientProof_error")).ToContainTextAsync("Tentativi rimasti: 4");
        await page.GetByLabel("Codice di verifica letto dal titolare").FillAsync(code);
        await WebUi.PrintFormsAndAcknowledgeAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma l'attivazione" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync($"La tessera {number} è attiva");
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));
    }

    [Fact]
    public async Task An_operator_signs_in_identifies_a_card_and_activates_it_directly_with_the_codes_printed_and_mailed()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync();
        var (number, cf, expiry) = await DemoCardAsync(minor: false);

        // A wrong password is refused in Italian, beside the form.
        await WebUi.SignInAsync(page, Operator, "Sbagliata-123!");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Codice fiscale o password");
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "01-accesso");

        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Benvenuto, Mario Bianchi" })).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "02-home");

        await IdentifyAsync(page, number, cf, expiry);
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "03-tessera");
        await page.GetByRole(AriaRole.Link, new() { Name = "Procedi con l'attivazione" }).ClickAsync();

        // Sent empty: every problem beside its field, the form still there.
        await page.Locator("label[for=Input_Delivery_Channel_EMAIL]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_Document_Number_error")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Numero del documento")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#Input_Delivery_Email_error")).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "04-attivazione-errori");

        // An e-mail that differs from its confirmation: the rule lands beside the confirmation.
        await FillDocumentAsync(page);
        var address = "titolare.web@example.it";
        await page.GetByLabel("Indirizzo e-mail", new() { Exact = true }).FillAsync(address);
        await page.GetByLabel("Conferma indirizzo e-mail").FillAsync("altro@example.it");
        await page.Locator("label[for=Input_PrivacyConsent]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_Delivery_EmailConfirmation_error")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#Input_Document_Number_error")).ToHaveCountAsync(0);
        await page.GetByLabel("Conferma indirizzo e-mail").FillAsync(address);
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("request-status")).ToHaveTextAsync("in attesa di conferma");
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "05-riepilogo");

        // The request form opens as a PDF in a new tab.
        var popup = await page.RunAndWaitForPopupAsync(() =>
            page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Modulo di richiesta codici personali") }).ClickAsync());
        var pdf = await popup.Context.APIRequest.GetAsync(popup.Url);
        Assert.Equal("application/pdf", pdf.Headers["content-type"]);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString((await pdf.BodyAsync())[..4]));
        await popup.CloseAsync();

        await WebUi.PrintFormsAndAcknowledgeAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma l'attivazione" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync($"La tessera {number} è attiva");
        var pin = await page.GetByTestId("pin").InnerTextAsync();
        Assert.Matches("^[0-9]+$", pin);
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "06-esito");

        // The second halves reach the holder's mailbox, and with the first they make the whole PIN.
        var mail = await Mailbox.WaitForAsync(Factory, address);
        Assert.Contains("Codice PIN:", mail.TextBody);
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));

        // The codes print opens too, once.
        await PrintCodesOnceAsync(page);

        // The rest of the operator's menu: history, report, statistics, blank forms. The history of the person just identified,
        // from the card's page (decision 0040).
        await IdentifyAsync(page, number, cf, expiry, state: "Attiva");
        await page.GetByRole(AriaRole.Link, new() { Name = "Storico del titolare" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "ATTIVAZIONE" }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Codice fiscale del titolare")).ToHaveValueAsync(cf);
        await WebUi.AssertAccessibleAsync(page);
        // By card number: the same card.
        await page.GetByLabel("Codice fiscale del titolare").FillAsync("");
        await page.GetByLabel("Numero di identificazione della tessera").FillAsync(number);
        await page.GetByRole(AriaRole.Button, new() { Name = "Cerca" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "ATTIVAZIONE" }).First).ToBeVisibleAsync();
        // A malformed codice fiscale is refused beside the field.
        await page.GetByLabel("Numero di identificazione della tessera").FillAsync("");
        await page.GetByLabel("Codice fiscale del titolare").FillAsync("RSSMRA80A01D612X");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cerca" }).ClickAsync();
        await Assertions.Expect(page.Locator("#cf_error")).ToBeVisibleAsync();
        // A person not identified here: no history, the operator is told to identify a card of theirs first.
        await page.GetByLabel("Codice fiscale del titolare").FillAsync(Cms.Domain.Common.CodiceFiscale.Compute("VERDI", "ANNA",
            new DateOnly(1970, 5, 5), 'F', "D612"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Cerca" }).ClickAsync();
        await Assertions.Expect(page.Locator("#cf_error")).ToContainTextAsync("identificare prima una sua tessera");
        await Assertions.Expect(page.GetByTestId("history-not-identified")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "ATTIVAZIONE" })).ToHaveCountAsync(0);
        await WebUi.AssertAccessibleAsync(page);

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        await page.GetByRole(AriaRole.Link, new() { Name = "Reportistica", Exact = true }).ClickAsync();
        await page.GetByLabel("Dal").FillAsync(today);
        await page.GetByLabel("Al", new() { Exact = true }).FillAsync(today);
        await page.GetByRole(AriaRole.Button, new() { Name = "Genera il report" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("report-count")).ToHaveTextAsync("1");
        await WebUi.AssertAccessibleAsync(page);
        // The report prints as a PDF in a new tab and downloads as CSV, with the period asked for and the activation in it.
        var reportPdf = await page.RunAndWaitForPopupAsync(() => page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Stampa il report") }).ClickAsync());
        var reportPdfBody = await reportPdf.Context.APIRequest.GetAsync(reportPdf.Url);
        Assert.Equal("application/pdf", reportPdfBody.Headers["content-type"]);
        using (var document = UglyToad.PdfPig.PdfDocument.Open(await reportPdfBody.BodyAsync()))
            Assert.Contains(cf, string.Concat(document.GetPages().Select(p => p.Text)));
        await reportPdf.CloseAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Scarica il report") }).ClickAsync());
        Assert.Equal($"report-operazioni-{today}-{today}.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains(cf, csv);
        Assert.Contains(";", csv);

        await page.GetByRole(AriaRole.Link, new() { Name = "Statistiche", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Calcola" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("activated")).ToHaveTextAsync("1");
        await WebUi.AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Modulistica", Exact = true }).ClickAsync();
        await WebUi.AssertAccessibleAsync(page);
        var blank = await page.RunAndWaitForPopupAsync(() => page.GetByRole(AriaRole.Link).Filter(new() { HasText = "PDF" }).First.ClickAsync());
        Assert.Equal("application/pdf", (await blank.Context.APIRequest.GetAsync(blank.Url)).Headers["content-type"]);
    }

    [Fact]
    public async Task A_minor_is_activated_by_a_parent_the_direct_mode_being_refused_beside_the_mode()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync();
        var (number, cf, expiry) = await DemoCardAsync(minor: true);
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);
        await IdentifyAsync(page, number, cf, expiry);
        await Assertions.Expect(page.GetByText("(minorenne)")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Procedi con l'attivazione" }).ClickAsync();

        await FillDocumentAsync(page);
        await DeliverByEmailWithConsentAsync(page, "genitore@example.it");
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_Mode_error")).ToContainTextAsync("minore");

        await page.Locator("label[for=Input_Mode_DELEGATED]").ClickAsync();
        await page.GetByLabel(new Regex("^Titolo della delega")).SelectOptionAsync("PARENTAL");
        await page.GetByLabel("Codice fiscale del delegato").FillAsync(Operator);
        await page.GetByLabel("Cognome del delegato").FillAsync("Bianchi");
        await page.GetByLabel("Nome del delegato", new() { Exact = true }).FillAsync("Mario");
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("request-status")).ToHaveTextAsync("in attesa di conferma");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Dichiarazione sostitutiva") })).ToBeVisibleAsync();

        // Modify, then confirm.
        await page.GetByRole(AriaRole.Link, new() { Name = "Modifica" }).ClickAsync();
        await page.GetByLabel("Numero del documento").FillAsync("CA7654321");
        await page.GetByRole(AriaRole.Button, new() { Name = "Salva e torna al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.GetByText("n. CA7654321")).ToBeVisibleAsync();
        await WebUi.PrintFormsAndAcknowledgeAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma l'attivazione" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("cip")).ToBeVisibleAsync();
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));
    }

    [Fact]
    public async Task The_health_reasons_mode_asks_for_the_signed_delegation_and_the_certificate_and_prints_the_delegation_form()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync();
        var number = await OpenActivationOfAnAdultAsync(page);

        await page.Locator("label[for=Input_Mode_HEALTH_DELEGATION]").ClickAsync();
        await page.GetByLabel("Codice fiscale del delegato").FillAsync("RSSMRA80A01H501U");
        await page.GetByLabel("Cognome del delegato").FillAsync("Rossi");
        await page.GetByLabel("Nome del delegato", new() { Exact = true }).FillAsync("Mario");
        await FillDocumentAsync(page);
        await DeliverByEmailWithConsentAsync(page, "delegato@example.it");
        // Without the holder's signed delegation and a copy of their document: refused beside that box.
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_HealthDelegationDocumentsReceived_error")).ToContainTextAsync("modulo di delega firmato");
        await WebUi.AssertAccessibleAsync(page);

        await page.Locator("label[for=Input_HealthDelegationDocumentsReceived]").ClickAsync();
        // Without the medical certificate [S 6.4.4]: refused beside the doctor's field (decision 0044).
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_SpecialCases_MedicalCertificate_Doctor_error")).ToContainTextAsync("certificato medico");
        await page.GetByLabel("Certificato medico: medico che lo ha rilasciato (solo per motivi di salute)").FillAsync("Dott.ssa Anna Bianchi");
        await page.GetByLabel("Certificato medico: data (solo per motivi di salute)").FillAsync(Iso(Today.AddDays(-3)));
        await page.Locator("label[for=Input_SpecialCases_ImpedimentOverThreeMonths]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("request-status")).ToHaveTextAsync("in attesa di conferma");
        await Assertions.Expect(page.GetByTestId("medical-certificate")).ToContainTextAsync("Dott.ssa Anna Bianchi");
        // The delegation form replaces the request form in this mode [M 2.4.2]; no substitute declaration.
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Modulo richiesta PIN e consenso per delega") })).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Modulo di richiesta codici personali") })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Dichiarazione sostitutiva") })).ToHaveCountAsync(0);
        await WebUi.PrintFormsAndAcknowledgeAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma l'attivazione" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("pin")).ToBeVisibleAsync();
        await PrintCodesOnceAsync(page);
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));
    }

    [Fact]
    public async Task A_request_and_its_confirm_sent_twice_make_one_request_and_show_the_same_first_halves_each_time()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync();
        var number = await OpenActivationOfAnAdultAsync(page);
        await FillDocumentAsync(page);
        await DeliverByEmailWithConsentAsync(page, "due.volte@example.it");
        // The request form sent twice at once: one request, both pages its summary.
        var created = await Task.WhenAll(SubmitAgainAsync(page, "Prosegui al riepilogo"), SubmitAgainAsync(page, "Prosegui al riepilogo"));
        Assert.Equal(created[0].Url, created[1].Url);
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM activation.requests WHERE card_number = @n", ("n", number)));
        await page.GotoAsync(created[0].Url);
        await Assertions.Expect(page.GetByTestId("request-status")).ToHaveTextAsync("in attesa di conferma");
        await WebUi.PrintFormsAndAcknowledgeAsync(page);

        // What the browser sends on a double click, or when the form is sent again after a lost answer: the same form (its
        // anti-forgery token and its key) more than once — here twice at once, then once more.
        async Task<string> SubmitAsync()
        {
            var html = await (await SubmitAgainAsync(page, "Conferma l'attivazione")).TextAsync();
            var pin = Regex.Match(html, "data-testid=\"pin\">([0-9]+)<");
            Assert.True(pin.Success, "no first half of the PIN on the page: " + Regex.Match(html, "<main.*?</main>", RegexOptions.Singleline).Value);
            return pin.Groups[1].Value;
        }
        var pins = (await Task.WhenAll(SubmitAsync(), SubmitAsync())).Append(await SubmitAsync()).ToList();
        Assert.Single(pins.Distinct());

        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages WHERE card_number = @n", ("n", number)));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'ACTIVATION' AND outcome = 'SUCCEEDED' AND card_number = @n AND detail LIKE 'confirm%'",
            ("n", number)));
    }

    [Fact]
    public async Task An_expired_password_is_changed_before_anything_else_each_refusal_beside_its_field()
    {
        const string Nurse = "VRDLCU82L44D612C"; // Lucia Verdi, hospital counter
        var (_, ui) = await demo.StartAsync(Factory);
        await Factory.ExecuteAsync("UPDATE administration.operators SET password_changed_at = now() - interval '1000 days' WHERE codice_fiscale = @cf", ("cf", Nurse));
        var page = await ui.NewPageAsync();

        await WebUi.SignInAsync(page, Nurse, DemoAccounts.Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Cambio password" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("La password è scaduta");
        await Assertions.Expect(page.Locator("#Input_CodiceFiscale")).ToHaveValueAsync(Nurse);
        await WebUi.AssertAccessibleAsync(page);
        // Nothing else opens meanwhile: there is no session.
        await page.GotoAsync("/identifica");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/accedi"));
        await page.GotoAsync("/password");

        async Task ChangeAsync(string current, string next, string confirmation)
        {
            await page.Locator("#Input_CodiceFiscale").FillAsync(Nurse);
            await page.Locator("#Input_CurrentPassword").FillAsync(current);
            await page.Locator("#Input_NewPassword").FillAsync(next);
            await page.Locator("#Input_NewPasswordConfirmation").FillAsync(confirmation);
            await page.GetByRole(AriaRole.Button, new() { Name = "Cambia la password" }).ClickAsync();
        }

        const string NewPassword = "Nuova-Chiave-2027!";
        await ChangeAsync(DemoAccounts.Password, "corta", "corta");
        await Assertions.Expect(page.Locator("#Input_NewPassword_error")).ToContainTextAsync("almeno 12 caratteri");
        await ChangeAsync(DemoAccounts.Password, NewPassword, NewPassword + "x");
        await Assertions.Expect(page.Locator("#Input_NewPasswordConfirmation_error")).ToContainTextAsync("non coincidono");
        await ChangeAsync("Sbagliata-2026!", NewPassword, NewPassword);
        await Assertions.Expect(page.Locator("#Input_CurrentPassword_error")).ToContainTextAsync("password errat");
        await WebUi.AssertAccessibleAsync(page);

        await ChangeAsync(DemoAccounts.Password, NewPassword, NewPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Benvenuto, Lucia Verdi" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToHaveTextAsync("Password cambiata.");

        // Out and in again with the new password; the old one no longer opens.
        await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();
        await WebUi.SignInAsync(page, Nurse, DemoAccounts.Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Codice fiscale o password");
        await WebUi.SignInAsync(page, Nurse, NewPassword);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Benvenuto, Lucia Verdi" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_operator_sees_their_sessions_ends_the_one_left_on_another_desk_and_signs_out()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var desk = await ui.NewPageAsync();
        var other = await ui.NewPageAsync();
        await WebUi.SignInAsync(other, Operator, DemoAccounts.Password);
        await Assertions.Expect(other.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Benvenuto") })).ToBeVisibleAsync();
        await WebUi.SignInAsync(desk, Operator, DemoAccounts.Password);
        await Assertions.Expect(desk.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Benvenuto") })).ToBeVisibleAsync();

        await desk.GetByRole(AriaRole.Link, new() { Name = "Sessioni", Exact = true }).ClickAsync();
        await Assertions.Expect(desk.GetByRole(AriaRole.Heading, new() { Name = "Sessioni attive" })).ToBeVisibleAsync();
        var rows = desk.GetByTestId("sessions").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await Assertions.Expect(rows.Filter(new() { HasText = "(questa sessione)" })).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("127.0.0.1");
        await WebUi.AssertAccessibleAsync(desk);

        await desk.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Termina la sessione del") }).ClickAsync();
        await Assertions.Expect(desk.GetByRole(AriaRole.Status)).ToContainTextAsync("Sessione terminata.");
        await Assertions.Expect(rows).ToHaveCountAsync(1);

        // The other desk is out at its next page that asks the API.
        await other.GotoAsync("/sessioni");
        await Assertions.Expect(other).ToHaveURLAsync(new Regex("/accedi\\?sessione=scaduta"));
        await Assertions.Expect(other.GetByRole(AriaRole.Status)).ToContainTextAsync("è stata terminata");

        // Sign-out ends the session in the API, not just the cookie.
        await desk.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();
        await Assertions.Expect(desk).ToHaveURLAsync(new Regex("/accedi"));
        Assert.Equal(0, await Factory.ScalarAsync<long>("""
            SELECT count(*) FROM administration.operator_sessions s JOIN administration.operators o ON o.id = s.operator_id
            WHERE o.codice_fiscale = @cf AND s.ended_at IS NULL
            """, ("cf", Operator)));
        Assert.Equal(["ENDED_BY_OPERATOR", "SIGNED_OUT"], await Factory.ScalarAsync<string[]>("""
            SELECT array_agg(s.end_reason ORDER BY s.end_reason) FROM administration.operator_sessions s
            JOIN administration.operators o ON o.id = s.operator_id WHERE o.codice_fiscale = @cf
            """, ("cf", Operator)));
    }

    [Fact]
    public async Task An_operator_reprints_the_codes_of_an_active_card_for_a_reason()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync();
        var (number, cf, expiry) = await DemoCardAsync(minor: false, state: "ACTIVE");
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);
        await IdentifyAsync(page, number, cf, expiry, menu: "Ristampa PIN/PUK", state: "Attiva");
        await page.GetByRole(AriaRole.Link, new() { Name = "Procedi con la ristampa" }).ClickAsync();

        // No reason: the API's rule lands beside the reason.
        await FillDocumentAsync(page);
        var address = "ristampa.web@example.it";
        await page.GetByLabel("Indirizzo e-mail", new() { Exact = true }).FillAsync(address);
        await page.GetByLabel("Conferma indirizzo e-mail").FillAsync(address);
        await page.Locator("label[for=Input_PrivacyConsent]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_Reason_error")).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);

        await page.Locator("#Input_Reason").SelectOptionAsync("DIMENTICANZA");
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("request-status")).ToHaveTextAsync("in attesa di conferma");
        await Assertions.Expect(page.GetByText("Dimenticanza")).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.PrintFormsAndAcknowledgeAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma la ristampa" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Esito della ristampa PIN/PUK" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("puk")).ToHaveTextAsync(new Regex("^[0-9]+$"));
        var mail = await Mailbox.WaitForAsync(Factory, address);
        Assert.Contains("Codice PUK:", mail.TextBody);

        await PrintCodesOnceAsync(page);
    }

    /// <summary>
    /// Opens the codes print (a new tab) and checks the browser fetched it once, as a PDF — nothing fetches it again behind the
    /// operator's back —; a second click shows a page that says it was printed and that a new print needs a reprint.
    /// </summary>
    private async Task PrintCodesOnceAsync(IPage page)
    {
        var codesLink = page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Codici personali") });
        const string Prints = "SELECT count(*) FROM audit.operations WHERE type = 'DOCUMENT_PRINT' AND detail LIKE '%codici-personali' AND outcome = @o";
        var before = await Factory.ScalarAsync<long>(Prints, ("o", "SUCCEEDED"));
        var printed = await WebUi.OpenPdfAsync(page, codesLink);
        Assert.Equal(200, printed.Status);
        Assert.Equal("application/pdf", printed.Headers["content-type"]);
        // The server gave the codes once and was not asked again.
        Assert.Equal(before + 1, await Factory.ScalarAsync<long>(Prints, ("o", "SUCCEEDED")));
        Assert.Equal(0L, await Factory.ScalarAsync<long>(Prints, ("o", "REJECTED")));
        var again = await page.RunAndWaitForPopupAsync(() => codesLink.ClickAsync());
        await Assertions.Expect(again.GetByTestId("document-refused")).ToContainTextAsync("ristampa");
        await WebUi.AssertAccessibleAsync(again);
        await again.CloseAsync();
    }

    [Fact]
    public async Task A_reprint_at_a_counter_of_another_health_authority_asks_for_the_reason_and_its_codes_print_once()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync();
        // A holder of ASL 205 (Pisa) at the demo operator's counter of ASL 201 (Firenze).
        var (number, cf, expiry) = await DemoCardAsync(minor: false, state: "ACTIVE", healthAuthority: "205");
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);
        await IdentifyAsync(page, number, cf, expiry, menu: "Ristampa PIN/PUK", state: "Attiva");
        await Assertions.Expect(page.GetByTestId("health-authority")).ToHaveTextAsync("205");
        await page.GetByRole(AriaRole.Link, new() { Name = "Procedi con la ristampa" }).ClickAsync();

        await FillDocumentAsync(page);
        var address = "fuori.asl@example.it";
        await page.GetByLabel("Indirizzo e-mail", new() { Exact = true }).FillAsync(address);
        await page.GetByLabel("Conferma indirizzo e-mail").FillAsync(address);
        await page.Locator("label[for=Input_PrivacyConsent]").ClickAsync();
        await page.Locator("#Input_Reason").SelectOptionAsync("SMARRIMENTO");
        // Without the reason: the rule lands beside its field, in Italian.
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_OutsideHealthAuthorityReason_error")).ToContainTextAsync("azienda sanitaria");
        await WebUi.AssertAccessibleAsync(page);
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM reprint.reprint_requests WHERE card_number = @n", ("n", number)));

        const string reason = "Titolare ricoverato a Firenze, lontano dalla sua ASL";
        await page.Locator("#Input_OutsideHealthAuthorityReason").FillAsync(reason);
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("request-status")).ToHaveTextAsync("in attesa di conferma");
        await Assertions.Expect(page.GetByTestId("outside-reason")).ToHaveTextAsync(reason);
        await WebUi.PrintFormsAndAcknowledgeAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma la ristampa" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("puk")).ToHaveTextAsync(new Regex("^[0-9]+$"));
        await WebUi.ScreenshotAsync(page, "ristampa-fuori-asl");

        await PrintCodesOnceAsync(page);
        // The request's own page, later: printed, and the way to new paper is a reprint.
        var id = await Factory.ScalarAsync<Guid>("SELECT id FROM reprint.reprint_requests WHERE card_number = @n", ("n", number));
        await page.GotoAsync($"{ui.Url}/ristampa/{id}");
        await Assertions.Expect(page.GetByTestId("codes-printed")).ToContainTextAsync("ristampa");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Codici personali") })).ToHaveCountAsync(0);
        await WebUi.AssertAccessibleAsync(page);
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'REPRINT' AND detail LIKE 'confirm%outside-asl=%' AND card_number = @n", ("n", number)));
    }

    [Fact]
    public async Task Where_the_region_limits_interoperability_to_health_authorities_and_regional_offices_a_municipality_is_not_offered_it()
    {
        // Sardegna's policy [S 8] (decision 0038): ASL and regional offices (URP) only.
        var (cms, ui) = await WebUi.StartWithApiAsync(apiUrl => CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>(DemoSettings)
        {
            ["Cms__Interop__CounterTypes__0"] = "ASL",
            ["Cms__Interop__CounterTypes__1"] = "REGIONAL_OFFICE",
        }, url: apiUrl));
        await using var cmsLease = cms;
        await using var uiLease = ui;
        var page = await ui.NewPageAsync();
        var municipality = DemoAccounts.Accounts.Single(a => a.CounterCode == "090-201-CM001").CodiceFiscale;
        var regionalOffice = DemoAccounts.Accounts.Single(a => a.CounterCode == "090-000-RT001").CodiceFiscale;

        async Task IdentifyUnknownCardAsync()
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Attivazione", Exact = true }).ClickAsync();
            await page.GetByLabel("Codice fiscale del titolare").FillAsync("RSSMRA80A01H501U");
            await page.GetByLabel("Ultime 5 cifre del numero di identificazione della tessera").FillAsync("00001");
            await page.GetByLabel("Data di scadenza della tessera").FillAsync(DateTime.Today.AddYears(3).ToString("yyyy-MM-dd"));
            await page.GetByRole(AriaRole.Button, new() { Name = "Identifica" }).ClickAsync();
            await Assertions.Expect(page.Locator("#form-errors")).ToContainTextAsync("Tessera non presente in banca dati");
        }

        // The municipality's operator: the card is not here, and no interoperability is offered.
        await WebUi.SignInAsync(page, municipality, DemoAccounts.Password);
        await IdentifyUnknownCardAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Procedi con interoperabilità" })).ToHaveCountAsync(0);
        await WebUi.AssertAccessibleAsync(page);
        // The form reached by its address is refused, saying which counters may.
        await page.GotoAsync("/interoperabilita/nuova?operazione=attivazione");
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.Locator("#form-errors")).ToContainTextAsync(
            "la Regione le consente solo agli sportelli di tipo Azienda sanitaria (ASL), Ufficio regionale");
        await WebUi.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();

        // The regional office's operator is offered it.
        await WebUi.SignInAsync(page, regionalOffice, DemoAccounts.Password);
        await IdentifyUnknownCardAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Procedi con interoperabilità" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Attivazione in interoperabilità" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Where_the_region_provides_it_a_card_is_suspended_and_reactivated_from_its_page()
    {
        var (cms, ui) = await WebUi.StartWithApiAsync(apiUrl => CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>(DemoSettings)
        {
            ["Cms__SuspensionEnabled"] = "true",
            ["Integrations__CertificationAuthority__Url"] = Factory.CertificationAuthority.Url,
            ["Integrations__CertificationAuthority__ApiKey"] = FakeExternalSystem.ApiKey,
        }, url: apiUrl));
        await using var cmsLease = cms;
        await using var uiLease = ui;
        var page = await ui.NewPageAsync();
        var (number, _, _) = await DemoCardAsync(minor: false, state: "ACTIVE");
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);

        await page.GetByRole(AriaRole.Link, new() { Name = "Revoca", Exact = true }).ClickAsync();
        await page.GetByLabel("Numero di identificazione della tessera").FillAsync(number);
        await page.GetByRole(AriaRole.Button, new() { Name = "Identifica" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Riattiva la tessera" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Sospendi la tessera" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Sospensione — tessera {number}" })).ToBeVisibleAsync();

        // "Altro" needs a note: refused beside the note.
        await page.Locator("#Input_Reason").SelectOptionAsync("ALTRO");
        await FillDocumentAsync(page);
        await page.Locator("label[for=Input_PrivacyConsent]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Sospendi la tessera" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_Note_error")).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);

        await page.Locator("#Input_Reason").SelectOptionAsync("SOSPETTO_SMARRIMENTO");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sospendi la tessera" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("state-change-outcome")).ToContainTextAsync($"La tessera {number} è ora sospesa");
        Assert.Equal("SUSPENDED", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));
        await Factory.CertificationAuthority.WaitForAsync(number, "SUSPEND");
        await WebUi.AssertAccessibleAsync(page);

        // Identified again, the suspended card offers the reactivation.
        await page.GetByRole(AriaRole.Link, new() { Name = "Revoca", Exact = true }).ClickAsync();
        await page.GetByLabel("Numero di identificazione della tessera").FillAsync(number);
        await page.GetByRole(AriaRole.Button, new() { Name = "Identifica" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("card-state")).ToHaveTextAsync("Sospesa");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sospendi la tessera" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Riattiva la tessera" }).ClickAsync();
        await FillDocumentAsync(page);
        await page.Locator("label[for=Input_PrivacyConsent]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Riattiva la tessera" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("state-change-outcome")).ToContainTextAsync("è ora attiva");
        await Factory.CertificationAuthority.WaitForAsync(number, "REACTIVATE");
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));
    }

    [Fact]
    public async Task A_call_centre_operator_given_the_role_by_an_administrator_identifies_the_holder_by_cip_and_suspends_the_card()
    {
        var (cms, ui) = await WebUi.StartWithApiAsync(apiUrl => CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>(DemoSettings)
        {
            ["Cms__SuspensionEnabled"] = "true",
            ["Integrations__CertificationAuthority__Url"] = Factory.CertificationAuthority.Url,
            ["Integrations__CertificationAuthority__ApiKey"] = FakeExternalSystem.ApiKey,
        }, url: apiUrl));
        await using var cmsLease = cms;
        await using var uiLease = ui;
        var page = await ui.NewPageAsync();
        var (number, cf, _) = await DemoCardAsync(minor: false, state: "ACTIVE");
        var cip = new DemoPopulation().Cards(CmsProcess.DemoHolders, DateOnly.FromDateTime(DateTime.UtcNow)).Single(c => c.CardNumber == number).Codes!.Cip!;

        var callCentre = Cms.Domain.Common.CodiceFiscale.Compute("Verdi", "Giovanna", new DateOnly(1985, 8, 1), 'F', "D612");
        // The security administrator gives the role: no counter, the call centre is not one.
        await WebUi.SignInAsync(page, "LMBSRA87H61D612L", DemoAccounts.Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Operatori", Exact = true }).ClickAsync();
        await page.Locator("#Input_CodiceFiscale").FillAsync(callCentre);
        await page.Locator("#Input_GivenName").FillAsync("Giovanna");
        await page.Locator("#Input_Surname").FillAsync("Verdi");
        await page.Locator("#Input_Role").SelectOptionAsync("CallCentre");
        await page.GetByLabel("Password iniziale").FillAsync("Call-Center-Nuovo-2026!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Crea l'operatore" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = callCentre });
        await Assertions.Expect(row).ToContainTextAsync("Call center");
        await WebUi.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();

        // The call centre's menu holds the call centre only (and the guide, for every role).
        await WebUi.SignInAsync(page, callCentre, "Call-Center-Nuovo-2026!");
        var menu = page.GetByRole(AriaRole.Navigation, new() { Name = "Menu principale" });
        await Assertions.Expect(menu.GetByRole(AriaRole.Link)).ToHaveTextAsync(["Home", "Call center", "Guida operatore"]);
        await menu.GetByRole(AriaRole.Link, new() { Name = "Call center", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Call center", Exact = true })).ToBeVisibleAsync();

        // A wrong CIP is said beside the CIP, with the tries left (counted with the counter's).
        await page.GetByLabel("Codice fiscale del titolare").FillAsync(cf);
        await page.Locator("#Input_Cip").FillAsync(cip == "00000000" ? "11111111" : "00000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Identifica il titolare" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_Cip_error")).ToContainTextAsync("Tentativi rimasti nelle 24 ore: 4");
        await Assertions.Expect(page.Locator("#Input_Cip")).ToHaveValueAsync("");
        await WebUi.AssertAccessibleAsync(page);

        await page.Locator("#Input_Cip").FillAsync(cip);
        await page.GetByRole(AriaRole.Button, new() { Name = "Identifica il titolare" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("card-state")).ToHaveTextAsync("Attiva");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Riattiva la tessera" })).ToHaveCountAsync(0);
        await page.Locator("#Change_Reason").SelectOptionAsync("ALTRO");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sospendi la tessera" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Change_Note_error")).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);
        await page.Locator("#Change_Reason").SelectOptionAsync("SOSPETTO_FURTO");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sospendi la tessera" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("call-centre-outcome")).ToContainTextAsync($"La tessera {number} è ora sospesa");
        await WebUi.AssertAccessibleAsync(page);
        Assert.Equal("SUSPENDED", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));
        await Factory.CertificationAuthority.WaitForAsync(number, "SUSPEND");
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'SUSPENSION' AND outcome = 'SUCCEEDED' AND card_number = @n AND counter_code = 'CALL-CENTER'",
            ("n", number)));

        // Nothing else: the counters' pages and the blank forms are not for this role.
        await page.GotoAsync("/modulistica");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Accesso non consentito" })).ToBeVisibleAsync();
        await page.GotoAsync("/identifica?operazione=attivazione");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Accesso non consentito" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_card_is_revoked_by_number_after_the_cip_and_the_signed_form_each_refusal_beside_its_field()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync();
        var (number, _, _) = await DemoCardAsync(minor: false, state: "ACTIVE");
        // The demo data are generated from a fixed seed: the card's CIP is known to the test, as it is to its holder.
        var cip = new DemoPopulation().Cards(CmsProcess.DemoHolders, DateOnly.FromDateTime(DateTime.UtcNow)).Single(c => c.CardNumber == number).Codes!.Cip!;
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);

        await page.GetByRole(AriaRole.Link, new() { Name = "Revoca", Exact = true }).ClickAsync();
        await page.GetByLabel("Numero di identificazione della tessera").FillAsync(number);
        await page.GetByRole(AriaRole.Button, new() { Name = "Identifica" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("card-state")).ToHaveTextAsync("Attiva");
        await page.GetByRole(AriaRole.Link, new() { Name = "Procedi con la revoca" }).ClickAsync();

        await page.Locator("#Input_Reason").SelectOptionAsync("SMARRIMENTO");
        await FillDocumentAsync(page);
        await page.Locator("label[for=Input_PrivacyConsent]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_Evidence_Kind_error")).ToBeVisibleAsync();
        await page.Locator("#Input_Evidence_Kind").SelectOptionAsync("SELF_DECLARATION");
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("cip-state")).ToHaveTextAsync("da verificare");
        await WebUi.AssertAccessibleAsync(page);

        // A wrong CIP: refused beside the field, with the tries left.
        await page.Locator("#Cip").FillAsync(cip == "00000000" ? "11111111" : "00000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verifica il CIP" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Cip_error")).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);
        // The next wrong CIP sent twice (a double click): one try, the same answer twice.
        var wrong = new Dictionary<string, string> { ["Cip"] = cip == "22222222" ? "33333333" : "22222222" };
        var answers = await Task.WhenAll(SubmitAgainAsync(page, "Verifica il CIP", wrong), SubmitAgainAsync(page, "Verifica il CIP", wrong));
        foreach (var answer in answers) Assert.Contains("Tentativi rimasti nelle 24 ore: 3.", await answer.TextAsync());
        Assert.Equal(2L, await Factory.ScalarAsync<long>("SELECT count(*) FROM revocation.cip_attempts WHERE card_number = @n AND NOT succeeded", ("n", number)));
        await page.Locator("#Cip").FillAsync(cip);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verifica il CIP" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("cip-state")).ToHaveTextAsync("verificato");
        // The keys the page's calls were sent with, and their fingerprints, give no CIP away to whoever reads the key store (issue 23).
        var path = await Factory.ScalarAsync<string>("SELECT path FROM platform.idempotency_keys WHERE path LIKE '%/verify-cip' LIMIT 1");
        var stored = await SecretsTests.StoredKeysAsync(Factory, path);
        Assert.True(stored.Count >= 4, $"{stored.Count / 2} keys stored for the CIP's calls");
        Assert.Null(CipBruteForce.Search(cip, path, stored));

        // Confirming before the form was printed and signed is refused beside the acknowledgement.
        await page.Locator("label[for=FormPrintedAndSigned]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma la revoca" }).ClickAsync();
        await Assertions.Expect(page.Locator("#FormPrintedAndSigned_error")).ToBeVisibleAsync();
        var form = await page.RunAndWaitForPopupAsync(() =>
            page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Modulo di richiesta revoca") }).ClickAsync());
        Assert.Equal("application/pdf", (await form.Context.APIRequest.GetAsync(form.Url)).Headers["content-type"]);
        await page.GotoAsync(new Uri(page.Url).AbsolutePath);
        await Assertions.Expect(page.GetByText("stampato il")).ToBeVisibleAsync();
        await page.Locator("label[for=FormPrintedAndSigned]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma la revoca" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Esito della revoca" })).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);
        Assert.Equal("REVOKED", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));

        // A card never activated: its holder never received a CIP, so the summary has no CIP step — the form and the signature only (decision 0040).
        var (never, _, _) = await DemoCardAsync(minor: false);
        await page.GetByRole(AriaRole.Link, new() { Name = "Nuova identificazione" }).ClickAsync();
        await page.GetByLabel("Numero di identificazione della tessera").FillAsync(never);
        await page.GetByRole(AriaRole.Button, new() { Name = "Identifica" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("card-state")).ToHaveTextAsync("Non attiva");
        await page.GetByRole(AriaRole.Link, new() { Name = "Procedi con la revoca" }).ClickAsync();
        await page.Locator("#Input_Reason").SelectOptionAsync("DETERIORAMENTO");
        await FillDocumentAsync(page);
        await page.Locator("label[for=Input_PrivacyConsent]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("cip-state")).ToHaveTextAsync("non richiesto (tessera mai attivata)");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Verifica il CIP" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "1. Stampa del modulo" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "CIP non verificato" })).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Fse_consents_are_recorded_as_a_new_version_on_the_model_in_effect()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync();
        var (number, cf, expiry) = await DemoCardAsync(minor: false, state: "ACTIVE");
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);
        await IdentifyAsync(page, number, cf, expiry, menu: "Consensi FSE", state: "Attiva");
        await page.GetByRole(AriaRole.Link, new() { Name = "Procedi con i consensi FSE" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Modello in vigore")).ToBeVisibleAsync();
        // The current law collects no feeding consent: the question is not asked.
        await Assertions.Expect(page.GetByText("Consenso all'alimentazione")).ToHaveCountAsync(0);
        await WebUi.AssertAccessibleAsync(page);

        await page.Locator("label[for=Input_Consents_InformationNoticeSeen]").ClickAsync();
        await page.Locator("label[for=Input_Consents_ConsultationConsent]").ClickAsync();
        await page.Locator("#Input_Consents_PastData").SelectOptionAsync("RECOVER_WITHOUT_OBSCURING");
        await FillDocumentAsync(page);
        await page.Locator("label[for=Input_PrivacyConsent]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_DeclarationConfirmed_error")).ToBeVisibleAsync();
        await page.Locator("label[for=Input_DeclarationConfirmed]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("consultation")).ToHaveTextAsync("acconsente");
        await WebUi.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma i consensi" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).First).ToContainTextAsync("Consensi registrati: versione n. 1");
        var print = await page.RunAndWaitForPopupAsync(() =>
            page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Dichiarazione dei consensi") }).ClickAsync());
        Assert.Equal("application/pdf", (await print.Context.APIRequest.GetAsync(print.Url)).Headers["content-type"]);
    }

    [Fact]
    public async Task A_reader_is_handed_over_once_per_household_after_the_signed_form()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync();
        var (number, cf, expiry) = await DemoCardAsync(minor: false, state: "ACTIVE");
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);
        await IdentifyAsync(page, number, cf, expiry, menu: "Richiesta lettore", state: "Attiva");
        await page.GetByRole(AriaRole.Link, new() { Name = "Procedi con la richiesta del lettore" }).ClickAsync();
        await page.GetByLabel(new Regex("^Numero di serie")).FillAsync("LTR-000123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("request-status")).ToHaveTextAsync("in attesa di conferma");
        await WebUi.AssertAccessibleAsync(page);

        // The confirm needs the form produced first.
        await page.Locator("label[for=FormPrintedAndSigned]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma la consegna" }).ClickAsync();
        await Assertions.Expect(page.Locator("#FormPrintedAndSigned_error")).ToBeVisibleAsync();
        var form = await page.RunAndWaitForPopupAsync(() =>
            page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Modulo di richiesta e consegna lettore") }).ClickAsync());
        Assert.Equal("application/pdf", (await form.Context.APIRequest.GetAsync(form.Url)).Headers["content-type"]);
        await page.GotoAsync(new Uri(page.Url).AbsolutePath);
        await page.Locator("label[for=FormPrintedAndSigned]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma la consegna" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("request-status")).ToHaveTextAsync("completata");

        // A second reader for the same household is refused beside the override reason.
        await IdentifyAsync(page, number, cf, expiry, menu: "Richiesta lettore", state: "Attiva");
        await page.GetByRole(AriaRole.Link, new() { Name = "Procedi con la richiesta del lettore" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_OverrideReason_error")).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task A_digital_signature_certificate_is_asked_for_an_active_cards_adult_holder_and_its_sending_is_followed()
    {
        var (cms, ui) = await WebUi.StartWithApiAsync(apiUrl => CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>(DemoSettings)
        {
            ["Integrations__CertificationAuthority__Url"] = Factory.CertificationAuthority.Url,
            ["Integrations__CertificationAuthority__ApiKey"] = FakeExternalSystem.ApiKey,
            ["Integrations__RetryBaseSeconds"] = "1",
            ["Integrations__RetryMaxSeconds"] = "2",
        }, url: apiUrl));
        await using var cmsLease = cms;
        await using var uiLease = ui;
        var page = await ui.NewPageAsync();
        var (number, cf, expiry) = await DemoCardAsync(minor: false, state: "ACTIVE");
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);
        await IdentifyAsync(page, number, cf, expiry, menu: "Firma digitale", state: "Attiva");
        await page.GetByRole(AriaRole.Link, new() { Name = "Procedi con la richiesta del certificato di firma" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Richiesta del certificato di firma digitale — tessera {number}" }))
            .ToBeVisibleAsync();
        await FillDocumentAsync(page);
        await page.Locator("label[for=Input_PrivacyConsent]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Prosegui al riepilogo" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("request-status")).ToHaveTextAsync("in attesa di conferma");
        await WebUi.AssertAccessibleAsync(page);

        // The confirm needs the signed form: refused beside the box until it is printed.
        await page.Locator("label[for=FormPrintedAndSigned]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma e invia al certificatore" }).ClickAsync();
        await Assertions.Expect(page.Locator("#FormPrintedAndSigned_error")).ToBeVisibleAsync();
        var form = await page.RunAndWaitForPopupAsync(() =>
            page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("Modulo di richiesta del certificato di firma digitale") }).ClickAsync());
        Assert.Equal("application/pdf", (await form.Context.APIRequest.GetAsync(form.Url)).Headers["content-type"]);
        await page.GotoAsync(new Uri(page.Url).AbsolutePath);
        Factory.CertificationAuthority.FailFirst(1);
        await page.Locator("label[for=FormPrintedAndSigned]").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Conferma e invia al certificatore" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("request-status")).ToHaveTextAsync("completata");
        await Assertions.Expect(page.GetByTestId("certificate-status")).ToBeVisibleAsync();

        // The CA is down once, then receives it: the page, read again, says so.
        await Factory.CertificationAuthority.WaitForAsync(number, "ISSUE_SIGNATURE_CERTIFICATE");
        var path = new Uri(page.Url).AbsolutePath;
        for (var i = 0; i < 50; i++)
        {
            await page.GotoAsync(path);
            if ((await page.GetByTestId("certificate-status").TextContentAsync())!.Contains("ricevuta dal certificatore")) break;
            await Task.Delay(200);
        }
        await Assertions.Expect(page.GetByTestId("certificate-status")).ToContainTextAsync("ricevuta dal certificatore");
        await Assertions.Expect(page.GetByTestId("certificate-message")).ToContainTextAsync("ricevuta dal certificatore");
        await WebUi.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task An_administrator_publishes_a_notice_operators_read_it_and_an_auditor_checks_the_trail()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync();

        await WebUi.SignInAsync(page, "LMBSRA87H61D612L", DemoAccounts.Password); // the demo security administrator

        // A counter, refused once as a duplicate, then a new one; an operator on it, then disabled.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sportelli", Exact = true }).ClickAsync();
        await page.GetByLabel("Codice sportello").FillAsync("090-201-AS001");
        await page.GetByLabel("Denominazione").FillAsync("CUP Careggi");
        await page.Locator("#Input_Type").SelectOptionAsync("ASL");
        await page.GetByLabel("Codice regione").FillAsync("090");
        await page.GetByRole(AriaRole.Button, new() { Name = "Crea lo sportello" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await page.GetByLabel("Codice sportello").FillAsync("090-201-AS009");
        await page.GetByRole(AriaRole.Button, new() { Name = "Crea lo sportello" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "090-201-AS009", Exact = true })).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Operatori", Exact = true }).ClickAsync();
        await page.Locator("#Input_CodiceFiscale").FillAsync("RSSMRA80A01D612Y");
        await page.Locator("#Input_GivenName").FillAsync("Mario");
        await page.Locator("#Input_Surname").FillAsync("Rossi");
        await page.Locator("#Input_CounterCode").SelectOptionAsync("090-201-AS009");
        await page.GetByLabel("Password iniziale").FillAsync("Operatore-Nuovo-2026!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Crea l'operatore" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "RSSMRA80A01D612Y", Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Disabilita RSSMRA80A01D612Y" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Abilita RSSMRA80A01D612Y" })).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "Avvisi", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pubblica" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_Title_error")).ToBeVisibleAsync();
        await page.GetByLabel("Titolo").FillAsync("Sportelli chiusi il 2 dicembre");
        await page.GetByLabel("Testo").FillAsync("Gli sportelli resteranno chiusi per manutenzione.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pubblica" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Sportelli chiusi il 2 dicembre").First).ToBeVisibleAsync();
        await WebUi.AssertAccessibleAsync(page);

        // An address that serves several households (a care home) is approved, shown masked, then revoked.
        await page.GetByRole(AriaRole.Link, new() { Name = "Recapiti autorizzati", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Autorizza il recapito" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_Reason_error")).ToBeVisibleAsync();
        await page.GetByLabel("Indirizzo e-mail o numero di cellulare").FillAsync("Direzione.RSA@example.it");
        await page.GetByLabel("Motivo").FillAsync("Residenza sanitaria assistita: i codici degli ospiti vanno alla direzione");
        await page.GetByLabel("Valida fino al").FillAsync(DateTime.Today.AddYears(5).ToString("yyyy-MM-dd"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Autorizza il recapito" }).ClickAsync();
        await Assertions.Expect(page.Locator("#Input_ValidUntil_error")).ToBeVisibleAsync();
        await page.GetByLabel("Valida fino al").FillAsync(DateTime.Today.AddMonths(6).ToString("yyyy-MM-dd"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Autorizza il recapito" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("recipient-approvals")).ToContainTextAsync("d***@example.it");
        await Assertions.Expect(page.GetByTestId("recipient-approvals")).Not.ToContainTextAsync("Direzione.RSA");
        await WebUi.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoca d***@example.it" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revoca d***@example.it" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Mostra anche quelle revocate o scadute" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("recipient-approvals")).ToContainTextAsync("revocata il");
        await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();

        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);
        await Assertions.Expect(page.GetByText("Gli sportelli resteranno chiusi per manutenzione.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();

        await WebUi.SignInAsync(page, "CNTLNE78P48D612M", DemoAccounts.Password); // the demo auditor
        await page.GetByRole(AriaRole.Link, new() { Name = "Revisione", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = Operator }).First).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Verifica la catena delle operazioni" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("integrity")).ToContainTextAsync("Registro integro");
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "08-revisione");

        // An operator may not open the auditor's page.
        await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();
        await WebUi.SignInAsync(page, Operator, DemoAccounts.Password);
        await page.GotoAsync("/revisione");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/accesso-negato"));
    }

    [Fact]
    public async Task The_pages_fit_a_counters_small_screen_and_work_from_the_keyboard()
    {
        var (_, ui) = await demo.StartAsync(Factory);
        var page = await ui.NewPageAsync(width: 360, height: 740);

        // Keyboard only: the skip link first, then the fields, Enter submits.
        await page.GotoAsync("/accedi");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Vai al contenuto" })).ToBeFocusedAsync();
        await page.GetByLabel("Codice fiscale").FocusAsync();
        await page.Keyboard.TypeAsync(Operator);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(DemoAccounts.Password);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Benvenuto, Mario Bianchi" })).ToBeVisibleAsync();

        foreach (var path in new[] { "/", "/identifica?operazione=attivazione", "/guida", "/guida/attivazione" })
        {
            await page.GotoAsync(path);
            var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > document.documentElement.clientWidth");
            Assert.False(overflow, $"{path} scrolls sideways at 360 px");
            await WebUi.AssertAccessibleAsync(page);
        }

        // The guide of the identification, from the page's own "Guida" link, reached from the keyboard (decision 0042).
        await page.GotoAsync("/identifica?operazione=attivazione");
        await page.GetByTestId("guida").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Identificazione della tessera", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("help-reference")).ToContainTextAsync("T 2.1");
        await WebUi.AssertAccessibleAsync(page);
        await WebUi.ScreenshotAsync(page, "10-guida-identificazione-smartphone");
        await page.GotoAsync("/identifica?operazione=attivazione");
        await WebUi.ScreenshotAsync(page, "07-identificazione-smartphone");

        // Signing out ends the session: the pages ask to sign in again.
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Esci" }).ClickAsync();
        await page.GotoAsync("/identifica");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/accedi"));
    }
}
