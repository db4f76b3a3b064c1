using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Integration.Tests;

/// <summary>
/// The recipient proof (issue 24, decision 0036): with the region policy on, a confirm that releases codes needs the 6-digit
/// code sent to the request's own address, read out by the holder; tries are limited per request; the code is never kept
/// in clear. The flows without the proof are the rest of the suite (the test hosts turn the policy off).
/// </summary>
public partial class RecipientProofTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000071234";
    private const string Pin = "86420", Puk = "13572468", Cip = "24681357";

    private async Task<HttpClient> ArrangeAsync(string state = "NOT_ACTIVE")
    {
        await FeedAsync(Card(Number, pin: Pin, puk: Puk, cip: Cip));
        if (state != "NOT_ACTIVE") await SetStateAsync(Number, state);
        var (client, _, _) = await ActorAsync("Operator");
        return client;
    }

    private static object Document() => new
    {
        type = "CARTA_IDENTITA", number = "CA7654321", issuedBy = "Comune di Prato",
        issueDate = Iso(Today.AddYears(-1)), expiryDate = Iso(Today.AddYears(9)),
    };

    private static object Activation(object delivery) => new
    {
        cardNumber = Number, mode = "DIRECT", document = Document(), delivery, privacyConsent = true,
    };

    private static object Email(string address) => new { channel = "EMAIL", email = address, emailConfirmation = address };

    private static string Address() => $"verifica.{Guid.NewGuid():N}@example.it";

    [GeneratedRegex(@"Codice di verifica: (\d{6})")]
    private static partial Regex MailCode();

    [GeneratedRegex(@"codice di verifica (\d{6})")]
    private static partial Regex SmsCode();

    private readonly HashSet<string> seen = [];

    /// <summary>The newest code mailed to the address: one not read before (the mailbox keeps no order).</summary>
    private async Task<string> MailedCodeAsync(string address)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var codes = Mailbox.For(Factory, address).Where(m => m.Subject?.Contains("codice di verifica", StringComparison.Ordinal) == true)
                .Select(m => MailCode().Match(m.TextBody ?? "").Groups[1].Value).Where(c => !seen.Contains(c)).ToList();
            if (codes.Count > 0)
            {
                seen.Add(codes[0]);
                return codes[0];
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No new verification code for {address}.");
    }

    /// <summary>The confirm's body with the code the holder read out; the request's forms were printed when it was created here.</summary>
    private static StringContent Proof(string code) =>
        new(JsonSerializer.Serialize(SignBeforeConfirm.SignedBody(code)), System.Text.Encoding.UTF8, "application/json");

    private static string Other(string code) => ((int.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6");

    [Fact]
    public async Task An_activation_is_confirmed_only_with_the_code_the_holder_received_and_the_code_is_never_kept()
    {
        using var policy = Factory.WithPolicy(o => o.RecipientProof.Required = true);
        var client = await ArrangeAsync();
        var address = Address();
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Activation(Email(address))), HttpStatusCode.Created);
        Assert.True(created.GetProperty("recipientProofRequired").GetBoolean());
        var id = created.GetProperty("id").GetString();

        // No code sent, no code given: refused, nothing released.
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", await client.SignedAsync("activations", id)), HttpStatusCode.UnprocessableEntity, "recipient-not-verified");
        var sent = await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/recipient-proof", null), HttpStatusCode.Accepted);
        Assert.Equal("EMAIL", sent.GetProperty("channel").GetString());
        Assert.DoesNotContain(address, sent.GetRawText()); // masked
        Assert.Equal(2, sent.GetProperty("sendsLeft").GetInt32());
        Assert.Equal(5, sent.GetProperty("triesLeft").GetInt32());
        var code = await MailedCodeAsync(address);
        Assert.Matches("^[0-9]{6}$", code);
        Assert.DoesNotContain(code, sent.GetRawText());
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", await client.SignedAsync("activations", id)), HttpStatusCode.UnprocessableEntity, "recipient-not-verified");
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", Proof("12a456")), HttpStatusCode.BadRequest, "validation");

        // The code is stored only as a keyed digest: nothing in the row (or anywhere in the schema) is the code.
        Assert.Equal(0L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM delivery.recipient_proofs p WHERE p::text LIKE '%' || @c || '%'", ("c", code)));
        Assert.Equal(0L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM delivery.recipient_proofs WHERE code_digest = encode(sha256(convert_to(@c, 'UTF8')), 'hex')", ("c", code)));

        // A wrong code is refused, and the try is kept even though the confirm was refused.
        var wrong = await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", Proof(Other(code))),
            HttpStatusCode.UnprocessableEntity, "recipient-proof-wrong");
        Assert.Equal(4, wrong.GetProperty("remainingAttempts").GetInt32());
        Assert.Equal(1, await Factory.ScalarAsync<int>("SELECT wrong_tries FROM delivery.recipient_proofs WHERE request_id = @id", ("id", Guid.Parse(id!))));
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages WHERE purpose = 'ACTIVATION'"));

        var confirmed = await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", Proof(code)));
        Assert.Equal("ACTIVE", confirmed.GetProperty("cardState").GetString());
        Assert.Equal("86", confirmed.GetProperty("firstHalves").GetProperty("pin").GetString());
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE request_id = @id AND outcome = 'SUCCEEDED' AND detail LIKE 'confirm %recipient=proved'", ("id", id!)));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE request_id = @id AND outcome = 'SUCCEEDED' AND detail LIKE 'recipient-proof channel=Email%'", ("id", id!)));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE request_id = @id AND outcome = 'REJECTED' AND detail = 'recipient-proof-wrong'", ("id", id!)));
        // Once used, nothing of the code stays; a later send for the completed request is refused.
        Assert.Equal("", await Factory.ScalarAsync<string>("SELECT code_digest FROM delivery.recipient_proofs WHERE request_id = @id", ("id", Guid.Parse(id!))));
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/recipient-proof", null), HttpStatusCode.Conflict, "request-not-pending");
        Assert.DoesNotContain(code, string.Join("\n", Factory.Logs.Lines));

        // The row (the request's count of tries) goes 30 days after its last use, with the other sealed leftovers.
        await Factory.ExecuteAsync("UPDATE delivery.recipient_proofs SET verified_at = now() - interval '29 days'");
        Assert.Equal(0, (await PurgeAsync()).RecipientProofs);
        await Factory.ExecuteAsync("UPDATE delivery.recipient_proofs SET verified_at = now() - interval '31 days'");
        Assert.Equal(1, (await PurgeAsync()).RecipientProofs);
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.recipient_proofs"));
    }

    private async Task<Cms.Infrastructure.Delivery.PurgedCounts> PurgeAsync()
    {
        using var scope = Factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<Cms.Infrastructure.Delivery.SealedContentRetention>().PurgeAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_code_is_bound_to_its_request_and_address_expires_and_tries_and_sends_are_limited()
    {
        using var policy = Factory.WithPolicy(o => o.RecipientProof.Required = true);
        var client = await ArrangeAsync();
        var address = Address();
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Activation(Email(address))), HttpStatusCode.Created))
            .GetProperty("id").GetString();
        await client.PrintFormsAsync("activations", id!);
        await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/recipient-proof", null), HttpStatusCode.Accepted);
        var first = await MailedCodeAsync(address);

        // The operator changes the address after the code left: the code proves nothing about the new one.
        var mine = Address();
        await OkAsync(await client.PutAsJsonAsync($"/api/v1/activations/{id}", Activation(Email(mine))));
        await client.PrintFormsAsync("activations", id!); // the change asks for the forms again (sign before confirm)
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", Proof(first)), HttpStatusCode.UnprocessableEntity,
            "recipient-not-verified");
        // A new code goes to the new address and replaces the first.
        var resent = await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/recipient-proof", null), HttpStatusCode.Accepted);
        Assert.Equal(1, resent.GetProperty("sendsLeft").GetInt32());
        var second = await MailedCodeAsync(mine);
        if (second != first)
            await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", Proof(first)), HttpStatusCode.UnprocessableEntity,
                "recipient-proof-wrong");

        // Too old: refused without counting a try.
        await Factory.ExecuteAsync("UPDATE delivery.recipient_proofs SET expires_at = now() - interval '1 second'");
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", Proof(second)), HttpStatusCode.UnprocessableEntity,
            "recipient-proof-expired");
        await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/recipient-proof", null), HttpStatusCode.Accepted);
        var third = await MailedCodeAsync(mine);
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/recipient-proof", null), HttpStatusCode.Conflict, "recipient-proof-send-limit");

        // Wrong codes up to the limit (a resend does not give them back); then even the right code is refused.
        var tries = await Factory.ScalarAsync<int>("SELECT wrong_tries FROM delivery.recipient_proofs WHERE request_id = @id", ("id", Guid.Parse(id!)));
        for (var i = tries; i < 4; i++)
            await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", Proof(Other(third))), HttpStatusCode.UnprocessableEntity,
                "recipient-proof-wrong");
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", Proof(Other(third))), HttpStatusCode.Conflict,
            "recipient-proof-exhausted");
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", Proof(third)), HttpStatusCode.Conflict, "recipient-proof-exhausted");
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));

        // Another counter's operator cannot ask for a code of this request (it does not exist for them).
        var (stranger, _, _) = await ActorAsync("Operator", counterCode: "090-201-ZZ009");
        await ProblemAsync(await stranger.PostAsync($"/api/v1/activations/{id}/recipient-proof", null), HttpStatusCode.NotFound, "request-not-found");

        // A new request starts again.
        Assert.Equal("CANCELLED", (await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/cancel", null))).GetProperty("status").GetString());
        var again = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Activation(Email(address))), HttpStatusCode.Created))
            .GetProperty("id").GetString();
        await client.PrintFormsAsync("activations", again!);
        await OkAsync(await client.PostAsync($"/api/v1/activations/{again}/recipient-proof", null), HttpStatusCode.Accepted);
        var fresh = await MailedCodeAsync(address);
        await OkAsync(await client.PostAsync($"/api/v1/activations/{again}/confirm", Proof(fresh)));
    }

    [Fact]
    public async Task New_requests_for_the_same_card_give_no_new_tries_and_no_code_is_sent_where_the_region_does_not_ask_for_it()
    {
        var client = await ArrangeAsync();
        var address = Address();
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Activation(Email(address))), HttpStatusCode.Created))
            .GetProperty("id").GetString();
        await client.PrintFormsAsync("activations", id!);
        // Policy off (the test host's default): no code goes anywhere.
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/recipient-proof", null), HttpStatusCode.Conflict, "recipient-proof-not-required");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages WHERE purpose = 'RECIPIENT_PROOF'"));

        using var policy = Factory.WithPolicy(o =>
        {
            o.RecipientProof.Required = true;
            o.RecipientProof.CardDailyWrongTries = 6;
            o.RecipientProof.CardDailySends = 4;
        });
        await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/recipient-proof", null), HttpStatusCode.Accepted);
        var code = await MailedCodeAsync(address);
        for (var i = 0; i < 4; i++)
            await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", Proof(Other(code))), HttpStatusCode.UnprocessableEntity,
                "recipient-proof-wrong");
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", Proof(Other(code))), HttpStatusCode.Conflict, "recipient-proof-exhausted");
        await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/cancel", null));

        // A new request for the card: one more wrong try reaches the card's daily limit; then even the right code is refused.
        var again = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Activation(Email(address))), HttpStatusCode.Created))
            .GetProperty("id").GetString();
        await client.PrintFormsAsync("activations", again!);
        await OkAsync(await client.PostAsync($"/api/v1/activations/{again}/recipient-proof", null), HttpStatusCode.Accepted);
        var second = await MailedCodeAsync(address);
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{again}/confirm", Proof(Other(second))), HttpStatusCode.UnprocessableEntity,
            "recipient-proof-wrong");
        var exhausted = await ProblemAsync(await client.PostAsync($"/api/v1/activations/{again}/confirm", Proof(second)), HttpStatusCode.Conflict,
            "recipient-proof-exhausted");
        Assert.Contains("24 ore", exhausted.GetProperty("detail").GetString());
        await ProblemAsync(await client.PostAsync($"/api/v1/activations/{again}/recipient-proof", null), HttpStatusCode.Conflict, "recipient-proof-exhausted");

        // Sends are capped per card too, whatever the request.
        await Factory.ExecuteAsync("UPDATE delivery.recipient_proofs SET wrong_tries = 0");
        await OkAsync(await client.PostAsync($"/api/v1/activations/{again}/recipient-proof", null), HttpStatusCode.Accepted);
        await OkAsync(await client.PostAsync($"/api/v1/activations/{again}/recipient-proof", null), HttpStatusCode.Accepted);
        var capped = await ProblemAsync(await client.PostAsync($"/api/v1/activations/{again}/recipient-proof", null), HttpStatusCode.Conflict,
            "recipient-proof-send-limit");
        Assert.Contains("tessera", capped.GetProperty("detail").GetString());
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
    }

    [Fact]
    public async Task The_issuing_region_refuses_a_peers_activation_that_does_not_carry_the_recipient_proof()
    {
        using var policy = Factory.WithPolicy(o => o.RecipientProof.Required = true);
        const string PeerNumber = "80380000900000071299";
        var card = Card(PeerNumber);
        await FeedAsync(card);
        await OkAsync(await (await AdminAsync()).PutAsJsonAsync("/api/v1/admin/peers/200",
            RegionPki.For("200").Registration("Regione 200", "https://127.0.0.1:9")));
        var peer = new ContractCaller("PeerRegion", ["PeerRegion"], Factory.CreateClient(), ContractCaller.PeerSigner("200"));
        async Task<HttpResponseMessage> InboundAsync(DateTimeOffset? verifiedAt) => await peer.SendAsync(HttpMethod.Post,
            "/api/v1/interop/inbound/activations", JsonSerializer.SerializeToUtf8Bytes(new
            {
                requestId = Guid.NewGuid(), kind = "ACTIVATION", originRegion = "200", originCounter = "200-001-AS001", cardNumber = PeerNumber,
                holder = new { codiceFiscale = card.Holder!.CodiceFiscale, surname = card.Holder.Surname, givenName = card.Holder.GivenName,
                    birthDate = card.Holder.BirthDate },
                mode = "DIRECT", document = Document(), delivery = Email(Address()), privacyConsent = true, recipientVerifiedAt = verifiedAt,
            }, new JsonSerializerOptions(JsonSerializerDefaults.Web)), "application/json");

        await ProblemAsync(await InboundAsync(null), HttpStatusCode.UnprocessableEntity, "recipient-not-verified");
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", PeerNumber)));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM activation.requests"));
        await OkAsync(await InboundAsync(DateTimeOffset.UtcNow));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE card_number = @n AND outcome = 'SUCCEEDED' AND detail LIKE '%recipient=proved-by-origin'",
            ("n", PeerNumber)));
    }

    [Fact]
    public async Task A_reprint_by_sms_is_proved_with_the_code_sent_by_sms()
    {
        using var policy = Factory.WithPolicy(o => o.RecipientProof.Required = true);
        var client = await ArrangeAsync(state: "ACTIVE");
        var mobile = "+39347" + Random.Shared.Next(1000000, 9999999);
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/reprints", new
        {
            cardNumber = Number, mode = "DIRECT", reason = "DIMENTICANZA", document = Document(),
            delivery = new { channel = "SMS", mobile }, privacyConsent = true,
        }), HttpStatusCode.Created)).GetProperty("id").GetString();
        await client.PrintFormsAsync("reprints", id!);
        await ProblemAsync(await client.PostAsync($"/api/v1/reprints/{id}/confirm", await client.SignedAsync("reprints", id)), HttpStatusCode.UnprocessableEntity, "recipient-not-verified");
        var sent = await OkAsync(await client.PostAsync($"/api/v1/reprints/{id}/recipient-proof", null), HttpStatusCode.Accepted);
        Assert.Equal("SMS", sent.GetProperty("channel").GetString());

        var deadline = DateTime.UtcNow.AddSeconds(20);
        FakeSmsGateway.Sms? sms;
        while ((sms = Factory.SmsGateway.Received.FirstOrDefault(s => s.To == mobile)) is null && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.NotNull(sms);
        var code = SmsCode().Match(sms.Text).Groups[1].Value;
        Assert.Matches("^[0-9]{6}$", code);

        var confirmed = await OkAsync(await client.PostAsync($"/api/v1/reprints/{id}/confirm", Proof(code)));
        Assert.Equal("COMPLETED", confirmed.GetProperty("status").GetString());
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE request_id = @id AND type = 'REPRINT' AND outcome = 'SUCCEEDED' AND detail LIKE 'confirm %recipient=proved'",
            ("id", id!)));
    }
}
