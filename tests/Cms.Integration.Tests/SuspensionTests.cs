using System.Net;
using System.Net.Http.Json;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

public class SuspensionTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380002000000055001";

    private static object Body(string? reason = "SOSPETTO_SMARRIMENTO") => new
    {
        cardNumber = Number, mode = "DIRECT", document = RevocationTests.Document(), privacyConsent = true, reason,
    };

    [Fact]
    public async Task Where_the_region_does_not_allow_it_suspension_and_reactivation_are_refused_saying_so()
    {
        await FeedAsync(Card(Number));
        await SetStateAsync(Number, "ACTIVE");
        var (client, _, _) = await ActorAsync("Operator");
        var refused = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/suspensions", new { }), HttpStatusCode.Forbidden, "suspension-not-enabled");
        Assert.Contains("Regione non prevede la sospensione", refused.GetProperty("detail").GetString());
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reactivations", Body()), HttpStatusCode.Forbidden, "suspension-not-enabled");
        var card = await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number }));
        Assert.DoesNotContain("SUSPENSION", card.GetProperty("allowedOperations").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
    }

    [Fact]
    public async Task Where_the_region_allows_it_a_card_is_suspended_and_reactivated_and_the_ca_follows()
    {
        using var sardegna = Factory.WithPolicy(o => o.SuspensionEnabled = true);
        await FeedAsync(Card(Number));
        await SetStateAsync(Number, "ACTIVE");
        var (client, _, _) = await ActorAsync("Operator");

        var identified = await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number }));
        Assert.Contains("SUSPENSION", identified.GetProperty("allowedOperations").EnumerateArray().Select(e => e.GetString()));
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/suspensions", Body(reason: null)), HttpStatusCode.BadRequest, "validation");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/reactivations", Body()), HttpStatusCode.Conflict, "card-not-reactivatable");

        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/suspensions", Body(reason: "ALTRO")), HttpStatusCode.UnprocessableEntity,
            "reason-note-required");
        var suspended = await OkAsync(await client.PostAsJsonAsync("/api/v1/suspensions", Body()), HttpStatusCode.Created);
        Assert.Equal("SUSPENDED", suspended.GetProperty("cardState").GetString());
        Assert.Equal("SUSPENDED", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
        var suspendCall = await Factory.CertificationAuthority.WaitForAsync(Number, "SUSPEND");
        Assert.Equal("SOSPETTO_SMARRIMENTO", suspendCall.Body.GetProperty("reason").GetString());
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/suspensions", Body()), HttpStatusCode.Conflict, "card-not-suspendable");
        var card = await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number }));
        Assert.Equal(["REACTIVATION", "REVOCATION", "HISTORY"], card.GetProperty("allowedOperations").EnumerateArray().Select(e => e.GetString()!).ToArray());

        var reactivated = await OkAsync(await client.PostAsJsonAsync("/api/v1/reactivations", Body(reason: null)), HttpStatusCode.Created);
        Assert.Equal("ACTIVE", reactivated.GetProperty("cardState").GetString());
        await Factory.CertificationAuthority.WaitForAsync(Number, "REACTIVATE");
        Assert.Equal(1L, await OperationsAsync("SUSPENSION", "SUCCEEDED", Number));
        Assert.Equal(1L, await OperationsAsync("REACTIVATION", "SUCCEEDED", Number));
        Assert.Equal(2L, await Factory.ScalarAsync<long>("SELECT count(*) FROM revocation.state_changes WHERE card_number = @n", ("n", Number)));
    }
}
