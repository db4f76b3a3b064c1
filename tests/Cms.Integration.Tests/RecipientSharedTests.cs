using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cms.Infrastructure.Security;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Integration.Tests;

/// <summary>
/// The two halves of a card's codes never reach one person through a second, or differently written, address (issue 24,
/// decision 0034): an address that received second halves of a holder of another household in the window is refused at the
/// confirm (<c>recipient-shared</c>), unless a security administrator approved it.
/// </summary>
public class RecipientSharedTests(CmsFactory factory) : ApiTest(factory)
{
    private const string First = "80380000900000061001", Second = "80380000900000061002", Third = "80380000900000061003";

    private static object Document() => new
    {
        type = "CARTA_IDENTITA", number = "CA12345AB", issuedBy = "Comune di Firenze",
        issueDate = Iso(Today.AddYears(-2)), expiryDate = Iso(Today.AddYears(8)),
    };

    private static object Email(string address) => new { channel = "EMAIL", email = address, emailConfirmation = address };

    private static object Sms(string mobile) => new { channel = "SMS", mobile };

    private static object Activation(string number, object delivery) =>
        new { cardNumber = number, mode = "DIRECT", document = Document(), delivery, privacyConsent = true };

    private static object Reprint(string number, object delivery) =>
        new { cardNumber = number, mode = "DIRECT", document = Document(), delivery, privacyConsent = true, reason = "DIMENTICANZA" };

    /// <summary>Three holders; the first two in the households given, the third in its own.</summary>
    private async Task<(HttpClient Operator, string[] Cfs)> ArrangeAsync(string? firstHousehold = "NF-A", string? secondHousehold = "NF-B")
    {
        var cards = new[]
        {
            Card(First, surname: "FERRARI", givenName: "GIULIA", birth: new DateOnly(1981, 2, 3), household: firstHousehold),
            Card(Second, surname: "BIANCHI", givenName: "LUCA", birth: new DateOnly(1975, 6, 7), household: secondHousehold),
            Card(Third, surname: "VERDI", givenName: "ANNA", birth: new DateOnly(1990, 9, 9), household: "NF-C"),
        };
        await FeedAsync(cards);
        var (client, _, _) = await ActorAsync("Operator");
        return (client, cards.Select(c => c.Holder!.CodiceFiscale!).ToArray());
    }

    private static async Task<string> CreateAsync(HttpClient client, string kind, object body) =>
        (await OkAsync(await client.PostAsJsonAsync($"/api/v1/{kind}", body), HttpStatusCode.Created)).GetProperty("id").GetString()!;

    private static async Task<HttpResponseMessage> ConfirmAsync(HttpClient client, string kind, string id) =>
        await client.PostAsync($"/api/v1/{kind}/{id}/confirm", await client.SignedAsync(kind, id));

    private static async Task ActivateAsync(HttpClient client, string number, object delivery) =>
        await OkAsync(await ConfirmAsync(client, "activations", await CreateAsync(client, "activations", Activation(number, delivery))));

    private Task<string> StateAsync(string number) =>
        Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number));

    private Task<long> MessagesAsync(string number) =>
        Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages WHERE card_number = @n", ("n", number));

    [Fact]
    public async Task An_address_written_otherwise_for_a_holder_of_another_household_is_refused_and_nothing_is_half_written()
    {
        var (client, cfs) = await ArrangeAsync();
        await ActivateAsync(client, First, Email("Giulia.Ferrari+codici@gmail.com"));

        var id = await CreateAsync(client, "activations", Activation(Second, Email("giuliaferrari@googlemail.com")));
        var response = await ConfirmAsync(client, "activations", id);
        var problem = await ProblemAsync(response, HttpStatusCode.Conflict, "recipient-shared");
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("altro nucleo familiare", detail);
        Assert.Equal("EMAIL", problem.GetProperty("channel").GetString());
        Assert.Equal(30, problem.GetProperty("windowDays").GetInt32());
        var text = (await response.Content.ReadAsStringAsync()).ToLowerInvariant();
        foreach (var leak in new[] { "giulia", "ferrari", "gmail", cfs[0].ToLowerInvariant() }) Assert.DoesNotContain(leak, text);

        // Nothing of the confirm stayed: the card, the request, the outbox, the index.
        Assert.Equal("NOT_ACTIVE", await StateAsync(Second));
        Assert.Equal(0, await MessagesAsync(Second));
        var request = await OkAsync(await client.GetAsync($"/api/v1/activations/{id}"));
        Assert.Equal("PENDING", request.GetProperty("status").GetString());
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM administration.recipient_uses"));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'ACTIVATION' AND outcome = 'REJECTED' AND card_number = @n AND detail LIKE '%recipient-shared%'",
            ("n", Second)));

        // The index holds keyed digests only: no address, no codice fiscale, no household.
        var dump = await Factory.ScalarAsync<string>("SELECT string_agg(u::text, '|') FROM administration.recipient_uses u");
        foreach (var clear in new[] { "giulia", "gmail", cfs[0], "NF-A" }) Assert.DoesNotContain(clear, dump, StringComparison.OrdinalIgnoreCase);

        // A reprint is checked the same way, by SMS too: the third holder's mobile, then the first holder's reprint to it written otherwise.
        await ActivateAsync(client, Third, Sms("+39 333 765 4321"));
        var reprint = await CreateAsync(client, "reprints", Reprint(First, Sms("0039 3337654321")));
        await ProblemAsync(await ConfirmAsync(client, "reprints", reprint), HttpStatusCode.Conflict, "recipient-shared");
        Assert.Equal(1, await MessagesAsync(First));
        // Another address of the holder's own is fine.
        await ActivateAsync(client, Second, Email("luca.bianchi@example.it"));
    }

    [Fact]
    public async Task Holders_of_one_household_and_the_same_holder_may_share_an_address_but_an_unknown_household_is_another()
    {
        var (client, _) = await ArrangeAsync(firstHousehold: "NF-1", secondHousehold: "NF-1");
        await ActivateAsync(client, First, Email("famiglia.rossi@example.it"));
        await ActivateAsync(client, Second, Email("Famiglia.Rossi@Example.IT"));
        // The same holder again (a reprint) to the same address.
        await OkAsync(await ConfirmAsync(client, "reprints", await CreateAsync(client, "reprints", Reprint(First, Email("famiglia.rossi@example.it")))));
        // The third holder's household is another one.
        var id = await CreateAsync(client, "activations", Activation(Third, Email("famiglia.rossi@example.it")));
        await ProblemAsync(await ConfirmAsync(client, "activations", id), HttpStatusCode.Conflict, "recipient-shared");
    }

    [Fact]
    public async Task Holders_whose_household_is_not_known_are_not_taken_for_one_household()
    {
        var (client, _) = await ArrangeAsync(firstHousehold: null, secondHousehold: null);
        await ActivateAsync(client, First, Sms("3331112222"));
        var id = await CreateAsync(client, "activations", Activation(Second, Sms("+393331112222")));
        await ProblemAsync(await ConfirmAsync(client, "activations", id), HttpStatusCode.Conflict, "recipient-shared");
    }

    [Fact]
    public async Task An_address_approved_by_a_security_administrator_is_allowed_until_the_approval_is_revoked_and_both_are_in_the_trail()
    {
        var (client, cfs) = await ArrangeAsync();
        const string Address = "rsa.villa.fiorita@example.it";
        await ActivateAsync(client, First, Email(Address));
        var id = await CreateAsync(client, "activations", Activation(Second, Email(Address)));
        await ProblemAsync(await ConfirmAsync(client, "activations", id), HttpStatusCode.Conflict, "recipient-shared");

        var approval = new { channel = "EMAIL", address = "RSA.Villa.Fiorita@Example.it", reason = "Residenza sanitaria assistita: gli ospiti ricevono i codici tramite la direzione", holderCodiceFiscale = cfs[1] };
        // An operator cannot approve their own way around the rule.
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/admin/recipient-approvals", approval), HttpStatusCode.Forbidden, "forbidden");
        var (admin, _, adminId) = await ActorAsync("SecurityAdministrator");
        await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/admin/recipient-approvals",
            new { channel = "EMAIL", address = Address, reason = "x", validUntil = DateTimeOffset.UtcNow.AddYears(5) }), HttpStatusCode.UnprocessableEntity,
            "recipient-approval-period-invalid");
        var createdResponse = await admin.PostAsJsonAsync("/api/v1/admin/recipient-approvals", approval);
        var created = await OkAsync(createdResponse, HttpStatusCode.Created);
        var approvalId = created.GetProperty("id").GetString()!;
        Assert.Equal("r***@example.it", created.GetProperty("recipient").GetString());
        Assert.Equal(cfs[1], created.GetProperty("holderCodiceFiscale").GetString());
        Assert.Equal(adminId, created.GetProperty("approvedBy").GetString());
        Assert.True(created.GetProperty("active").GetBoolean());
        Assert.DoesNotContain("villa", created.GetRawText(), StringComparison.OrdinalIgnoreCase);
        var listed = await OkAsync(await admin.GetAsync("/api/v1/admin/recipient-approvals"));
        Assert.Contains(listed.EnumerateArray(), a => a.GetProperty("id").GetString() == approvalId);
        var stored = await Factory.ScalarAsync<string>("SELECT string_agg(a::text, '|') FROM administration.recipient_approvals a");
        Assert.DoesNotContain("villa", stored, StringComparison.OrdinalIgnoreCase);

        // Approved: the same confirm goes through.
        await OkAsync(await ConfirmAsync(client, "activations", id));
        Assert.Equal("ACTIVE", await StateAsync(Second));
        var trail = await Factory.ScalarAsync<string>(
            "SELECT string_agg(detail || ' ' || coalesce(holder_codice_fiscale, '') || ' ' || operator_id::text, '|') FROM audit.operations WHERE type = 'RECIPIENT_APPROVAL' AND outcome = 'SUCCEEDED'");
        Assert.Contains("approve channel=EMAIL recipient=r***@example.it", trail);
        Assert.Contains(cfs[1], trail);
        Assert.Contains(adminId, trail);
        Assert.DoesNotContain("villa", trail, StringComparison.OrdinalIgnoreCase);

        // The approval names the second holder only: the third is still refused.
        var third = await CreateAsync(client, "activations", Activation(Third, Email(Address)));
        await ProblemAsync(await ConfirmAsync(client, "activations", third), HttpStatusCode.Conflict, "recipient-shared");

        // Revoked: refused again (the second holder's reprint to the address the first holder's codes went to).
        await ProblemAsync(await client.DeleteAsync($"/api/v1/admin/recipient-approvals/{approvalId}"), HttpStatusCode.Forbidden, "forbidden");
        var revoked = await OkAsync(await admin.DeleteAsync($"/api/v1/admin/recipient-approvals/{approvalId}"));
        Assert.False(revoked.GetProperty("active").GetBoolean());
        Assert.Equal(JsonValueKind.String, revoked.GetProperty("revokedAt").ValueKind);
        Assert.DoesNotContain((await OkAsync(await admin.GetAsync("/api/v1/admin/recipient-approvals"))).EnumerateArray(),
            a => a.GetProperty("id").GetString() == approvalId);
        Assert.Contains((await OkAsync(await admin.GetAsync("/api/v1/admin/recipient-approvals?all=true"))).EnumerateArray(),
            a => a.GetProperty("id").GetString() == approvalId);
        var reprint = await CreateAsync(client, "reprints", Reprint(Second, Email(Address)));
        await ProblemAsync(await ConfirmAsync(client, "reprints", reprint), HttpStatusCode.Conflict, "recipient-shared");
        Assert.Equal(2L, await OperationsAsync("RECIPIENT_APPROVAL", "SUCCEEDED"));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'RECIPIENT_APPROVAL' AND outcome = 'SUCCEEDED' AND detail LIKE 'revoke%'"));
        await ProblemAsync(await admin.DeleteAsync($"/api/v1/admin/recipient-approvals/{Guid.NewGuid()}"), HttpStatusCode.NotFound,
            "recipient-approval-not-found");
    }

    [Fact]
    public async Task An_approval_does_not_serve_the_administrator_who_granted_it()
    {
        var (client, _) = await ArrangeAsync();
        const string Address = "approvata.da.me@example.it";
        await ActivateAsync(client, First, Email(Address));
        // One account with both roles (granted by another administrator): it approves the address, then confirms with it.
        var admin = await AdminAsync();
        var cf = NewCf();
        var created = await admin.PostAsJsonAsync("/api/v1/admin/operators", new
        {
            codiceFiscale = cf, givenName = "Doppio", surname = "Ruolo", counterCode = "090-201-AS001", roles = new[] { "Operator", "SecurityAdministrator" },
            password = OperatorPassword, enabledForCms = true,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var both = await SignInAsync(cf, OperatorPassword);
        await OkAsync(await both.PostAsJsonAsync("/api/v1/admin/recipient-approvals",
            new { channel = "EMAIL", address = Address, reason = "Recapito della struttura che assiste entrambi i titolari" }), HttpStatusCode.Created);
        var mine = await CreateAsync(both, "activations", Activation(Second, Email(Address)));
        await ProblemAsync(await ConfirmAsync(both, "activations", mine), HttpStatusCode.Conflict, "recipient-shared");
        Assert.Equal("NOT_ACTIVE", await StateAsync(Second));
        // Another operator may use it.
        await OkAsync(await both.PostAsync($"/api/v1/activations/{mine}/cancel", null));
        await ActivateAsync(client, Second, Email(Address));
        Assert.Equal("ACTIVE", await StateAsync(Second));
    }

    [Fact]
    public async Task A_use_older_than_the_window_no_longer_refuses_and_the_retention_job_deletes_it()
    {
        var (client, _) = await ArrangeAsync();
        await ActivateAsync(client, First, Email("vecchio.recapito@example.it"));
        await Factory.ExecuteAsync("UPDATE administration.recipient_uses SET used_at = now() - interval '31 days'");
        await ActivateAsync(client, Second, Email("vecchio.recapito@example.it"));
        Assert.Equal("ACTIVE", await StateAsync(Second));

        var purged = await Factory.Services.GetRequiredService<RecipientUseRetention>().PurgeAsync(CancellationToken.None);
        Assert.Equal(1, purged);
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM administration.recipient_uses"));
    }

    [Fact]
    public async Task A_peer_regions_activation_or_reprint_to_an_address_shared_with_another_household_is_refused()
    {
        var (client, cfs) = await ArrangeAsync();
        await OkAsync(await (await AdminAsync()).PutAsJsonAsync("/api/v1/admin/peers/200",
            RegionPki.For("200").Registration("Regione 200", "http://127.0.0.1:9")));
        var peer = new ContractCaller("PeerRegion", ["PeerRegion"], Factory.CreateClient(), ContractCaller.PeerSigner("200"));

        async Task<HttpResponseMessage> InboundAsync(string kind, string number, string cf, string surname, string givenName, DateOnly birth, string email)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new
            {
                requestId = Guid.NewGuid(), kind = kind.ToUpperInvariant(), originRegion = "200", originCounter = "200-001-AS001", cardNumber = number,
                holder = new { codiceFiscale = cf, surname, givenName, birthDate = Iso(birth) },
                mode = "DIRECT", document = Document(), delivery = Email(email), privacyConsent = true,
                reason = kind == "reprint" ? "DIMENTICANZA" : null,
                outsideHealthAuthorityReason = kind == "reprint" ? "Titolare domiciliato per lavoro in Sardegna" : null,
            }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
            return await peer.SendAsync(HttpMethod.Post, $"/api/v1/interop/inbound/{kind}s", body, "application/json");
        }

        await OkAsync(await InboundAsync("activation", First, cfs[0], "FERRARI", "GIULIA", new DateOnly(1981, 2, 3), "Giulia.Ferrari@Outlook.com"));
        var refused = await InboundAsync("activation", Second, cfs[1], "BIANCHI", "LUCA", new DateOnly(1975, 6, 7), "giulia.ferrari+altro@outlook.com");
        await ProblemAsync(refused, HttpStatusCode.Conflict, "recipient-shared");
        Assert.Equal("NOT_ACTIVE", await StateAsync(Second));
        Assert.Equal(0, await MessagesAsync(Second));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM activation.requests WHERE card_number = @n", ("n", Second)));

        // A counter here used an address; a peer's reprint for a holder of another household to it is refused too.
        await ActivateAsync(client, Third, Email("anna.verdi@example.it"));
        await ProblemAsync(await InboundAsync("reprint", First, cfs[0], "FERRARI", "GIULIA", new DateOnly(1981, 2, 3), "ANNA.VERDI@example.it"),
            HttpStatusCode.Conflict, "recipient-shared");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM reprint.reprint_requests WHERE card_number = @n", ("n", First)));
    }
}
