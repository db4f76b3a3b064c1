using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cms.Domain.Common;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

public class IdentificationTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000012345";

    private async Task<(HttpClient Client, Cms.Application.Identification.ImportCardFeed.CardFeedLine Card)> ArrangeAsync(string counterType = "ASL")
    {
        var card = Card(Number, expiry: new DateOnly(2030, 6, 30), surname: "D'ANGELO", givenName: "NICCOLÒ");
        await FeedAsync(card);
        var (client, _, _) = await ActorAsync("Operator", counterType);
        return (client, card);
    }

    private static object Manual(string cf, string last5, string expiry) => new { codiceFiscale = cf, cardNumberLast5 = last5, expiryDate = expiry };

    [Fact]
    public async Task An_identification_sent_with_an_idempotency_key_is_answered_afresh_and_its_answer_is_not_kept()
    {
        // A read: repeating it is harmless, and its answer is a holder's personal data, which the key store must not keep.
        var (client, card) = await ArrangeAsync();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cards/identify")
            {
                Content = JsonContent.Create(Manual(card.Holder!.CodiceFiscale!, "12345", "2030-06-30")),
            };
            request.Headers.Add("Idempotency-Key", "identify-1");
            var response = await client.SendAsync(request);
            await OkAsync(response);
            Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        }
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM platform.idempotency_keys"));
    }

    [Fact]
    public async Task Manual_identification_needs_codice_fiscale_last_five_digits_and_expiry_to_match()
    {
        var (client, card) = await ArrangeAsync();
        var cf = card.Holder!.CodiceFiscale!;
        var view = await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", Manual(cf, "12345", "2030-06-30")));
        Assert.Equal(Number, view.GetProperty("cardNumber").GetString());
        Assert.Equal("NOT_ACTIVE", view.GetProperty("state").GetString());
        Assert.Equal("2030-06-30", view.GetProperty("expiryDate").GetString());
        Assert.Equal("090", view.GetProperty("issuerRegion").GetString());
        var holder = view.GetProperty("holder");
        Assert.Equal(cf, holder.GetProperty("codiceFiscale").GetString());
        Assert.Equal("D'ANGELO", holder.GetProperty("surname").GetString());
        Assert.False(holder.GetProperty("minor").GetBoolean());
        Assert.Equal("FIRENZE", holder.GetProperty("residence").GetProperty("municipality").GetString());
        Assert.Equal(["ACTIVATION", "FSE_CONSENTS", "REVOCATION", "HISTORY"],
            view.GetProperty("allowedOperations").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.False(view.TryGetProperty("codes", out _));

        foreach (var wrong in new[] { Manual(cf, "12346", "2030-06-30"), Manual(cf, "12345", "2030-06-29"),
                     Manual(CodiceFiscale.Compute("Bianchi", "Luca", new DateOnly(1970, 1, 1), 'M', "H501"), "12345", "2030-06-30") })
        {
            var problem = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", wrong), HttpStatusCode.NotFound, "card-not-found");
            Assert.Equal("Tessera non presente in banca dati.", problem.GetProperty("detail").GetString());
        }
    }

    [Fact]
    public async Task Chip_data_identify_the_card_and_ignore_accents_and_apostrophes()
    {
        var (client, card) = await ArrangeAsync();
        var chip = new { cardNumber = Number, codiceFiscale = card.Holder!.CodiceFiscale, surname = "DANGELO", givenName = "Niccolo", birthDate = "1980-01-01", expiryDate = "2030-06-30" };
        var view = await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { chip }));
        Assert.Equal(Number, view.GetProperty("cardNumber").GetString());
    }

    [Fact]
    public async Task A_chip_that_disagrees_with_the_registry_stops_the_operation()
    {
        var (client, card) = await ArrangeAsync();
        var chip = new { cardNumber = Number, codiceFiscale = card.Holder!.CodiceFiscale, surname = "ROSSI", givenName = "NICCOLO", birthDate = "1980-01-02", expiryDate = "2030-06-30" };
        var problem = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { chip }), HttpStatusCode.Conflict, "chip-registry-mismatch");
        Assert.Contains("nuova tessera", problem.GetProperty("detail").GetString());
        Assert.Equal(["surname", "birthDate"], problem.GetProperty("mismatchedFields").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(1, await OperationsAsync("IDENTIFICATION", "REJECTED", Number));
    }

    [Fact]
    public async Task The_card_number_alone_identifies_the_card_for_revocation()
    {
        var (client, _) = await ArrangeAsync();
        var view = await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number }));
        Assert.Equal(Number, view.GetProperty("cardNumber").GetString());
    }

    [Fact]
    public async Task An_unknown_card_offers_interoperability_except_at_pharmacies()
    {
        var (asl, _) = await ArrangeAsync();
        var problem = await ProblemAsync(await asl.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = "80380001000000000001" }), HttpStatusCode.NotFound, "card-not-found");
        Assert.True(problem.GetProperty("interoperabilityAvailable").GetBoolean());
        Assert.Equal("100", problem.GetProperty("issuerRegion").GetString());

        var (pharmacy, _, _) = await ActorAsync("Operator", "PHARMACY");
        var fromPharmacy = await ProblemAsync(await pharmacy.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = "80380001000000000001" }), HttpStatusCode.NotFound, "card-not-found");
        Assert.False(fromPharmacy.GetProperty("interoperabilityAvailable").GetBoolean());
        // By default every other counter type may: a municipality's too.
        var (municipality, _, _) = await ActorAsync("Operator", "MUNICIPALITY", "090-201-CM001");
        var fromMunicipality = await ProblemAsync(await municipality.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = "80380001000000000001" }), HttpStatusCode.NotFound, "card-not-found");
        Assert.True(fromMunicipality.GetProperty("interoperabilityAvailable").GetBoolean());
    }

    [Fact]
    public async Task States_expiry_and_minors_decide_the_allowed_operations()
    {
        var (client, _, _) = await ActorAsync("Operator");
        var minorBirth = Today.AddYears(-10);
        await FeedAsync(
            Card("80380000900000000001", birth: minorBirth, givenName: "LUCA"),
            Card("80380000900000000002", expiry: Today.AddDays(-1), givenName: "PAOLO"),
            Card("80380000900000000003", givenName: "PIERO"),
            Card("80380000900000000004", givenName: "GINO"));
        await SetStateAsync("80380000900000000003", "ACTIVE");
        await SetStateAsync("80380000900000000004", "REVOKED");

        async Task<JsonElement> Identify(string number) => await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = number }));
        string[] Ops(JsonElement v) => v.GetProperty("allowedOperations").EnumerateArray().Select(e => e.GetString()!).ToArray();

        var minor = await Identify("80380000900000000001");
        Assert.True(minor.GetProperty("holder").GetProperty("minor").GetBoolean());
        Assert.Contains(minor.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("delega"));

        var expired = await Identify("80380000900000000002");
        Assert.Equal("EXPIRED", expired.GetProperty("state").GetString());
        Assert.Equal(["HISTORY"], Ops(expired));

        var active = await Identify("80380000900000000003");
        Assert.Equal("ACTIVE", active.GetProperty("state").GetString());
        Assert.Equal(["FSE_CONSENTS", "REPRINT", "REVOCATION", "READER_DELIVERY", "SIGNATURE_CERTIFICATE", "HISTORY"], Ops(active));

        var revoked = await Identify("80380000900000000004");
        Assert.Equal("REVOKED", revoked.GetProperty("state").GetString());
        Assert.Equal(["HISTORY"], Ops(revoked));
    }

    [Fact]
    public async Task Bad_identification_requests_name_every_bad_field()
    {
        var (client, _) = await ArrangeAsync();
        var manual = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", Manual("RSSMRA80A01H501X", "12a", "30/06/2030")), HttpStatusCode.BadRequest, "validation");
        foreach (var field in new[] { "codiceFiscale", "cardNumberLast5", "expiryDate" }) Assert.True(manual.GetProperty("errors").TryGetProperty(field, out _), field);

        var chip = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { chip = new { cardNumber = "123" } }), HttpStatusCode.BadRequest, "validation");
        foreach (var field in new[] { "chip.cardNumber", "chip.codiceFiscale", "chip.surname", "chip.birthDate" }) Assert.True(chip.GetProperty("errors").TryGetProperty(field, out _), field);

        var both = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number, codiceFiscale = "RSSMRA80A01H501U" }), HttpStatusCode.BadRequest, "validation");
        Assert.True(both.GetProperty("errors").TryGetProperty("identification", out _));
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { }), HttpStatusCode.BadRequest, "validation");
        await ProblemAsync(await client.PostAsync("/api/v1/cards/identify", new StringContent("[1,2]", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await ProblemAsync(await client.PostAsync("/api/v1/cards/identify", new StringContent("", System.Text.Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Every_identification_is_recorded_with_operator_counter_card_and_holder()
    {
        var (client, card) = await ArrangeAsync();
        await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number }));
        await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = "80380000900000099999" });
        Assert.Equal(1, await OperationsAsync("IDENTIFICATION", "SUCCEEDED", Number));
        Assert.Equal(1, await OperationsAsync("IDENTIFICATION", "REJECTED", "80380000900000099999"));
        Assert.Equal(card.Holder!.CodiceFiscale, await Factory.ScalarAsync<string>(
            "SELECT holder_codice_fiscale FROM audit.operations WHERE type = 'IDENTIFICATION' AND card_number = @n AND counter_code = '090-201-AS001' AND operator_id IS NOT NULL", ("n", Number)));
    }

    [Fact]
    public async Task Only_counter_operators_identify_cards()
    {
        await FeedAsync(Card(Number));
        var (auditor, _, _) = await ActorAsync("Auditor");
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Anonymous().PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number })).StatusCode);
    }
}
