using System.Net;
using System.Net.Http.Json;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

public class HistoryTests(CmsFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task A_holders_history_lists_all_their_cards_old_ones_too_each_with_its_operations()
    {
        var old = Card("80380000900000000011", expiry: Today.AddYears(-1));
        var current = Card("80380000900000000012", codiceFiscale: old.Holder!.CodiceFiscale);
        await FeedAsync(old, current);
        await Factory.ExecuteAsync("""
            INSERT INTO audit.operations (id, occurred_at, type, outcome, counter_code, card_number, holder_codice_fiscale)
            VALUES (gen_random_uuid(), now() - interval '2 years', 'ACTIVATION', 'SUCCEEDED', '090-201-AS001', '80380000900000000011', @cf)
            """, ("cf", old.Holder.CodiceFiscale!));
        var (client, _, _) = await ActorAsync("Operator");
        await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = "80380000900000000012" });

        var history = await OkAsync(await client.GetAsync($"/api/v1/holders/{old.Holder.CodiceFiscale}/cards"));
        Assert.Equal(old.Holder.CodiceFiscale, history.GetProperty("holder").GetProperty("codiceFiscale").GetString());
        var cards = history.GetProperty("cards");
        Assert.Equal(2, cards.GetArrayLength());
        Assert.Equal("80380000900000000012", cards[0].GetProperty("card").GetProperty("cardNumber").GetString());
        Assert.Equal("EXPIRED", cards[1].GetProperty("card").GetProperty("state").GetString());
        var operation = cards[1].GetProperty("operations")[0];
        Assert.Equal("ACTIVATION", operation.GetProperty("type").GetString());
        Assert.Equal("ATTIVAZIONE", operation.GetProperty("label").GetString());
        Assert.Equal(0, cards[0].GetProperty("operations").GetArrayLength()); // reads are left out by default

        var withReads = await OkAsync(await client.GetAsync($"/api/v1/holders/{old.Holder.CodiceFiscale}/cards?includeReads=true"));
        Assert.Equal("IDENTIFICATION", withReads.GetProperty("cards")[0].GetProperty("operations")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_cards_history_lists_that_cards_operations_and_every_read_is_recorded()
    {
        await FeedAsync(Card("80380000900000000021"));
        var (client, _, _) = await ActorAsync("Operator");
        var (auditor, _, _) = await ActorAsync("Auditor");
        await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = "80380000900000000021" }));
        var history = await OkAsync(await client.GetAsync("/api/v1/cards/80380000900000000021/history"));
        Assert.Equal("80380000900000000021", history.GetProperty("card").GetProperty("cardNumber").GetString());
        await OkAsync(await auditor.GetAsync("/api/v1/cards/80380000900000000021/history"));
        Assert.Equal(2, await OperationsAsync("HISTORY_CONSULTATION", "SUCCEEDED", "80380000900000000021"));

        var again = await OkAsync(await client.GetAsync("/api/v1/cards/80380000900000000021/history?includeReads=true"));
        Assert.Equal(3, again.GetProperty("operations").GetArrayLength()); // the identification and the two reads
    }

    [Fact]
    public async Task Unknown_or_malformed_keys_are_problems_not_errors()
    {
        var (client, _, _) = await ActorAsync("Operator");
        var (auditor, _, _) = await ActorAsync("Auditor");
        await ProblemAsync(await client.GetAsync("/api/v1/cards/80380000900000000099/history"), HttpStatusCode.NotFound, "card-not-found");
        await ProblemAsync(await client.GetAsync("/api/v1/cards/123/history"), HttpStatusCode.BadRequest, "validation");
        // A counter operator cannot have identified a person who is not in the registry: the identification rule answers first.
        await ProblemAsync(await client.GetAsync("/api/v1/holders/RSSMRA80A01H501U/cards"), HttpStatusCode.Forbidden, "holder-not-identified");
        await ProblemAsync(await auditor.GetAsync("/api/v1/holders/RSSMRA80A01H501U/cards"), HttpStatusCode.NotFound, "holder-not-found");
        await ProblemAsync(await client.GetAsync("/api/v1/holders/NOTACF/cards"), HttpStatusCode.BadRequest, "validation");
        Assert.Equal(1, await OperationsAsync("HISTORY_CONSULTATION", "REJECTED", "80380000900000000099"));
    }

    [Fact]
    public async Task A_counter_operator_reads_a_persons_history_only_after_identifying_a_card_of_theirs_auditors_always()
    {
        var old = Card("80380000900000000031", expiry: Today.AddYears(-1));
        var current = Card("80380000900000000032", codiceFiscale: old.Holder!.CodiceFiscale);
        var other = Card("80380000900000000033", surname: "BIANCHI", givenName: "LUCA");
        await FeedAsync(old, current, other);
        var cf = old.Holder.CodiceFiscale!;
        var (client, _, _) = await ActorAsync("Operator");
        var (colleague, _, _) = await ActorAsync("Operator"); // same counter, another operator
        var (auditor, _, _) = await ActorAsync("Auditor");

        // Nobody identified yet: refused, by codice fiscale and by card number, and the refusal is recorded.
        var refused = await ProblemAsync(await client.GetAsync($"/api/v1/holders/{cf}/cards"), HttpStatusCode.Forbidden, "holder-not-identified");
        Assert.Equal(30, refused.GetProperty("identifiedWithinMinutes").GetInt32());
        Assert.Contains("identificare prima una sua tessera", refused.GetProperty("detail").GetString());
        await ProblemAsync(await client.GetAsync("/api/v1/cards/80380000900000000032/history"), HttpStatusCode.Forbidden, "holder-not-identified");
        Assert.Equal(1, await OperationsAsync("HISTORY_CONSULTATION", "REJECTED", "80380000900000000032"));
        // A failed identification (the wrong last digits) is no identification.
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/cards/identify",
            new { codiceFiscale = cf, cardNumberLast5 = "99999", expiryDate = current.ExpiryDate }), HttpStatusCode.NotFound, "card-not-found");
        await ProblemAsync(await client.GetAsync($"/api/v1/holders/{cf}/cards"), HttpStatusCode.Forbidden, "holder-not-identified");

        // After identifying the current card: the person's whole history, the old card too.
        await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify",
            new { codiceFiscale = cf, cardNumberLast5 = "00032", expiryDate = current.ExpiryDate }));
        var history = await OkAsync(await client.GetAsync($"/api/v1/holders/{cf}/cards"));
        Assert.Equal(2, history.GetProperty("cards").GetArrayLength());
        await OkAsync(await client.GetAsync("/api/v1/cards/80380000900000000031/history"));
        // Not another person's, and not for another operator who did not identify the card.
        await ProblemAsync(await client.GetAsync($"/api/v1/holders/{other.Holder!.CodiceFiscale}/cards"), HttpStatusCode.Forbidden, "holder-not-identified");
        await ProblemAsync(await client.GetAsync("/api/v1/cards/80380000900000000033/history"), HttpStatusCode.Forbidden, "holder-not-identified");
        await ProblemAsync(await colleague.GetAsync($"/api/v1/holders/{cf}/cards"), HttpStatusCode.Forbidden, "holder-not-identified");

        // Auditors keep their access, with no identification.
        await OkAsync(await auditor.GetAsync($"/api/v1/holders/{other.Holder.CodiceFiscale}/cards"));
        await OkAsync(await auditor.GetAsync("/api/v1/cards/80380000900000000033/history"));
    }

    [Fact]
    public async Task An_identification_opens_the_history_for_the_configured_window_only()
    {
        await FeedAsync(Card("80380000900000000041"));
        var cf = Card("80380000900000000041").Holder!.CodiceFiscale!;
        var (client, _, operatorId) = await ActorAsync("Operator");
        // An identification by this operator 31 minutes ago, as the trail keeps it.
        await Factory.ExecuteAsync("""
            INSERT INTO audit.operations (id, occurred_at, type, outcome, operator_id, counter_code, card_number, holder_codice_fiscale, detail)
            VALUES (gen_random_uuid(), now() - interval '31 minutes', 'IDENTIFICATION', 'SUCCEEDED', @op, '090-201-AS001', '80380000900000000041', @cf, 'card-number')
            """, ("op", Guid.Parse(operatorId)), ("cf", cf));
        await ProblemAsync(await client.GetAsync($"/api/v1/holders/{cf}/cards"), HttpStatusCode.Forbidden, "holder-not-identified");
        using (Factory.WithPolicy(o => o.History.IdentifiedWithinMinutes = 45))
            await OkAsync(await client.GetAsync($"/api/v1/holders/{cf}/cards"));
        using (Factory.WithPolicy(o => o.History.IdentifiedWithinMinutes = 1))
        {
            // A fresh identification counts within even the shortest window.
            await ProblemAsync(await client.GetAsync($"/api/v1/cards/80380000900000000041/history"), HttpStatusCode.Forbidden, "holder-not-identified");
            await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = "80380000900000000041" }));
            await OkAsync(await client.GetAsync($"/api/v1/cards/80380000900000000041/history"));
        }
    }

    [Fact]
    public async Task Issuers_and_administrators_do_not_read_histories()
    {
        var (issuer, _, _) = await ActorAsync("Issuer");
        Assert.Equal(HttpStatusCode.Forbidden, (await issuer.GetAsync("/api/v1/holders/RSSMRA80A01H501U/cards")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await AdminAsync()).GetAsync("/api/v1/cards/80380000900000000021/history")).StatusCode);
    }
}
