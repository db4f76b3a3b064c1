using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>The digital-signature certificate request [S 7, S 9.3.2 point 8] (decision 0045).</summary>
public class SignatureRequestTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000066001";
    private const string Form = "modulo-richiesta-firma-digitale";

    private async Task<HttpClient> ArrangeAsync(string state = "ACTIVE", DateOnly? birth = null)
    {
        await FeedAsync(Card(Number, birth: birth));
        await SetStateAsync(Number, state);
        var (client, _, _) = await ActorAsync("Operator");
        return client;
    }

    private static object Body(string cardNumber = Number, bool privacyConsent = true, object? document = null) =>
        new { cardNumber, document = document ?? RevocationTests.Document(), privacyConsent };

    private static async Task<string> CreateAsync(HttpClient client) =>
        (await OkAsync(await client.PostAsJsonAsync("/api/v1/signature-requests", Body()), HttpStatusCode.Created)).GetProperty("id").GetString()!;

    private static Task<HttpResponseMessage> ConfirmAsync(HttpClient client, string id, bool signed = true) =>
        client.PostAsJsonAsync($"/api/v1/signature-requests/{id}/confirm", new { formPrintedAndSigned = signed });

    private static async Task<string> PrintAsync(HttpClient client, string id) =>
        await RevocationTests.PdfTextAsync(await client.GetAsync($"/api/v1/signature-requests/{id}/documents/{Form}"));

    private static async Task<JsonElement> WaitForCertificateStatusAsync(HttpClient client, string id, string wanted)
    {
        JsonElement last = default;
        for (var i = 0; i < 150; i++)
        {
            last = await OkAsync(await client.GetAsync($"/api/v1/signature-requests/{id}"));
            if (last.GetProperty("certificateStatus").GetString() == wanted) return last;
            await Task.Delay(200);
        }
        throw new TimeoutException($"the signature request never reached {wanted}: {last}");
    }

    [Fact]
    public async Task A_signature_certificate_is_requested_printed_signed_and_sent_to_the_ca_which_is_retried_until_it_answers()
    {
        var client = await ArrangeAsync();
        var card = await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number }));
        Assert.Contains("SIGNATURE_CERTIFICATE", card.GetProperty("allowedOperations").EnumerateArray().Select(e => e.GetString()));

        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/signature-requests", Body()), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("PENDING", created.GetProperty("status").GetString());
        Assert.Equal("NOT_SENT", created.GetProperty("certificateStatus").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("certificateRequest").ValueKind);
        Assert.Equal(["print-" + Form, "confirm"], created.GetProperty("summary").GetProperty("nextSteps").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("CA1234567", created.GetProperty("summary").GetProperty("document").GetProperty("number").GetString());

        // Sign before confirm: the form first, then the operator's word that the holder signed it.
        var missing = await ProblemAsync(await ConfirmAsync(client, id), HttpStatusCode.Conflict, "form-not-printed");
        Assert.Equal([Form], missing.GetProperty("missingForms").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var text = await PrintAsync(client, id);
        Assert.Contains("MODULO DI RICHIESTA DEL CERTIFICATO DI FIRMA DIGITALE", text);
        Assert.Contains("in qualità di TITOLARE maggiorenne della TS-CNS", text);
        Assert.Contains(Number, text);
        Assert.Contains("CA1234567", text);
        Assert.Contains("Operatore di registrazione", text);
        Assert.Contains(id, text);
        // A change after the print: the printed form no longer says what is sent, print it again.
        var changed = await OkAsync(await client.PutAsJsonAsync($"/api/v1/signature-requests/{id}",
            new { document = new { type = "PASSAPORTO", number = "YA7654321", issuedBy = "QUESTURA DI FIRENZE", issueDate = Iso(Today.AddYears(-1)), expiryDate = Iso(Today.AddYears(9)) }, privacyConsent = true }));
        Assert.False(changed.GetProperty("summary").GetProperty("formPrinted").GetBoolean());
        await ProblemAsync(await ConfirmAsync(client, id), HttpStatusCode.Conflict, "form-not-printed");
        Assert.Contains("YA7654321", await PrintAsync(client, id));
        var unsigned = await ProblemAsync(await ConfirmAsync(client, id, signed: false), HttpStatusCode.Conflict, "form-not-printed");
        Assert.Empty(unsigned.GetProperty("missingForms").EnumerateArray());
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM outbound.calls WHERE kind = 'SIGNATURE_CERTIFICATE'"));

        // The certification authority is down for the first two calls: the request is queued, retried, then received once.
        Factory.CertificationAuthority.FailFirst(2);
        var confirmed = await OkAsync(await ConfirmAsync(client, id));
        Assert.Equal("COMPLETED", confirmed.GetProperty("status").GetString());
        Assert.Equal("QUEUED", confirmed.GetProperty("certificateStatus").GetString());
        Assert.Contains("Operazione effettuata correttamente", confirmed.GetProperty("message").GetString());
        var callId = confirmed.GetProperty("certificateRequest").GetProperty("id").GetString();
        Assert.Equal("QUEUED", (await OkAsync(await client.GetAsync($"/api/v1/signature-requests/{id}"))).GetProperty("certificateStatus").GetString());

        var call = await Factory.CertificationAuthority.WaitForAsync(Number, "ISSUE_SIGNATURE_CERTIFICATE");
        Assert.Equal("SIGNATURE_CERTIFICATE", call.Kind);
        Assert.Equal(callId, call.IdempotencyKey);
        Assert.Equal(FakeExternalSystem.ApiKey, call.ApiKey);
        Assert.Equal(created.GetProperty("summary").GetProperty("holder").GetProperty("codiceFiscale").GetString(),
            call.Body.GetProperty("holderCodiceFiscale").GetString());
        Assert.Equal("PASSAPORTO", call.Body.GetProperty("identityDocument").GetProperty("type").GetString());
        Assert.Equal("YA7654321", call.Body.GetProperty("identityDocument").GetProperty("number").GetString());
        Assert.Equal(id, call.Body.GetProperty("requestId").GetString());
        Assert.DoesNotContain("87654321", call.Body.GetRawText()); // never a code
        Assert.DoesNotContain("12345678", call.Body.GetRawText());

        var sent = await WaitForCertificateStatusAsync(client, id, "SENT");
        Assert.Equal(3, sent.GetProperty("certificateRequest").GetProperty("attempts").GetInt32());
        Assert.Contains("ricevuta dal certificatore", sent.GetProperty("message").GetString());
        Assert.Equal(3, Factory.CertificationAuthority.Attempts);
        Assert.Single(Factory.CertificationAuthority.Received);

        // One certificate per card: a second request is refused; the trail holds create, modify and confirm.
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/signature-requests", Body()), HttpStatusCode.Conflict, "signature-request-exists");
        await ProblemAsync(await ConfirmAsync(client, id), HttpStatusCode.Conflict, "request-not-pending");
        Assert.Equal(3L, await OperationsAsync("SIGNATURE_CERTIFICATE", "SUCCEEDED", Number));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'SIGNATURE_CERTIFICATE' AND outcome = 'SUCCEEDED' AND detail LIKE 'confirm%'"));
    }

    [Fact]
    public async Task A_minor_gets_no_signature_certificate()
    {
        var client = await ArrangeAsync(birth: Today.AddYears(-16));
        var card = await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number }));
        Assert.True(card.GetProperty("holder").GetProperty("minor").GetBoolean());
        Assert.DoesNotContain("SIGNATURE_CERTIFICATE", card.GetProperty("allowedOperations").EnumerateArray().Select(e => e.GetString()));
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/signature-requests", Body()), HttpStatusCode.UnprocessableEntity, "signature-holder-minor");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM signature.certificate_requests"));
        Assert.Equal(1L, await OperationsAsync("SIGNATURE_CERTIFICATE", "REJECTED", Number));
    }

    [Fact]
    public async Task Only_an_active_card_gets_a_signature_certificate_also_at_the_confirm()
    {
        var client = await ArrangeAsync(state: "NOT_ACTIVE");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/signature-requests", Body()), HttpStatusCode.Conflict, "card-not-active");
        await SetStateAsync(Number, "REVOKED");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/signature-requests", Body()), HttpStatusCode.Conflict, "card-not-active");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/signature-requests", Body(cardNumber: "80380000900000099999")), HttpStatusCode.NotFound, "card-not-found");
        var invalid = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/signature-requests", new { cardNumber = "123", document = new { type = "CARTA_IDENTITA" } }),
            HttpStatusCode.BadRequest, "validation");
        foreach (var field in new[] { "cardNumber", "document.number", "document.issueDate", "privacyConsent" })
            Assert.True(invalid.GetProperty("errors").TryGetProperty(field, out _), field);

        await SetStateAsync(Number, "ACTIVE");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/signature-requests", Body(privacyConsent: false)), HttpStatusCode.UnprocessableEntity,
            "privacy-consent-required");
        var id = await CreateAsync(client);
        await PrintAsync(client, id);
        // Suspended after the create: the confirm is refused and nothing is sent.
        await SetStateAsync(Number, "SUSPENDED");
        await ProblemAsync(await ConfirmAsync(client, id), HttpStatusCode.Conflict, "card-not-active");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM outbound.calls WHERE kind = 'SIGNATURE_CERTIFICATE'"));
        Assert.Equal("PENDING", (await OkAsync(await client.GetAsync($"/api/v1/signature-requests/{id}"))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task One_request_per_card_at_a_time_and_a_request_the_ca_refuses_can_be_made_again()
    {
        var client = await ArrangeAsync();
        var (other, _, _) = await ActorAsync("Operator", counterCode: "090-201-AS002");
        var first = await CreateAsync(client);
        var exists = await ProblemAsync(await other.PostAsJsonAsync("/api/v1/signature-requests", Body()), HttpStatusCode.Conflict, "signature-request-exists");
        Assert.Equal("PENDING", exists.GetProperty("existingStatus").GetString());
        await ProblemAsync(await other.GetAsync($"/api/v1/signature-requests/{first}"), HttpStatusCode.NotFound, "request-not-found");
        await OkAsync(await client.PostAsync($"/api/v1/signature-requests/{first}/cancel", null));

        // The certification authority refuses: FAILED at once, shown, and the card may ask again.
        Factory.CertificationAuthority.Refusing = true;
        var second = (await OkAsync(await other.PostAsJsonAsync("/api/v1/signature-requests", Body()), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        await PrintAsync(other, second);
        await OkAsync(await ConfirmAsync(other, second));
        var failed = await WaitForCertificateStatusAsync(other, second, "FAILED");
        Assert.Equal("FAILED", failed.GetProperty("certificateRequest").GetProperty("status").GetString());
        Assert.Contains("non ha accettato", failed.GetProperty("message").GetString());
        Assert.Equal(201, (int)(await client.PostAsJsonAsync("/api/v1/signature-requests", Body())).StatusCode);
    }

    [Fact]
    public async Task A_card_revoked_while_its_request_waits_for_the_ca_gets_no_certificate_and_the_ca_hears_of_the_operator_who_confirmed()
    {
        var client = await ArrangeAsync();
        // A colleague at the same counter confirms: the certification authority is told who vouched for the signed form.
        var (colleague, _, colleagueId) = await ActorAsync("Operator");
        var id = await CreateAsync(client);
        await PrintAsync(client, id);

        // The certification authority is down: the call waits for its retries; meanwhile the card is reported stolen.
        Factory.CertificationAuthority.FailFirst(3);
        Assert.Equal("QUEUED", (await OkAsync(await ConfirmAsync(colleague, id))).GetProperty("certificateStatus").GetString());
        for (var i = 0; i < 100 && Factory.CertificationAuthority.Attempts == 0; i++) await Task.Delay(100);
        Assert.True(Factory.CertificationAuthority.Attempts >= 1);
        await SetStateAsync(Number, "REVOKED");

        // The next attempt finds the card no longer active: given up, never sent (the fourth attempt would have been accepted).
        var failed = await WaitForCertificateStatusAsync(client, id, "FAILED");
        Assert.Contains("non è più attiva (REVOKED)", failed.GetProperty("certificateRequest").GetProperty("lastError").GetString());
        Assert.Empty(Factory.CertificationAuthority.Received);
        Assert.True(Factory.CertificationAuthority.Attempts < 4);
        Assert.Equal(colleagueId, await Factory.ScalarAsync<string>(
            "SELECT payload->>'registrationOperatorId' FROM outbound.calls WHERE kind = 'SIGNATURE_CERTIFICATE'"));
    }
}
