using System.Net;
using System.Net.Http.Json;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// "Recupera dati delegato" [M 2.4.1, decision 0046]: the delegate's data taken from the reading of the delegate's own TS-CNS, checked
/// against the registry as identification checks the holder's chip, and recorded as read from that card.
/// </summary>
public class DelegateCardTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Holder = "80380000900000061001", HolderSecond = "80380000900000061002", Delegate = "80380000900000061003",
        Minor = "80380000900000061004", Unknown = "80380000900000061009", Reprinted = "80380000900000061005";

    private static readonly CardFeedLine HolderCard = Card(Holder, surname: "FERRARI", givenName: "GIULIA", birth: new DateOnly(1950, 3, 4));
    private static readonly CardFeedLine DelegateCard = Card(Delegate, surname: "BIANCHI", givenName: "LUCA", birth: new DateOnly(1975, 6, 7));

    private async Task<HttpClient> ArrangeAsync()
    {
        await FeedAsync(HolderCard,
            Card(HolderSecond, codiceFiscale: HolderCard.Holder!.CodiceFiscale, surname: "FERRARI", givenName: "GIULIA", birth: new DateOnly(1950, 3, 4),
                expiry: Today.AddYears(6)),
            DelegateCard,
            Card(Minor, surname: "VERDI", givenName: "ANNA", birth: Today.AddYears(-12)),
            Card(Reprinted, surname: "NERI", givenName: "PAOLO", birth: new DateOnly(1940, 1, 2)));
        return (await ActorAsync("Operator")).Client;
    }

    /// <summary>What the bridge reads from a card's chip (names without accents, as the personaliser writes them).</summary>
    private static object Chip(CardFeedLine card, string? surname = null) => new
    {
        cardNumber = card.CardNumber, codiceFiscale = card.Holder!.CodiceFiscale, surname = surname ?? card.Holder.Surname,
        givenName = card.Holder.GivenName, birthDate = card.Holder.BirthDate, expiryDate = card.ExpiryDate,
    };

    private static object Chip(string number, CardFeedLine like) => new
    {
        cardNumber = number, codiceFiscale = like.Holder!.CodiceFiscale, surname = like.Holder.Surname,
        givenName = like.Holder.GivenName, birthDate = like.Holder.BirthDate, expiryDate = like.ExpiryDate,
    };

    private static object Document() => new
    {
        type = "CARTA_IDENTITA", number = "CA12345AB", issuedBy = "Comune di Firenze",
        issueDate = Iso(Today.AddYears(-2)), expiryDate = Iso(Today.AddYears(8)),
    };

    private static object Body(string cardNumber, object? delegateCard, object? typed = null, string mode = "DELEGATED") => new
    {
        cardNumber, mode, delegationKind = mode == "DELEGATED" ? "TUTOR" : null, @delegate = typed, delegateCard, document = Document(),
        delivery = new { channel = "EMAIL", email = "tutore@example.it", emailConfirmation = "tutore@example.it" }, privacyConsent = true,
    };

    [Fact]
    public async Task The_delegate_is_taken_from_the_delegates_card_and_the_request_and_the_trail_record_the_card()
    {
        var client = await ArrangeAsync();
        var delegateCf = DelegateCard.Holder!.CodiceFiscale!;

        // Only the reading: the delegate is the registry's holder of that card.
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Body(Holder, Chip(DelegateCard))), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var shown = created.GetProperty("summary").GetProperty("delegate");
        Assert.Equal(delegateCf, shown.GetProperty("codiceFiscale").GetString());
        Assert.Equal("BIANCHI", shown.GetProperty("surname").GetString());
        Assert.Equal("CARD", shown.GetProperty("source").GetString());
        Assert.Equal(Delegate, shown.GetProperty("cardNumber").GetString());
        Assert.Equal(Delegate, await Factory.ScalarAsync<string>("SELECT delegate_card_number FROM activation.requests WHERE id = @i", ("i", Guid.Parse(id))));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'ACTIVATION' AND outcome = 'SUCCEEDED' AND detail = @d", ("d", $"create delegate-card={Delegate}")));

        // A change that leaves the delegate as read keeps the card; a delegate typed anew is recorded as typed.
        var same = new { codiceFiscale = delegateCf, surname = "Bianchi", givenName = "Luca" };
        var kept = await OkAsync(await client.PutAsJsonAsync($"/api/v1/activations/{id}", Body(Holder, null, same)));
        Assert.Equal("CARD", kept.GetProperty("summary").GetProperty("delegate").GetProperty("source").GetString());
        Assert.Equal(Delegate, kept.GetProperty("summary").GetProperty("delegate").GetProperty("cardNumber").GetString());
        var other = new { codiceFiscale = "RSSMRA80A01H501U", surname = "Rossi", givenName = "Mario" };
        var typed = await OkAsync(await client.PutAsJsonAsync($"/api/v1/activations/{id}", Body(Holder, null, other)));
        Assert.Equal("TYPED", typed.GetProperty("summary").GetProperty("delegate").GetProperty("source").GetString());
        Assert.Equal(JsonValueKindNull, typed.GetProperty("summary").GetProperty("delegate").GetProperty("cardNumber").ValueKind);
        Assert.Equal("typed", await Factory.ScalarAsync<string>(
            "SELECT coalesce(delegate_card_number, 'typed') FROM activation.requests WHERE id = @i", ("i", Guid.Parse(id))));
        // Read again on the change, with the fields the web UI fills from the reading: the card again.
        var again = await OkAsync(await client.PutAsJsonAsync($"/api/v1/activations/{id}", Body(Holder, Chip(DelegateCard), same)));
        Assert.Equal(Delegate, again.GetProperty("summary").GetProperty("delegate").GetProperty("cardNumber").GetString());
        // The trail: the change that kept the card and the one that read it again (not the typed one between them).
        Assert.Equal(2L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'ACTIVATION' AND detail = @d", ("d", $"modify delegate-card={Delegate}")));

        // The delegated reprint reads the delegate the same way.
        await SetStateAsync(Reprinted, "ACTIVE");
        var reprint = await OkAsync(await client.PostAsJsonAsync("/api/v1/reprints", new
        {
            cardNumber = Reprinted, mode = "DELEGATED", delegationKind = "CURATOR", delegateCard = Chip(DelegateCard), document = Document(),
            delivery = new { channel = "EMAIL", email = "curatore@example.it", emailConfirmation = "curatore@example.it" }, privacyConsent = true,
            reason = "SMARRIMENTO",
        }), HttpStatusCode.Created);
        Assert.Equal(Delegate, reprint.GetProperty("summary").GetProperty("delegate").GetProperty("cardNumber").GetString());
        Assert.Equal(Delegate, await Factory.ScalarAsync<string>("SELECT delegate_card_number FROM reprint.reprint_requests WHERE card_number = @n", ("n", Reprinted)));
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task A_delegate_card_that_is_unknown_revoked_a_minors_the_holders_own_or_unlike_the_registry_is_refused_and_nothing_is_written()
    {
        var client = await ArrangeAsync();
        async Task RefusedAsync(object body, HttpStatusCode status, string rule) =>
            await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", body), status, rule);

        await RefusedAsync(Body(Holder, Chip(Unknown, DelegateCard)), HttpStatusCode.UnprocessableEntity, "delegate-card-not-found");
        // A refused lookup is no unrecorded probe of the registry: the rejected entry names the card looked up.
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'ACTIVATION' AND outcome = 'REJECTED' AND detail = @d",
            ("d", $"delegate-card-not-found delegate-card={Unknown}")));
        await RefusedAsync(Body(Holder, Chip(HolderCard)), HttpStatusCode.UnprocessableEntity, "delegate-card-is-holder");
        // The holder's other card is the holder's too.
        await RefusedAsync(Body(Holder, Chip(HolderSecond, HolderCard)), HttpStatusCode.UnprocessableEntity, "delegate-card-is-holder");
        await RefusedAsync(Body(Holder, Chip(Card(Minor, surname: "VERDI", givenName: "ANNA", birth: Today.AddYears(-12)))),
            HttpStatusCode.UnprocessableEntity, "delegate-card-minor");
        var mismatch = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Body(Holder, Chip(DelegateCard, surname: "ALTRO"))),
            HttpStatusCode.Conflict, "delegate-card-mismatch");
        Assert.Contains("delegateCard.surname", mismatch.GetProperty("mismatchedFields").EnumerateArray().Select(e => e.GetString()));
        // Typed data that are not the card's: refused, not silently replaced.
        await RefusedAsync(Body(Holder, Chip(DelegateCard), new { codiceFiscale = "RSSMRA80A01H501U", surname = "Rossi", givenName = "Mario" }),
            HttpStatusCode.Conflict, "delegate-card-mismatch");
        // A reading is for a delegate only.
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Body(Holder, Chip(DelegateCard), mode: "DIRECT")), HttpStatusCode.BadRequest);

        await SetStateAsync(Delegate, "REVOKED");
        var revoked = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Body(Holder, Chip(DelegateCard))),
            HttpStatusCode.UnprocessableEntity, "delegate-card-not-valid");
        Assert.Contains("revocata", revoked.GetProperty("detail").GetString());
        await SetStateAsync(Delegate, "SUSPENDED");
        await RefusedAsync(Body(Holder, Chip(DelegateCard)), HttpStatusCode.UnprocessableEntity, "delegate-card-not-valid");
        Assert.Equal(2L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'ACTIVATION' AND outcome = 'REJECTED' AND detail = @d",
            ("d", $"delegate-card-not-valid delegate-card={Delegate}")));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'ACTIVATION' AND outcome = 'REJECTED' AND detail = @d",
            ("d", $"delegate-card-minor delegate-card={Minor}")));

        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM activation.requests"));
        Assert.True(await OperationsAsync("ACTIVATION", "REJECTED", Holder) >= 8);
    }
}
