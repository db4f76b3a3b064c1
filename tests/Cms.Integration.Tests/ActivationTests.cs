using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cms.Infrastructure.Persistence;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace Cms.Integration.Tests;

public class ActivationTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Pin = "13579", Puk = "24681357", Cip = "97531864";
    private const string Number = "80380000900000054321";

    private async Task<(HttpClient Client, string HolderCf)> ArrangeAsync(DateOnly? birth = null, string number = Number, DateOnly? expiry = null)
    {
        var card = Card(number, birth: birth, expiry: expiry, pin: Pin, puk: Puk, cip: Cip, surname: "FERRARI", givenName: "GIULIA");
        await FeedAsync(card);
        var (client, _, _) = await ActorAsync("Operator");
        return (client, card.Holder!.CodiceFiscale!);
    }

    private static object Document(string? expiry = null) => new
    {
        type = "CARTA_IDENTITA", number = "CA12345AB", issuedBy = "Comune di Firenze",
        issueDate = Iso(Today.AddYears(-2)), expiryDate = expiry ?? Iso(Today.AddYears(8)),
    };

    private static object Email(string address, string? confirmation = null) =>
        new { channel = "EMAIL", email = address, emailConfirmation = confirmation ?? address };

    private static object Direct(string address, string number = Number) => new
    {
        cardNumber = number, mode = "DIRECT", document = Document(), delivery = Email(address), privacyConsent = true,
    };

    private static string Address() => $"titolare.{Guid.NewGuid():N}@example.it";

    [Fact]
    public async Task A_direct_activation_by_email_releases_the_first_halves_and_mails_exactly_the_second_halves()
    {
        var (client, cf) = await ArrangeAsync();
        var address = Address();
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct(address)), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("PENDING", created.GetProperty("status").GetString());
        var summary = created.GetProperty("summary");
        Assert.Equal(cf, summary.GetProperty("holder").GetProperty("codiceFiscale").GetString());
        Assert.Equal("NOT_ACTIVE", summary.GetProperty("cardState").GetString());
        Assert.Equal("CARTA_IDENTITA", summary.GetProperty("document").GetProperty("type").GetString());
        Assert.Equal(address, summary.GetProperty("delivery").GetProperty("email").GetString());
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));

        var confirmed = await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", await client.SignedAsync("activations", id)));
        Assert.Equal("COMPLETED", confirmed.GetProperty("status").GetString());
        Assert.Equal("ACTIVE", confirmed.GetProperty("cardState").GetString());
        var first = confirmed.GetProperty("firstHalves");
        Assert.Equal("13", first.GetProperty("pin").GetString());
        Assert.Equal("2468", first.GetProperty("puk").GetString());
        Assert.Equal("9753", first.GetProperty("cip").GetString());
        var raw = confirmed.GetRawText();
        Assert.DoesNotContain(Pin, raw);
        Assert.DoesNotContain(Puk, raw);
        Assert.DoesNotContain(Cip, raw);
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));

        var mail = await Mailbox.WaitForAsync(Factory, address);
        var text = mail.TextBody;
        Assert.Contains("Codice PIN: 579", text);
        Assert.Contains("Codice PUK: 1357", text);
        Assert.Contains("Codice CIP: 1864", text);
        Assert.DoesNotContain(Pin, text);
        Assert.DoesNotContain(Puk, text);
        Assert.DoesNotContain(Cip, text);
        Assert.DoesNotContain(Number, text); // the card number is masked too
        Assert.Contains("seconda parte dei codici", mail.Subject);

        var deliveryId = confirmed.GetProperty("deliveryId").GetString();
        var delivery = await WaitForDeliveryAsync(client, deliveryId!, "SENT");
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal($"{mail.MessageId}", (await Factory.ScalarAsync<string>("SELECT message_id FROM delivery.messages WHERE id = @id", ("id", Guid.Parse(deliveryId!)))).Trim('<', '>'));
        Assert.Single(Mailbox.For(Factory, address));

        Assert.Equal(2, await OperationsAsync("ACTIVATION", "SUCCEEDED", Number)); // create and confirm
        var everything = string.Join("\n", Factory.Logs.Lines);
        Assert.DoesNotContain(Pin, everything);
        Assert.DoesNotContain(Puk, everything);
        Assert.DoesNotContain(Cip, everything);
    }

    [Fact]
    public async Task The_message_stays_encrypted_at_rest_until_sent()
    {
        var (client, _) = await ArrangeAsync();
        var address = Address();
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct(address)), HttpStatusCode.Created)).GetProperty("id").GetString();
        Factory.SmsGateway.Failing = false;
        await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", await client.SignedAsync("activations", id)));
        var content = await Factory.ScalarAsync<byte[]>("SELECT content_ciphertext FROM delivery.messages WHERE card_number = @n", ("n", Number));
        var text = System.Text.Encoding.UTF8.GetString(content);
        Assert.DoesNotContain("Codice", text);
        Assert.DoesNotContain("PIN", text);
        var dump = await Factory.ScalarAsync<string>("SELECT string_agg(m::text, '|') FROM delivery.messages m");
        Assert.DoesNotContain("Codice PUK", dump);
        Assert.DoesNotContain(address, System.Text.Encoding.UTF8.GetString(content)); // only the recipient column holds it
    }

    [Fact]
    public async Task An_sms_activation_posts_the_second_halves_to_the_gateway_with_its_key()
    {
        var (client, _) = await ArrangeAsync();
        var mobile = "+39333" + Random.Shared.Next(1000000, 9999999);
        var body = new { cardNumber = Number, mode = "DIRECT", document = Document(), delivery = new { channel = "SMS", mobile = mobile[3..] }, privacyConsent = true };
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", body), HttpStatusCode.Created);
        Assert.Equal(mobile, created.GetProperty("summary").GetProperty("delivery").GetProperty("mobile").GetString()); // normalised to E.164
        var confirmed = await OkAsync(await client.PostAsync($"/api/v1/activations/{created.GetProperty("id").GetString()}/confirm", await client.SignedAsync("activations", created.GetProperty("id").GetString())));
        await WaitForDeliveryAsync(client, confirmed.GetProperty("deliveryId").GetString()!, "SENT");
        var sms = Factory.SmsGateway.Received.Single(s => s.To == mobile);
        Assert.Equal(FakeSmsGateway.ApiKey, sms.ApiKey);
        Assert.Contains("PIN 579 PUK 1357 CIP 1864", sms.Text);
        Assert.DoesNotContain(Pin, sms.Text);
    }

    [Fact]
    public async Task The_printed_forms_carry_counter_request_date_and_exactly_the_first_halves()
    {
        var (client, cf) = await ArrangeAsync();
        var address = Address();
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct(address)), HttpStatusCode.Created)).GetProperty("id").GetString()!;

        // Before the confirm: the request form, not the codes.
        var form = await client.GetAsync($"/api/v1/activations/{id}/documents/modulo-richiesta-codici");
        Assert.Equal("application/pdf", form.Content.Headers.ContentType?.MediaType);
        var formBytes = await form.Content.ReadAsByteArrayAsync();
        using (var pdf = PdfDocument.Open(formBytes))
        {
            Assert.Equal(2, pdf.NumberOfPages); // the holder's copy and the office's
            var page1 = string.Join(" ", pdf.GetPage(1).GetWords().Select(w => w.Text));
            var page2 = string.Join(" ", pdf.GetPage(2).GetWords().Select(w => w.Text));
            Assert.Contains("MODULO DI RICHIESTA CODICI PERSONALI", page1);
            Assert.Contains("TITOLARE", page1);
            Assert.Contains("UFFICIO", page2);
            Assert.Contains("090-201-AS001", page1);
            Assert.Contains(id, page1);
            Assert.Contains(cf, page1);
            Assert.Contains(DateTime.UtcNow.ToString("yyyy", System.Globalization.CultureInfo.InvariantCulture), page1);
            Assert.Contains("attivazione", page1, StringComparison.OrdinalIgnoreCase);
        }
        await QpdfCheckAsync(formBytes);
        await ProblemAsync(await client.GetAsync($"/api/v1/activations/{id}/documents/codici-personali"), HttpStatusCode.NotFound, "document-not-available");
        await ProblemAsync(await client.GetAsync($"/api/v1/activations/{id}/documents/dichiarazione-sostitutiva"), HttpStatusCode.NotFound, "document-not-available");

        await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", await client.SignedAsync("activations", id)));
        var codes = await (await client.GetAsync($"/api/v1/activations/{id}/documents/codici-personali")).Content.ReadAsByteArrayAsync();
        using (var pdf = PdfDocument.Open(codes))
        {
            var words = pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text).ToList();
            // The delivery address (random per test) may hold any digits: it is left out of the search for code halves.
            var text = WithoutIds(string.Join(" ", words.Where(w => !w.Contains('@', StringComparison.Ordinal) && !w.Contains("example", StringComparison.Ordinal))));
            Assert.Contains("CODICI PERSONALI", text);
            Assert.Equal("13", words[words.IndexOf("PIN:") + 1]);
            Assert.Equal("2468", words[words.IndexOf("PUK:") + 1]);
            Assert.Equal("9753", words[words.IndexOf("CIP:") + 1]);
            Assert.DoesNotContain("579", text.Replace("13579", "", StringComparison.Ordinal));
            Assert.DoesNotContain(Pin, text);
            Assert.DoesNotContain("1357", text);
            Assert.DoesNotContain("1864", text);
            Assert.Contains(address, string.Join(" ", words));
            Assert.Contains(Number, text);
        }
        await QpdfCheckAsync(codes);
        // The form twice (here, then signed before the confirm) and the codes once.
        Assert.Equal(3, await OperationsAsync("DOCUMENT_PRINT", "SUCCEEDED", Number));
        Assert.Equal(2, await OperationsAsync("DOCUMENT_PRINT", "REJECTED", Number));
    }

    [Fact]
    public async Task A_minor_is_activated_by_a_parent_whose_declaration_is_pre_filled()
    {
        var (client, holderCf) = await ArrangeAsync(birth: Today.AddYears(-9));
        var address = Address();
        var parent = new { codiceFiscale = "RSSMRA80A01H501U", surname = "Rossi", givenName = "Mario" };
        var direct = await client.PostAsJsonAsync("/api/v1/activations", Direct(address));
        await ProblemAsync(direct, HttpStatusCode.UnprocessableEntity, "minor-direct-activation");

        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber = Number, mode = "DELEGATED", delegationKind = "PARENTAL", @delegate = parent, document = Document(),
            delivery = Email(address), privacyConsent = true,
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Contains("dichiarazione-sostitutiva", created.GetProperty("summary").GetProperty("documents").EnumerateArray().Select(e => e.GetString()));
        var declaration = await (await client.GetAsync($"/api/v1/activations/{id}/documents/dichiarazione-sostitutiva")).Content.ReadAsByteArrayAsync();
        using (var pdf = PdfDocument.Open(declaration))
        {
            var text = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
            Assert.Contains("DICHIARAZIONE SOSTITUTIVA DI CERTIFICAZIONE", text);
            Assert.Contains("445/2000", text);
            Assert.Contains("RSSMRA80A01H501U", text);
            Assert.Contains("ROSSI", text);
            Assert.Contains(holderCf, text);
            Assert.Contains("potestà", text);
        }
        await QpdfCheckAsync(declaration);
        var confirmed = await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", await client.SignedAsync("activations", id)));
        Assert.Equal("ACTIVE", confirmed.GetProperty("cardState").GetString());
        var form = await (await client.GetAsync($"/api/v1/activations/{id}/documents/modulo-richiesta-codici")).Content.ReadAsByteArrayAsync();
        using (var pdf = PdfDocument.Open(form))
        {
            var text = string.Join(" ", pdf.GetPage(1).GetWords().Select(w => w.Text));
            Assert.Contains("RSSMRA80A01H501U", text); // the requester is the parent
            Assert.Contains(holderCf, text);
        }
    }

    [Fact]
    public async Task The_health_reasons_mode_needs_the_documents_and_prints_the_delegation_form_not_the_request_form()
    {
        var (client, _) = await ArrangeAsync();
        var address = Address();
        object Body(bool received) => new
        {
            cardNumber = Number, mode = "HEALTH_DELEGATION", @delegate = new { codiceFiscale = "RSSMRA80A01H501U", surname = "Rossi", givenName = "Mario" },
            document = Document(), delivery = Email(address), privacyConsent = true, healthDelegationDocumentsReceived = received,
            specialCases = new { medicalCertificate = new { doctor = "Dott. Verdi", issueDate = Iso(Today.AddDays(-1)) }, impedimentOverThreeMonths = true },
        };
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Body(false)), HttpStatusCode.UnprocessableEntity, "health-delegation-documents-missing");
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Body(true)), HttpStatusCode.Created);
        Assert.Equal(["modulo-richiesta-pin-delega"], created.GetProperty("summary").GetProperty("documents").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var id = created.GetProperty("id").GetString();
        var confirmed = await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", await client.SignedAsync("activations", id)));
        Assert.Equal(["modulo-richiesta-pin-delega", "codici-personali"], confirmed.GetProperty("documents").EnumerateArray().Select(e => e.GetString()!).ToArray());
        await ProblemAsync(await client.GetAsync($"/api/v1/activations/{id}/documents/modulo-richiesta-codici"), HttpStatusCode.NotFound, "document-not-available");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/activations/{id}/documents/codici-personali")).StatusCode);
    }

    public static IEnumerable<object[]> BrokenRules() =>
    [
        ["parental-authority-adult-holder", new { cardNumber = Number, mode = "DELEGATED", delegationKind = "PARENTAL", @delegate = new { codiceFiscale = "RSSMRA80A01H501U", surname = "Rossi", givenName = "Mario" }, document = Document(), delivery = Email("a@example.it"), privacyConsent = true }],
        ["delegation-kind-required", new { cardNumber = Number, mode = "DELEGATED", @delegate = new { codiceFiscale = "RSSMRA80A01H501U", surname = "Rossi", givenName = "Mario" }, document = Document(), delivery = Email("a@example.it"), privacyConsent = true }],
        ["delegate-required", new { cardNumber = Number, mode = "DELEGATED", delegationKind = "TUTOR", document = Document(), delivery = Email("a@example.it"), privacyConsent = true }],
        ["document-expired", new { cardNumber = Number, mode = "DIRECT", document = Document(Iso(Today.AddDays(-1))), delivery = Email("a@example.it"), privacyConsent = true }],
        ["email-confirmation-mismatch", new { cardNumber = Number, mode = "DIRECT", document = Document(), delivery = Email("a@example.it", "b@example.it"), privacyConsent = true }],
        ["privacy-consent-required", new { cardNumber = Number, mode = "DIRECT", document = Document(), delivery = Email("a@example.it"), privacyConsent = false }],
    ];

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public async Task Each_broken_rule_is_refused_with_its_own_problem_type_and_nothing_is_written(string rule, object body)
    {
        var (client, _) = await ArrangeAsync();
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", body), HttpStatusCode.UnprocessableEntity, rule);
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM activation.requests"));
        Assert.Equal(1, await OperationsAsync("ACTIVATION", "REJECTED", Number));
    }

    [Fact]
    public async Task The_delegate_cannot_be_the_holder()
    {
        var (client, cf) = await ArrangeAsync();
        var body = new { cardNumber = Number, mode = "DELEGATED", delegationKind = "CURATOR", @delegate = new { codiceFiscale = cf, surname = "Ferrari", givenName = "Giulia" }, document = Document(), delivery = Email("a@example.it"), privacyConsent = true };
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", body), HttpStatusCode.UnprocessableEntity, "delegate-is-holder");
    }

    [Fact]
    public async Task Bad_input_names_every_field()
    {
        var (client, _) = await ArrangeAsync();
        var problem = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber = "123", document = new { type = "PASSAPORTO", issueDate = "2020-13-01" }, delivery = new { channel = "SMS", mobile = "02 1234567" },
        }), HttpStatusCode.BadRequest, "validation");
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "cardNumber", "mode", "document.number", "document.issuedBy", "document.issueDate", "document.expiryDate", "delivery.mobile", "privacyConsent" })
            Assert.True(errors.TryGetProperty(field, out _), field);
        var badEmail = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber = Number, mode = "DIRECT", document = Document(), delivery = new { channel = "EMAIL", email = "not-an-email" }, privacyConsent = true,
        }), HttpStatusCode.BadRequest, "validation");
        Assert.True(badEmail.GetProperty("errors").TryGetProperty("delivery.email", out _));
        Assert.True(badEmail.GetProperty("errors").TryGetProperty("delivery.emailConfirmation", out _));
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", new { cardNumber = Number, mode = "SOMETIMES" }), HttpStatusCode.BadRequest, "malformed-request");
        // A body that is not JSON by its media type (text/plain, or none declared) is the catalogue's 415, not a malformed body.
        var json = JsonSerializer.Serialize(Direct(Address()), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        await ProblemAsync(await client.PostAsync("/api/v1/activations", new StringContent(json, Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        var undeclared = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        await ProblemAsync(await client.PostAsync("/api/v1/activations", undeclared), HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM activation.requests"));
    }

    [Fact]
    public async Task Only_a_card_that_is_not_active_and_not_expired_can_be_activated()
    {
        var (client, _) = await ArrangeAsync();
        await FeedAsync(Card("80380000900000054322", expiry: Today.AddDays(-3), givenName: "PIA"));
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct(Address(), "80380000900000054322")), HttpStatusCode.UnprocessableEntity, "card-not-activatable");
        await SetStateAsync(Number, "ACTIVE");
        var active = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct(Address())), HttpStatusCode.Conflict, "card-not-activatable");
        Assert.Equal("ACTIVE", active.GetProperty("state").GetString());
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct(Address(), "80380000900000099999")), HttpStatusCode.NotFound, "card-not-found");
    }

    [Fact]
    public async Task A_pending_request_can_be_modified_cancelled_or_left_to_expire()
    {
        var (client, _) = await ArrangeAsync();
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct("old@example.it")), HttpStatusCode.Created)).GetProperty("id").GetString();
        var modified = await OkAsync(await client.PutAsJsonAsync($"/api/v1/activations/{id}", Direct("new@example.it")));
        Assert.Equal("new@example.it", modified.GetProperty("summary").GetProperty("delivery").GetProperty("email").GetString());
        await ProblemAsync(await client.PutAsJsonAsync($"/api/v1/activations/{id}", Direct("new@example.it", "80380000900000011111")), HttpStatusCode.UnprocessableEntity, "card-number-immutable");

        var cancelled = await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/cancel", null));
        Assert.Equal("CANCELLED", cancelled.GetProperty("status").GetString());
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", await client.SignedAsync("activations", id)), HttpStatusCode.Conflict, "request-not-pending");
        await ProblemAsync(await client.PutAsJsonAsync($"/api/v1/activations/{id}", Direct("x@example.it")), HttpStatusCode.Conflict, "request-not-pending");

        var late = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct("late@example.it")), HttpStatusCode.Created)).GetProperty("id").GetString();
        await Factory.ExecuteAsync("UPDATE activation.requests SET expires_at = now() - interval '1 minute' WHERE id = @id", ("id", Guid.Parse(late!)));
        Assert.Equal("EXPIRED", (await OkAsync(await client.GetAsync($"/api/v1/activations/{late}"))).GetProperty("status").GetString());
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{late}/confirm", await client.SignedAsync("activations", late)), HttpStatusCode.Conflict, "request-expired");
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
    }

    [Fact]
    public async Task Requests_of_another_counter_do_not_exist_for_this_one()
    {
        var (client, _) = await ArrangeAsync();
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct(Address())), HttpStatusCode.Created)).GetProperty("id").GetString();
        var (other, _, _) = await ActorAsync("Operator", "HOSPITAL");
        await ProblemAsync(await other.PostAsync($"/api/v1/activations/{id}/confirm", await other.SignedAsync("activations", id)), HttpStatusCode.NotFound, "request-not-found");
        await ProblemAsync(await other.GetAsync($"/api/v1/activations/{id}/documents/modulo-richiesta-codici"), HttpStatusCode.NotFound, "request-not-found");
    }

    [Fact]
    public async Task Two_confirms_racing_end_with_one_success_and_one_conflict()
    {
        var (client, _) = await ArrangeAsync();
        for (var round = 0; round < 3; round++)
        {
            await SetStateAsync(Number, "NOT_ACTIVE");
            // Two requests for the same card.
            var a = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct(Address())), HttpStatusCode.Created)).GetProperty("id").GetString();
            var b = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct(Address())), HttpStatusCode.Created)).GetProperty("id").GetString();
            var results = await Task.WhenAll(client.PostAsync($"/api/v1/activations/{a}/confirm", await client.SignedAsync("activations", a)), client.PostAsync($"/api/v1/activations/{b}/confirm", await client.SignedAsync("activations", b)));
            Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));

            // The same request twice.
            await SetStateAsync(Number, "NOT_ACTIVE");
            var c = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct(Address())), HttpStatusCode.Created)).GetProperty("id").GetString();
            var same = await Task.WhenAll(client.PostAsync($"/api/v1/activations/{c}/confirm", await client.SignedAsync("activations", c)), client.PostAsync($"/api/v1/activations/{c}/confirm", await client.SignedAsync("activations", c)));
            Assert.Equal(1, same.Count(r => r.StatusCode == HttpStatusCode.OK));
            Assert.Equal(1, same.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        }
        Assert.Equal(6L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages"));
    }

    [Fact]
    public async Task An_idempotency_key_makes_a_retried_create_or_confirm_return_the_first_answer()
    {
        var (client, _) = await ArrangeAsync();
        var address = Address();
        Task<HttpResponseMessage> Send(HttpMethod method, string path, object? body, string key) => SendWithKeyAsync(client, method, path, body, key);
        var first = await Send(HttpMethod.Post, "/api/v1/activations", Direct(address), "create-1");
        var second = await Send(HttpMethod.Post, "/api/v1/activations", Direct(address), "create-1");
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        var id = (await OkAsync(first, HttpStatusCode.Created)).GetProperty("id").GetString();
        Assert.Equal(id, (await OkAsync(second, HttpStatusCode.Created)).GetProperty("id").GetString());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM activation.requests"));

        await ProblemAsync(await Send(HttpMethod.Post, "/api/v1/activations", Direct(Address()), "create-1"), HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        await ProblemAsync(await Send(HttpMethod.Post, "/api/v1/activations", Direct(address), "not a key!"), HttpStatusCode.BadRequest, "invalid-idempotency-key");

        var signed = await client.SignedBodyAsync("activations", id!);
        var confirm1 = await OkAsync(await Send(HttpMethod.Post, $"/api/v1/activations/{id}/confirm", signed, "confirm-1"));
        var confirm2 = await OkAsync(await Send(HttpMethod.Post, $"/api/v1/activations/{id}/confirm", signed, "confirm-1"));
        Assert.Equal(confirm1.GetRawText(), confirm2.GetRawText());
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages"));
        var stored = await Factory.ScalarAsync<byte[]>("SELECT body_ciphertext FROM platform.idempotency_keys WHERE key = 'confirm-1'");
        Assert.DoesNotContain("2468", System.Text.Encoding.UTF8.GetString(stored)); // the stored answer is sealed
        await ProblemAsync(await Send(HttpMethod.Post, $"/api/v1/activations/{id}/confirm", signed, "confirm-2"), HttpStatusCode.Conflict, "request-not-pending");
    }

    /// <summary>Creates a pending activation, then confirms it with the key while a test trigger (its function's body given) is in place.</summary>
    private async Task<(HttpClient Client, string Id, HttpResponseMessage Answer)> ConfirmUnderTriggerAsync(
        string key, string function, string trigger, string body)
    {
        var (client, _) = await ArrangeAsync();
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct(Address())), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        await Factory.ExecuteAsync($"""
            CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NEW; END $$;
            CREATE TRIGGER test_trigger {trigger} FOR EACH ROW EXECUTE FUNCTION {function}();
            """);
        try
        {
            return (client, id, await SendWithKeyAsync(client, HttpMethod.Post, $"/api/v1/activations/{id}/confirm", await client.SignedBodyAsync("activations", id), key));
        }
        finally
        {
            await Factory.ExecuteAsync($"DROP FUNCTION {function}() CASCADE;");
        }
    }

    private async Task AssertNothingOfTheConfirmCommittedAsync(string id)
    {
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
        Assert.Equal("PENDING", await Factory.ScalarAsync<string>("SELECT status FROM activation.requests WHERE id = @i", ("i", Guid.Parse(id))));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages"));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations WHERE type = 'ACTIVATION' AND outcome = 'SUCCEEDED' AND detail LIKE 'confirm%'"));
    }

    [Fact]
    public async Task A_write_with_an_idempotency_key_commits_with_its_stored_answer_or_not_at_all()
    {
        // The stored answer cannot be written (as if the process died between the confirm's commit and storing its answer):
        // the confirm must not have committed either, or a retry would meet "not pending" and the first halves would be lost.
        // The failure is provoked on purpose: its 500 is no answer of the contract (docs/contract.md), the check is suspended.
        (HttpClient Client, string Id, HttpResponseMessage Answer) provoked;
        using (ContractValidatingHandler.Suspend())
            provoked = await ConfirmUnderTriggerAsync("answer-lost", "platform.test_refuse_answer",
                "BEFORE INSERT OR UPDATE ON platform.idempotency_keys",
                "IF NEW.key = 'answer-lost' AND NEW.status_code IS NOT NULL THEN RAISE EXCEPTION 'the answer is not written'; END IF;");
        var (client, id, failed) = provoked;
        Assert.True((int)failed.StatusCode >= 500, $"{(int)failed.StatusCode} {await failed.Content.ReadAsStringAsync()}");
        await AssertNothingOfTheConfirmCommittedAsync(id);
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM platform.idempotency_keys WHERE key = 'answer-lost'"));

        // The retry runs the confirm once and answers the first halves; the next retry replays that answer.
        var retried = await SendWithKeyAsync(client, HttpMethod.Post, $"/api/v1/activations/{id}/confirm", await client.SignedBodyAsync("activations", id), "answer-lost");
        var confirmed = await OkAsync(retried);
        Assert.False(retried.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("13", confirmed.GetProperty("firstHalves").GetProperty("pin").GetString());
        var replayed = await SendWithKeyAsync(client, HttpMethod.Post, $"/api/v1/activations/{id}/confirm", await client.SignedBodyAsync("activations", id), "answer-lost");
        Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(confirmed.GetRawText(), (await OkAsync(replayed)).GetRawText());
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages"));
    }

    [Fact]
    public async Task A_run_whose_key_was_answered_by_another_run_of_the_request_rolls_back_and_says_it_is_in_progress()
    {
        // A run stuck past the key's lease while a retry took the key over and answered: the late run finds the key answered
        // when it comes to store its own answer (simulated here inside the run itself) and must undo its work.
        var (client, id, answer) = await ConfirmUnderTriggerAsync("taken-over", "activation.test_answer_elsewhere",
            "AFTER UPDATE ON activation.requests",
            "UPDATE platform.idempotency_keys SET status_code = 200, key_id = 'elsewhere', body_ciphertext = decode('00', 'hex') WHERE key = 'taken-over';");
        await ProblemAsync(answer, HttpStatusCode.Conflict, "idempotency-request-in-progress");
        await AssertNothingOfTheConfirmCommittedAsync(id);
        await OkAsync(await SendWithKeyAsync(client, HttpMethod.Post, $"/api/v1/activations/{id}/confirm", await client.SignedBodyAsync("activations", id), "another-key"));
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages"));
    }

    [Fact]
    public async Task A_key_older_than_a_day_is_a_new_request_even_before_the_job_deletes_it()
    {
        var (client, _) = await ArrangeAsync();
        var first = await OkAsync(await SendWithKeyAsync(client, HttpMethod.Post, "/api/v1/activations", Direct(Address()), "reused"), HttpStatusCode.Created);
        await Factory.ExecuteAsync("UPDATE platform.idempotency_keys SET created_at = created_at - interval '24 hours 1 minute' WHERE key = 'reused'");
        // Another request with the old key: neither "reused for a different request" nor the old answer.
        var another = Direct(Address());
        var again = await SendWithKeyAsync(client, HttpMethod.Post, "/api/v1/activations", another, "reused");
        Assert.False(again.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual(first.GetProperty("id").GetString(), (await OkAsync(again, HttpStatusCode.Created)).GetProperty("id").GetString());
        // And its retry replays the new answer.
        Assert.Equal("true", (await SendWithKeyAsync(client, HttpMethod.Post, "/api/v1/activations", another, "reused"))
            .Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task Stored_idempotent_answers_are_deleted_after_a_day_by_a_recurring_job()
    {
        var (client, _) = await ArrangeAsync();
        var id = (await OkAsync(await SendWithKeyAsync(client, HttpMethod.Post, "/api/v1/activations", Direct(Address()), "day-old"),
            HttpStatusCode.Created)).GetProperty("id").GetString();
        await OkAsync(await SendWithKeyAsync(client, HttpMethod.Post, $"/api/v1/activations/{id}/confirm", await client.SignedBodyAsync("activations", id), "fresh"));
        await Factory.ExecuteAsync("UPDATE platform.idempotency_keys SET created_at = created_at - interval '24 hours 1 minute' WHERE key = 'day-old'");

        Assert.Equal(1, await Factory.Services.GetRequiredService<IdempotencyRetention>().PurgeExpiredAsync(CancellationToken.None));
        Assert.Equal("fresh", await Factory.ScalarAsync<string>("SELECT string_agg(key, ',') FROM platform.idempotency_keys"));
        using var jobs = Factory.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection();
        var job = Assert.Single(Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(jobs), j => j.Id == "idempotency-retention");
        Assert.Equal("17 * * * *", job.Cron);
    }

    [Fact]
    public async Task An_smtp_outage_delays_the_message_but_does_not_lose_it()
    {
        var (client, _) = await ArrangeAsync();
        var address = Address();
        Factory.StopSmtp();
        try
        {
            var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct(address)), HttpStatusCode.Created)).GetProperty("id").GetString();
            var confirmed = await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", await client.SignedAsync("activations", id)));
            var deliveryId = confirmed.GetProperty("deliveryId").GetString()!;
            var queued = await WaitForAsync(client, deliveryId, d => d.GetProperty("attempts").GetInt32() >= 2 && d.GetProperty("status").GetString() == "QUEUED");
            Assert.False(string.IsNullOrEmpty(queued.GetProperty("lastError").GetString()));
            Assert.Contains("*", queued.GetProperty("recipient").GetString());
        }
        finally
        {
            Factory.StartSmtp();
        }
        var mail = await Mailbox.WaitForAsync(Factory, address, TimeSpan.FromSeconds(30));
        Assert.Contains("Codice PIN: 579", mail.TextBody);
        await Task.Delay(1500);
        Assert.Single(Mailbox.For(Factory, address));
    }

    private async Task<JsonElement> WaitForDeliveryAsync(HttpClient client, string id, string status) =>
        await WaitForAsync(client, id, d => d.GetProperty("status").GetString() == status);

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string id, Func<JsonElement, bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        JsonElement last = default;
        while (DateTime.UtcNow < until)
        {
            last = await OkAsync(await client.GetAsync($"/api/v1/deliveries/{id}"));
            if (condition(last)) return last;
            await Task.Delay(200);
        }
        throw new TimeoutException($"delivery {id}: {last}");
    }

    /// <summary>Every PDF must pass qpdf's structural check.</summary>
    internal static async Task QpdfCheckAsync(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"cms-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("qpdf", ["--check", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, "qpdf --check: " + output);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
