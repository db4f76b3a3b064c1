using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// Issue 24, decision 0035: a reprint is done at a counter of the holder's health authority (ASL), or with a stated reason that
/// is stored and audited — also when the holder's ASL is unknown and, by definition, for an interop reprint (checked at both
/// ends). The card feed carries the holder's ASL.
/// </summary>
public class ReprintCounterTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000078001";
    private const string Reason = "Titolare domiciliato a Firenze per lavoro, residente a Pisa";

    private static object Body(string? outsideReason = null, string reason = "DIMENTICANZA") => new
    {
        cardNumber = Number, mode = "DIRECT", reason, outsideHealthAuthorityReason = outsideReason,
        document = new { type = "PATENTE_GUIDA", number = "FI1234567", issuedBy = "MCTC", issueDate = Iso(Today.AddYears(-3)), expiryDate = Iso(Today.AddYears(5)) },
        delivery = new { channel = "EMAIL", email = "asl@example.it", emailConfirmation = "asl@example.it" }, privacyConsent = true,
    };

    private async Task<HttpClient> ArrangeAsync(string? healthAuthority, string counter = "090-201-AS001")
    {
        await FeedAsync(Card(Number, healthAuthority: healthAuthority));
        await SetStateAsync(Number, "ACTIVE");
        return (await ActorAsync("Operator", counterCode: counter)).Client;
    }

    [Fact]
    public async Task At_a_counter_of_another_health_authority_a_reprint_needs_a_stated_reason_which_is_stored_audited_and_shown()
    {
        var client = await ArrangeAsync("205");
        // The identification shows the holder's ASL.
        var card = await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number }));
        Assert.Equal("205", card.GetProperty("holder").GetProperty("healthAuthority").GetString());

        var refused = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reprints", Body()), HttpStatusCode.UnprocessableEntity,
            "reprint-outside-health-authority");
        Assert.Contains("azienda sanitaria", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("205", refused.GetProperty("holderHealthAuthority").GetString());
        Assert.Equal("201", refused.GetProperty("counterHealthAuthority").GetString());
        var tooShort = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reprints", Body("perché sì")), HttpStatusCode.BadRequest, "validation");
        Assert.True(tooShort.GetProperty("errors").TryGetProperty("outsideHealthAuthorityReason", out _));
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reprints", Body(new string('x', 501))), HttpStatusCode.BadRequest, "validation");
        // Nothing written; the refusal is in the trail.
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM reprint.reprint_requests"));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages"));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'REPRINT' AND outcome = 'REJECTED' AND detail = 'reprint-outside-health-authority'"));

        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/reprints", Body("  " + Reason + " ")), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(Reason, created.GetProperty("summary").GetProperty("outsideHealthAuthorityReason").GetString());
        // A modification must keep it.
        await ProblemAsync(await client.PutAsJsonAsync($"/api/v1/reprints/{id}", Body()), HttpStatusCode.UnprocessableEntity,
            "reprint-outside-health-authority");
        Assert.Equal(Reason, await Factory.ScalarAsync<string>("SELECT outside_health_authority_reason FROM reprint.reprint_requests WHERE id = @id",
            ("id", Guid.Parse(id))));
        await OkAsync(await client.PutAsJsonAsync($"/api/v1/reprints/{id}", Body(Reason, reason: "SMARRIMENTO")));
        await OkAsync(await client.PostAsync($"/api/v1/reprints/{id}/confirm", await client.SignedAsync("reprints", id)));

        var view = (await OkAsync(await client.GetAsync($"/api/v1/reprints/{id}"))).GetProperty("summary");
        Assert.Equal(Reason, view.GetProperty("outsideHealthAuthorityReason").GetString());
        foreach (var step in new[] { "create", "modify", "confirm" })
            Assert.Equal(1L, await Factory.ScalarAsync<long>(
                "SELECT count(*) FROM audit.operations WHERE type = 'REPRINT' AND outcome = 'SUCCEEDED' AND request_id = @id AND detail LIKE @d",
                ("id", id), ("d", step + "%outside-asl=\"" + Reason + "\"%")));
        // The auditor sees it with the card's operations.
        var (auditor, _, _) = await ActorAsync("Auditor");
        var trail = await OkAsync(await auditor.GetAsync($"/api/v1/audit/operations?card={Number}&type=REPRINT"));
        Assert.Contains(trail.GetProperty("operations").EnumerateArray(), o => o.GetRawText().Contains(Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task At_a_counter_of_the_holders_health_authority_no_reason_is_asked_and_an_unknown_one_needs_it()
    {
        // The holder's ASL is the counter's (205 here): as before, no reason.
        var pisa = await ArrangeAsync("205", counter: "090-205-AS002");
        var created = await OkAsync(await pisa.PostAsJsonAsync("/api/v1/reprints", Body()), HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, created.GetProperty("summary").GetProperty("outsideHealthAuthorityReason").ValueKind);
        await OkAsync(await pisa.PostAsync($"/api/v1/reprints/{created.GetProperty("id").GetString()}/confirm", await pisa.SignedAsync("reprints", created.GetProperty("id").GetString())));

        // A holder whose ASL the registry does not know: the reason is needed at any counter.
        await FeedAsync(Card("80380000900000078002", codiceFiscale: NewCf(), healthAuthority: null));
        await SetStateAsync("80380000900000078002", "ACTIVE");
        object Unknown(string? why) => new
        {
            cardNumber = "80380000900000078002", mode = "DIRECT", reason = "DIMENTICANZA", outsideHealthAuthorityReason = why,
            document = new { type = "PATENTE_GUIDA", number = "FI1234567", issuedBy = "MCTC", issueDate = Iso(Today.AddYears(-3)), expiryDate = Iso(Today.AddYears(5)) },
            delivery = new { channel = "EMAIL", email = "asl@example.it", emailConfirmation = "asl@example.it" }, privacyConsent = true,
        };
        var unknown = await ProblemAsync(await pisa.PostAsJsonAsync("/api/v1/reprints", Unknown(null)), HttpStatusCode.UnprocessableEntity,
            "reprint-outside-health-authority");
        Assert.Contains("non è nota", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await OkAsync(await pisa.PostAsJsonAsync("/api/v1/reprints", Unknown(Reason)), HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_card_feed_stores_the_holders_health_authority_and_refuses_a_malformed_one()
    {
        var bad = Card("80380000900000078003", codiceFiscale: NewCf(), healthAuthority: "2O1");
        var zero = Card("80380000900000078004", codiceFiscale: NewCf(), healthAuthority: "000");
        var result = await FeedAsync(Card(Number, healthAuthority: "206"), bad, zero);
        Assert.Equal(2, result.GetProperty("rejectedCount").GetInt64());
        foreach (var rejected in result.GetProperty("rejected").EnumerateArray())
            Assert.StartsWith("holder.healthAuthority", rejected.GetProperty("errors")[0].GetString());
        Assert.Equal("206", await Factory.ScalarAsync<string>(
            "SELECT h.health_authority FROM identification.holders h JOIN identification.cards c ON c.holder_codice_fiscale = h.codice_fiscale WHERE c.card_number = @n",
            ("n", Number)));
        // A later feed line of the same holder updates it.
        await FeedAsync(Card("80380000900000078005", healthAuthority: "201"));
        Assert.Equal("201", await Factory.ScalarAsync<string>(
            "SELECT h.health_authority FROM identification.holders h JOIN identification.cards c ON c.holder_codice_fiscale = h.codice_fiscale WHERE c.card_number = @n",
            ("n", Number)));
    }

    [Fact]
    public async Task An_interop_reprint_needs_the_reason_at_the_sending_counter_and_again_at_the_issuing_region()
    {
        // Sending: a card of region 200, linked. The counter is outside the holder's ASL by definition.
        var admin = await AdminAsync();
        var registered = await admin.PutAsJsonAsync("/api/v1/admin/peers/200",
            RegionPki.For("200").Registration("Regione 200", "http://127.0.0.1:9"));
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        var (counter, _, _) = await ActorAsync("Operator");
        object Outbound(string? why) => new
        {
            kind = "REPRINT", cardNumber = "80380002000000078001",
            holder = new { codiceFiscale = "RSSMRA80A01H501U", surname = "ROSSI", givenName = "MARIO", birthDate = "1980-01-01" },
            mode = "DIRECT", reason = "SMARRIMENTO", outsideHealthAuthorityReason = why,
            document = new { type = "PATENTE_GUIDA", number = "FI1234567", issuedBy = "MCTC", issueDate = Iso(Today.AddYears(-3)), expiryDate = Iso(Today.AddYears(5)) },
            delivery = new { channel = "EMAIL", email = "asl@example.it", emailConfirmation = "asl@example.it" }, privacyConsent = true,
        };
        await ProblemAsync(await counter.PostAsJsonAsync("/api/v1/interop/requests", Outbound(null)), HttpStatusCode.UnprocessableEntity,
            "reprint-outside-health-authority");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM interop.requests"));
        var created = await OkAsync(await counter.PostAsJsonAsync("/api/v1/interop/requests", Outbound(Reason)), HttpStatusCode.Created);
        Assert.Equal(Reason, created.GetProperty("outsideHealthAuthorityReason").GetString());
        Assert.Equal(Reason, await Factory.ScalarAsync<string>("SELECT payload->>'outsideHealthAuthorityReason' FROM interop.requests"));

        // Receiving: region 200 asks this region (090) to reprint one of its cards; without the reason it is refused here too.
        await FeedAsync(Card(Number, healthAuthority: "201"));
        await SetStateAsync(Number, "ACTIVE");
        var signer = ContractCaller.PeerSigner("200");
        var client = Factory.CreateClient();
        async Task<HttpResponseMessage> InboundAsync(string? why)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                requestId = Guid.NewGuid(), kind = "REPRINT", originRegion = "200", originCounter = "200-101-AS001", cardNumber = Number,
                holder = new { codiceFiscale = CmsCodiceFiscale(), surname = "ROSSI", givenName = "MARIO", birthDate = "1980-01-01" },
                mode = "DIRECT", reason = "SMARRIMENTO", outsideHealthAuthorityReason = why,
                document = new { type = "PATENTE_GUIDA", number = "FI1234567", issuedBy = "MCTC", issueDate = Iso(Today.AddYears(-3)), expiryDate = Iso(Today.AddYears(5)) },
                delivery = new { channel = "EMAIL", email = "asl@example.it", emailConfirmation = "asl@example.it" }, privacyConsent = true,
            }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/interop/inbound/reprints") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            await signer(request, body);
            return await client.SendAsync(request);
        }
        await ProblemAsync(await InboundAsync(null), HttpStatusCode.UnprocessableEntity, "reprint-outside-health-authority");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM reprint.reprint_requests"));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM interop.inbound_requests"));
        await OkAsync(await InboundAsync(Reason));
        Assert.Equal(Reason, await Factory.ScalarAsync<string>(
            "SELECT outside_health_authority_reason FROM reprint.reprint_requests WHERE counter_code = 'INTEROP-200'"));
    }

    private static string CmsCodiceFiscale() => Cms.Domain.Common.CodiceFiscale.Compute("ROSSI", "MARIO", new DateOnly(1980, 1, 1), 'M', "D612");
}
