using System.Net;
using System.Net.Http.Json;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// The call centre [TM 8.2, S 6.2, S 9.5.2; decision 0041]: a holder identified on the telephone by codice fiscale and CIP — the
/// tries counted and locked with the counter's —, then the card of that identification suspended or reactivated where the
/// region provides it; the trail says who did it and that it was the call centre.
/// </summary>
public class CallCentreTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380002000000077001";
    private const string Cip = "87654321";
    private const string CallCentre = "CALL-CENTER";

    private async Task<string> ArrangeCardAsync()
    {
        var line = Card(Number, cip: Cip);
        await FeedAsync(line);
        await SetStateAsync(Number, "ACTIVE");
        return line.Holder!.CodiceFiscale!;
    }

    private static Task<HttpResponseMessage> IdentifyAsync(HttpClient client, string codiceFiscale, string cip) =>
        client.PostAsJsonAsync("/api/v1/call-centre/identifications", new { codiceFiscale, cip });

    private static Task<HttpResponseMessage> SuspendAsync(HttpClient client, string identification, string? reason = "SOSPETTO_FURTO",
        string? note = null) =>
        client.PostAsJsonAsync($"/api/v1/call-centre/identifications/{identification}/suspension", new { reason, note });

    private static Task<HttpResponseMessage> ReactivateAsync(HttpClient client, string identification) =>
        client.PostAsJsonAsync($"/api/v1/call-centre/identifications/{identification}/reactivation", new { note = "Tessera ritrovata" });

    [Fact]
    public async Task A_holder_identified_by_codice_fiscale_and_cip_has_the_card_suspended_and_reactivated_attributed_to_the_call_centre()
    {
        using var sardegna = Factory.WithPolicy(o => o.SuspensionEnabled = true);
        var cf = await ArrangeCardAsync();
        // A security administrator gives the role through the API (no counter: the call centre is not one).
        var (client, operatorCf, operatorId) = await ActorAsync("CallCentre");
        var me = await OkAsync(await client.GetAsync("/api/v1/auth/me"));
        Assert.Equal(["CallCentre"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray());

        await ProblemAsync(await IdentifyAsync(client, "RSSMRA80A01H501X", Cip), HttpStatusCode.BadRequest, "validation");
        await ProblemAsync(await IdentifyAsync(client, NewCf(), Cip), HttpStatusCode.NotFound, "holder-card-not-found");
        var wrong = await ProblemAsync(await IdentifyAsync(client, cf, "11111111"), HttpStatusCode.UnprocessableEntity, "cip-mismatch");
        Assert.Equal(4, wrong.GetProperty("remainingAttempts").GetInt32());

        var identified = await OkAsync(await IdentifyAsync(client, cf, Cip), HttpStatusCode.Created);
        Assert.Equal(Number, identified.GetProperty("cardNumber").GetString());
        Assert.Equal("ROSSI", identified.GetProperty("holderSurname").GetString());
        Assert.Equal("ACTIVE", identified.GetProperty("cardState").GetString());
        Assert.Equal(["SUSPENSION"], identified.GetProperty("allowedOperations").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var id = identified.GetProperty("id").GetString()!;

        await ProblemAsync(await SuspendAsync(client, id, reason: null), HttpStatusCode.BadRequest, "validation");
        await ProblemAsync(await SuspendAsync(client, id, reason: "ALTRO"), HttpStatusCode.UnprocessableEntity, "reason-note-required");
        await ProblemAsync(await ReactivateAsync(client, id), HttpStatusCode.Conflict, "card-not-reactivatable");
        // Another call-centre operator cannot use it: it does not exist for them.
        var (colleague, _, _) = await ActorAsync("CallCentre");
        await ProblemAsync(await SuspendAsync(colleague, id), HttpStatusCode.NotFound, "call-centre-identification-not-found");
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));

        var suspended = await OkAsync(await SuspendAsync(client, id), HttpStatusCode.Created);
        Assert.Equal("SUSPENDED", suspended.GetProperty("cardState").GetString());
        Assert.Equal("SUSPENDED", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
        var call = await Factory.CertificationAuthority.WaitForAsync(Number, "SUSPEND");
        Assert.Equal("SOSPETTO_FURTO", call.Body.GetProperty("reason").GetString());
        Assert.Equal(CallCentre, call.Body.GetProperty("counterCode").GetString());

        // Called again: the suspended card offers the reactivation.
        var again = await OkAsync(await IdentifyAsync(client, cf, Cip), HttpStatusCode.Created);
        Assert.Equal("SUSPENDED", again.GetProperty("cardState").GetString());
        Assert.Equal(["REACTIVATION"], again.GetProperty("allowedOperations").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var reactivated = await OkAsync(await ReactivateAsync(client, again.GetProperty("id").GetString()!), HttpStatusCode.Created);
        Assert.Equal("ACTIVE", reactivated.GetProperty("cardState").GetString());
        await Factory.CertificationAuthority.WaitForAsync(Number, "REACTIVATE");

        // The trail: who (the operator) and where (the call centre), for the identification and both changes; the CIP nowhere.
        foreach (var (type, count) in new[] { ("IDENTIFICATION", 2L), ("SUSPENSION", 1L), ("REACTIVATION", 1L) })
            Assert.Equal(count, await Factory.ScalarAsync<long>(
                "SELECT count(*) FROM audit.operations WHERE type = @t AND outcome = 'SUCCEEDED' AND card_number = @n AND counter_code = @c AND operator_id = @o",
                ("t", type), ("n", Number), ("c", CallCentre), ("o", Guid.Parse(operatorId))));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'IDENTIFICATION' AND outcome = 'REJECTED' AND detail = 'cip-mismatch' AND counter_code = @c",
            ("c", CallCentre)));
        Assert.Equal(2L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM revocation.call_centre_state_changes WHERE card_number = @n AND operator_id = @o AND (identification_id = @i) = (kind = 'SUSPENSION')",
            ("n", Number), ("i", Guid.Parse(id)), ("o", Guid.Parse(operatorId))));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM revocation.state_changes"));
        Assert.Equal(0L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE coalesce(detail, '') LIKE '%' || @cip || '%'", ("cip", Cip)));
        Assert.NotEqual(operatorCf, cf);

        // An identification is good for a telephone call, not for later.
        await Factory.ExecuteAsync("UPDATE revocation.call_centre_identifications SET expires_at = now() - interval '1 second'");
        await ProblemAsync(await SuspendAsync(client, id), HttpStatusCode.Conflict, "call-centre-identification-expired");
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
    }

    [Fact]
    public async Task Wrong_cips_on_the_telephone_and_at_the_counter_count_together_and_the_lock_holds_for_both()
    {
        using var sardegna = Factory.WithPolicy(o => o.SuspensionEnabled = true);
        var cf = await ArrangeCardAsync();
        var (callCentre, _, _) = await ActorAsync("CallCentre");
        var (counter, _, _) = await ActorAsync("Operator");

        for (var left = 4; left >= 2; left--)
            Assert.Equal(left, (await ProblemAsync(await IdentifyAsync(callCentre, cf, "1111111" + left), HttpStatusCode.UnprocessableEntity, "cip-mismatch"))
                .GetProperty("remainingAttempts").GetInt32());
        // The counter's revocation CIP check sees the telephone's tries.
        var revocation = (await OkAsync(await counter.PostAsJsonAsync("/api/v1/revocations", new
        {
            cardNumber = Number, mode = "DIRECT", reason = "DETERIORAMENTO", document = RevocationTests.Document(), privacyConsent = true,
        }), HttpStatusCode.Created)).GetProperty("id").GetString();
        var atCounter = await ProblemAsync(await counter.PostAsJsonAsync($"/api/v1/revocations/{revocation}/verify-cip", new { cip = "22222222" }),
            HttpStatusCode.UnprocessableEntity, "cip-mismatch");
        Assert.Equal(1, atCounter.GetProperty("remainingAttempts").GetInt32());
        // The fifth wrong try, on the telephone, locks the card — for the right CIP too, on the telephone and at the counter.
        var locked = await ProblemAsync(await IdentifyAsync(callCentre, cf, "33333333"), (HttpStatusCode)423, "cip-locked");
        Assert.True(locked.TryGetProperty("lockedUntil", out _));
        await ProblemAsync(await IdentifyAsync(callCentre, cf, Cip), (HttpStatusCode)423, "cip-locked");
        await ProblemAsync(await counter.PostAsJsonAsync($"/api/v1/revocations/{revocation}/verify-cip", new { cip = Cip }), (HttpStatusCode)423, "cip-locked");

        Assert.Equal(4L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM revocation.cip_attempts WHERE card_number = @n AND NOT succeeded AND counter_code = @c", ("n", Number), ("c", CallCentre)));
        Assert.Equal(5L, await Factory.ScalarAsync<long>("SELECT count(*) FROM revocation.cip_attempts WHERE card_number = @n AND NOT succeeded", ("n", Number)));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM revocation.call_centre_identifications"));
    }

    [Fact]
    public async Task Where_the_region_does_not_provide_suspension_the_call_centre_is_told_so_and_no_cip_is_tried()
    {
        var cf = await ArrangeCardAsync();
        var (client, _, _) = await ActorAsync("CallCentre");
        var refused = await ProblemAsync(await IdentifyAsync(client, cf, Cip), HttpStatusCode.Forbidden, "suspension-not-enabled");
        Assert.Contains("Regione non prevede la sospensione", refused.GetProperty("detail").GetString());
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/call-centre/identifications", new { }), HttpStatusCode.Forbidden, "suspension-not-enabled");
        await ProblemAsync(await SuspendAsync(client, Guid.NewGuid().ToString()), HttpStatusCode.Forbidden, "suspension-not-enabled");
        await ProblemAsync(await ReactivateAsync(client, Guid.NewGuid().ToString()), HttpStatusCode.Forbidden, "suspension-not-enabled");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM revocation.cip_attempts"));
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
    }

    [Fact]
    public async Task A_call_centre_operator_reaches_no_card_no_code_and_no_form_and_a_counter_operator_not_the_call_centre()
    {
        using var sardegna = Factory.WithPolicy(o => o.SuspensionEnabled = true);
        var cf = await ArrangeCardAsync();
        var (callCentre, _, _) = await ActorAsync("CallCentre");
        var (counter, _, _) = await ActorAsync("Operator");
        await ProblemAsync(await callCentre.GetAsync("/api/v1/forms"), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAsync(await callCentre.GetAsync("/api/v1/forms/dichiarazione-sostitutiva"), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAsync(await callCentre.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAsync(await callCentre.PostAsJsonAsync("/api/v1/suspensions", new { cardNumber = Number }), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAsync(await callCentre.GetAsync($"/api/v1/cards/{Number}/history"), HttpStatusCode.Forbidden, "forbidden");
        await ProblemAsync(await counter.PostAsJsonAsync("/api/v1/call-centre/identifications", new { codiceFiscale = cf, cip = Cip }),
            HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM revocation.cip_attempts"));
        // Counter operators keep their blank forms.
        await OkAsync(await counter.GetAsync("/api/v1/forms"));
    }
}
