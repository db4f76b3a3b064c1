using System.Net;
using System.Net.Http.Json;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

public class ReaderDeliveryTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000088001";
    private const string Sibling = "80380000900000088002";
    private const string Household = "FAM-0042";

    private async Task<HttpClient> ArrangeAsync(string state = "ACTIVE")
    {
        await FeedAsync(Card(Number, household: Household), Card(Sibling, surname: "ROSSI", givenName: "ANNA", birth: new DateOnly(1985, 3, 3), household: Household));
        await SetStateAsync(Number, state);
        await SetStateAsync(Sibling, "ACTIVE");
        var (client, _, _) = await ActorAsync("Operator");
        return client;
    }

    private static async Task<string> DeliverAsync(HttpClient client, string cardNumber, string? overrideReason = null)
    {
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/reader-deliveries", new { cardNumber, overrideReason }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        await RevocationTests.PdfTextAsync(await client.GetAsync($"/api/v1/reader-deliveries/{id}/documents/modulo-richiesta-lettore"));
        await OkAsync(await client.PostAsJsonAsync($"/api/v1/reader-deliveries/{id}/confirm", new { formPrintedAndSigned = true }));
        return id;
    }

    [Fact]
    public async Task A_reader_is_handed_over_after_the_printed_form_and_the_household_is_counted()
    {
        var client = await ArrangeAsync();
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/reader-deliveries", new { cardNumber = Number, readerSerial = "RDR-0001" }),
            HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var readers = created.GetProperty("summary").GetProperty("readers");
        Assert.Equal(0, readers.GetProperty("holderReaders").GetInt32());
        Assert.Equal(0, readers.GetProperty("householdReaders").GetInt32());
        Assert.False(readers.GetProperty("overrideRequired").GetBoolean());
        Assert.Equal("HOUSEHOLD", readers.GetProperty("scope").GetString());

        await ProblemAsync(await client.PostAsJsonAsync($"/api/v1/reader-deliveries/{id}/confirm", new { formPrintedAndSigned = true }),
            HttpStatusCode.Conflict, "reader-form-not-printed");
        var text = await RevocationTests.PdfTextAsync(await client.GetAsync($"/api/v1/reader-deliveries/{id}/documents/modulo-richiesta-lettore"));
        Assert.Contains("MODULO DI RICHIESTA E CONSEGNA LETTORE SMART-CARD", text);
        Assert.Contains("richiede la contestuale consegna a mano di un lettore di smart card", text);
        Assert.Contains("unica per la propria famiglia anagrafica", text);
        Assert.Contains(Number, text);
        await ProblemAsync(await client.PostAsJsonAsync($"/api/v1/reader-deliveries/{id}/confirm", new { formPrintedAndSigned = false }),
            HttpStatusCode.UnprocessableEntity, "form-signature-not-acknowledged");
        var done = await OkAsync(await client.PostAsJsonAsync($"/api/v1/reader-deliveries/{id}/confirm", new { formPrintedAndSigned = true }));
        Assert.Equal("COMPLETED", done.GetProperty("status").GetString());
        Assert.Contains("consegna del lettore è andata a buon fine", done.GetProperty("message").GetString());
        Assert.Equal(2L, await OperationsAsync("READER_DELIVERY", "SUCCEEDED", Number));

        // The household already has its reader: the sibling gets one only with an override and its reason.
        var refused = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reader-deliveries", new { cardNumber = Sibling }),
            HttpStatusCode.Conflict, "reader-already-delivered");
        Assert.Equal(0, refused.GetProperty("holderReaders").GetInt32());
        Assert.Equal(1, refused.GetProperty("householdReaders").GetInt32());
        Assert.True(refused.GetProperty("overrideAllowed").GetBoolean());
        Assert.Contains("nucleo familiare", refused.GetProperty("detail").GetString());
        var overridden = await OkAsync(await client.PostAsJsonAsync("/api/v1/reader-deliveries",
            new { cardNumber = Sibling, overrideReason = "Il primo lettore è guasto (verbale 12/2026)" }), HttpStatusCode.Created);
        Assert.True(overridden.GetProperty("summary").GetProperty("readers").GetProperty("overrideRequired").GetBoolean());
        var overriddenId = overridden.GetProperty("id").GetString()!;
        var form = await RevocationTests.PdfTextAsync(await client.GetAsync($"/api/v1/reader-deliveries/{overriddenId}/documents/modulo-richiesta-lettore"));
        Assert.Contains("CONSEGNA IN DEROGA", form);
        await OkAsync(await client.PostAsJsonAsync($"/api/v1/reader-deliveries/{overriddenId}/confirm", new { formPrintedAndSigned = true }));

        // The next request shows what was handed out and when.
        var next = await OkAsync(await client.PostAsJsonAsync("/api/v1/reader-deliveries", new { cardNumber = Number, overrideReason = "smarrito" }),
            HttpStatusCode.Created);
        var counts = next.GetProperty("summary").GetProperty("readers");
        Assert.Equal(1, counts.GetProperty("holderReaders").GetInt32());
        Assert.Equal(2, counts.GetProperty("householdReaders").GetInt32());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, counts.GetProperty("lastDeliveredAt").ValueKind);
        Assert.Contains("Risultano consegnati 1 lettori al titolare e 2 al nucleo familiare", counts.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Two_counters_cannot_both_hand_out_the_households_one_reader()
    {
        var client = await ArrangeAsync();
        var (other, _, _) = await ActorAsync("Operator", counterCode: "090-201-AS002");
        var first = (await OkAsync(await client.PostAsJsonAsync("/api/v1/reader-deliveries", new { cardNumber = Number }), HttpStatusCode.Created))
            .GetProperty("id").GetString()!;
        var second = (await OkAsync(await other.PostAsJsonAsync("/api/v1/reader-deliveries", new { cardNumber = Sibling }), HttpStatusCode.Created))
            .GetProperty("id").GetString()!;
        await RevocationTests.PdfTextAsync(await client.GetAsync($"/api/v1/reader-deliveries/{first}/documents/modulo-richiesta-lettore"));
        await RevocationTests.PdfTextAsync(await other.GetAsync($"/api/v1/reader-deliveries/{second}/documents/modulo-richiesta-lettore"));
        var answers = await Task.WhenAll(
            client.PostAsJsonAsync($"/api/v1/reader-deliveries/{first}/confirm", new { formPrintedAndSigned = true }),
            other.PostAsJsonAsync($"/api/v1/reader-deliveries/{second}/confirm", new { formPrintedAndSigned = true }));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM readers.deliveries WHERE status = 'COMPLETED'"));
        // Each counter sees only its own requests.
        await ProblemAsync(await other.GetAsync($"/api/v1/reader-deliveries/{first}"), HttpStatusCode.NotFound, "request-not-found");
    }

    [Fact]
    public async Task Only_an_active_card_gets_a_reader()
    {
        var client = await ArrangeAsync(state: "NOT_ACTIVE");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reader-deliveries", new { cardNumber = Number }), HttpStatusCode.Conflict, "card-not-active");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reader-deliveries", new { cardNumber = "12345" }), HttpStatusCode.BadRequest, "validation");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reader-deliveries", new { cardNumber = "80380000900000099999" }), HttpStatusCode.NotFound, "card-not-found");
        var id = await DeliverAsync(client, Sibling);
        await ProblemAsync(await client.PostAsync($"/api/v1/reader-deliveries/{id}/cancel", null), HttpStatusCode.Conflict, "request-not-pending");
    }
}
