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
        var history = await OkAsync(await client.GetAsync("/api/v1/cards/80380000900000000021/history"));
        Assert.Equal("80380000900000000021", history.GetProperty("card").GetProperty("cardNumber").GetString());
        await OkAsync(await auditor.GetAsync("/api/v1/cards/80380000900000000021/history"));
        Assert.Equal(2, await OperationsAsync("HISTORY_CONSULTATION", "SUCCEEDED", "80380000900000000021"));

        var again = await OkAsync(await client.GetAsync("/api/v1/cards/80380000900000000021/history?includeReads=true"));
        Assert.Equal(2, again.GetProperty("operations").GetArrayLength());
    }

    [Fact]
    public async Task Unknown_or_malformed_keys_are_problems_not_errors()
    {
        var (client, _, _) = await ActorAsync("Operator");
        await ProblemAsync(await client.GetAsync("/api/v1/cards/80380000900000000099/history"), HttpStatusCode.NotFound, "card-not-found");
        await ProblemAsync(await client.GetAsync("/api/v1/cards/123/history"), HttpStatusCode.BadRequest, "validation");
        await ProblemAsync(await client.GetAsync("/api/v1/holders/RSSMRA80A01H501U/cards"), HttpStatusCode.NotFound, "holder-not-found");
        await ProblemAsync(await client.GetAsync("/api/v1/holders/NOTACF/cards"), HttpStatusCode.BadRequest, "validation");
        Assert.Equal(1, await OperationsAsync("HISTORY_CONSULTATION", "REJECTED", "80380000900000000099"));
    }

    [Fact]
    public async Task Issuers_and_administrators_do_not_read_histories()
    {
        var (issuer, _, _) = await ActorAsync("Issuer");
        Assert.Equal(HttpStatusCode.Forbidden, (await issuer.GetAsync("/api/v1/holders/RSSMRA80A01H501U/cards")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await AdminAsync()).GetAsync("/api/v1/cards/80380000900000000021/history")).StatusCode);
    }
}
