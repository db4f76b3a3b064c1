using System.Net;
using System.Net.Http.Json;
using Cms.Integration.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Cms.Integration.Tests;

public class ReprintTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000065432";

    private async Task<HttpClient> ArrangeAsync(string state = "ACTIVE", DateOnly? birth = null)
    {
        await FeedAsync(Card(Number, birth: birth, pin: "24680", puk: "11223344", cip: "55667788"));
        await SetStateAsync(Number, state);
        var (client, _, _) = await ActorAsync("Operator");
        return client;
    }

    private static object Body(string address, string reason = "DIMENTICANZA", string? note = null, string mode = "DIRECT") => new
    {
        cardNumber = Number, mode, reason, reasonNote = note,
        document = new { type = "PATENTE_GUIDA", number = "FI1234567", issuedBy = "MCTC", issueDate = Iso(Today.AddYears(-3)), expiryDate = Iso(Today.AddYears(5)) },
        delivery = new { channel = "EMAIL", email = address, emailConfirmation = address }, privacyConsent = true,
    };

    [Fact]
    public async Task A_reprint_releases_the_same_codes_again_in_two_halves_with_the_warning()
    {
        var client = await ArrangeAsync();
        var address = $"ristampa.{Guid.NewGuid():N}@example.it";
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/reprints", Body(address)), HttpStatusCode.Created);
        var summary = created.GetProperty("summary");
        Assert.Equal("DIMENTICANZA", summary.GetProperty("reason").GetString());
        Assert.Contains("non possono essere recuperati", summary.GetProperty("warnings")[0].GetString());
        var id = created.GetProperty("id").GetString();

        var confirmed = await OkAsync(await client.PostAsync($"/api/v1/reprints/{id}/confirm", await client.SignedAsync("reprints", id)));
        Assert.Equal("COMPLETED", confirmed.GetProperty("status").GetString());
        Assert.Equal("24", confirmed.GetProperty("firstHalves").GetProperty("pin").GetString());
        Assert.Equal("1122", confirmed.GetProperty("firstHalves").GetProperty("puk").GetString());
        Assert.Equal("5566", confirmed.GetProperty("firstHalves").GetProperty("cip").GetString());
        Assert.DoesNotContain("24680", confirmed.GetRawText());

        var mail = await Mailbox.WaitForAsync(Factory, address);
        Assert.Contains("Codice PIN: 680", mail.TextBody);
        Assert.Contains("Codice PUK: 3344", mail.TextBody);
        Assert.Contains("Codice CIP: 7788", mail.TextBody);
        Assert.Contains("ristampa", mail.TextBody);
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
        Assert.Equal(2, await OperationsAsync("REPRINT", "SUCCEEDED", Number));

        var form = await (await client.GetAsync($"/api/v1/reprints/{id}/documents/modulo-richiesta-codici")).Content.ReadAsByteArrayAsync();
        using (var pdf = PdfDocument.Open(form))
        {
            var text = string.Join(" ", pdf.GetPage(1).GetWords().Select(w => w.Text));
            Assert.Contains("RISTAMPA", text);
            Assert.Contains("Dimenticanza", text);
            Assert.Equal(2, pdf.NumberOfPages);
        }
        await ActivationTests.QpdfCheckAsync(form);
        var codes = await (await client.GetAsync($"/api/v1/reprints/{id}/documents/codici-personali")).Content.ReadAsByteArrayAsync();
        using (var pdf = PdfDocument.Open(codes))
        {
            var words = pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text).ToList();
            Assert.Equal("24", words[words.IndexOf("PIN:") + 1]);
            Assert.DoesNotContain("680", WithoutIds(string.Join(" ", words)).Replace("24680", "", StringComparison.Ordinal));
        }
        await ActivationTests.QpdfCheckAsync(codes);
    }

    [Fact]
    public async Task Only_an_active_card_gets_its_codes_again()
    {
        var client = await ArrangeAsync(state: "NOT_ACTIVE");
        var problem = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reprints", Body("a@example.it")), HttpStatusCode.Conflict, "card-not-reprintable");
        Assert.Equal("NOT_ACTIVE", problem.GetProperty("state").GetString());
        await SetStateAsync(Number, "REVOKED");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reprints", Body("a@example.it")), HttpStatusCode.Conflict, "card-not-reprintable");
    }

    [Fact]
    public async Task The_rules_of_the_people_and_the_reason_apply()
    {
        var client = await ArrangeAsync(birth: Today.AddYears(-12));
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reprints", Body("a@example.it")), HttpStatusCode.UnprocessableEntity, "minor-direct-activation");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reprints", Body("a@example.it", reason: "ALTRO", mode: "DELEGATED")),
            HttpStatusCode.UnprocessableEntity, "delegate-required");
        var missing = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reprints", new { cardNumber = Number }), HttpStatusCode.BadRequest, "validation");
        Assert.True(missing.GetProperty("errors").TryGetProperty("reason", out _));
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reprints", Body("a@example.it", reason: "PERCHE_SI")), HttpStatusCode.BadRequest, "malformed-request");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM reprint.reprint_requests"));
    }

    [Fact]
    public async Task Another_reason_needs_its_description_and_a_request_can_be_modified_or_cancelled()
    {
        var client = await ArrangeAsync();
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reprints", Body("a@example.it", reason: "ALTRO")), HttpStatusCode.UnprocessableEntity, "reason-note-required");
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/reprints", Body("a@example.it", reason: "ALTRO", note: "busta deteriorata")), HttpStatusCode.Created))
            .GetProperty("id").GetString();
        var modified = await OkAsync(await client.PutAsJsonAsync($"/api/v1/reprints/{id}", Body("b@example.it", reason: "SMARRIMENTO")));
        Assert.Equal("SMARRIMENTO", modified.GetProperty("summary").GetProperty("reason").GetString());
        Assert.Equal("b@example.it", modified.GetProperty("summary").GetProperty("delivery").GetProperty("email").GetString());
        Assert.Equal("CANCELLED", (await OkAsync(await client.PostAsync($"/api/v1/reprints/{id}/cancel", null))).GetProperty("status").GetString());
        await ProblemAsync(await client.PostAsync($"/api/v1/reprints/{id}/confirm", await client.SignedAsync("reprints", id)), HttpStatusCode.Conflict, "request-not-pending");
    }

    [Fact]
    public async Task The_same_request_confirmed_twice_at_once_releases_once()
    {
        var client = await ArrangeAsync();
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/reprints", Body("race@example.it")), HttpStatusCode.Created)).GetProperty("id").GetString();
        var results = await Task.WhenAll(client.PostAsync($"/api/v1/reprints/{id}/confirm", await client.SignedAsync("reprints", id)), client.PostAsync($"/api/v1/reprints/{id}/confirm", await client.SignedAsync("reprints", id)));
        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(1, results.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages WHERE purpose = 'REPRINT'"));
    }
}
