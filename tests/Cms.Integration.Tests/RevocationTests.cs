using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cms.Integration.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Cms.Integration.Tests;

public class RevocationTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000077001";
    private const string Cip = "55667788";

    private async Task<HttpClient> ArrangeAsync(string state = "ACTIVE", DateOnly? birth = null)
    {
        await FeedAsync(Card(Number, birth: birth, cip: Cip));
        await SetStateAsync(Number, state);
        var (client, _, _) = await ActorAsync("Operator");
        return client;
    }

    public static object Document() => new
    {
        type = "CARTA_IDENTITA", number = "CA1234567", issuedBy = "COMUNE DI FIRENZE", issueDate = Iso(Today.AddYears(-2)), expiryDate = Iso(Today.AddYears(8)),
    };

    private static readonly object NoEvidence = new();

    private static object Body(string reason = "FURTO", object? evidence = null, string mode = "DIRECT", object? delegatePerson = null,
        string? delegationKind = null) => new
    {
        cardNumber = Number, mode, delegationKind, @delegate = delegatePerson, reason,
        evidence = evidence == NoEvidence ? null : evidence ?? new { kind = "POLICE_REPORT", reference = "Denuncia n. 123/2026 Questura di Firenze" },
        document = Document(), privacyConsent = true,
    };

    private static async Task<string> CreateAsync(HttpClient client, object? body = null) =>
        (await OkAsync(await client.PostAsJsonAsync("/api/v1/revocations", body ?? Body()), HttpStatusCode.Created)).GetProperty("id").GetString()!;

    private static Task<HttpResponseMessage> VerifyAsync(HttpClient client, string id, string cip) =>
        client.PostAsJsonAsync($"/api/v1/revocations/{id}/verify-cip", new { cip });

    private static Task<HttpResponseMessage> ConfirmAsync(HttpClient client, string id, bool signed = true) =>
        client.PostAsJsonAsync($"/api/v1/revocations/{id}/confirm", new { formPrintedAndSigned = signed });

    public static async Task<string> PdfTextAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        await ActivationTests.QpdfCheckAsync(bytes);
        using var pdf = PdfDocument.Open(bytes);
        return string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
    }

    [Fact]
    public async Task A_revocation_needs_the_cip_the_printed_form_and_the_signature_then_revokes_for_good_and_asks_the_ca()
    {
        var client = await ArrangeAsync();
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/revocations", Body()), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("PENDING", created.GetProperty("status").GetString());
        Assert.Equal(["verify-cip", "print-modulo-richiesta-revoca", "confirm"],
            created.GetProperty("summary").GetProperty("nextSteps").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.True(created.GetProperty("summary").GetProperty("cipRequired").GetBoolean()); // an activated card: the CIP step stays

        await ProblemAsync(await ConfirmAsync(client, id), HttpStatusCode.Conflict, "cip-not-verified");
        var wrong = await ProblemAsync(await VerifyAsync(client, id, "12345678"), HttpStatusCode.UnprocessableEntity, "cip-mismatch");
        Assert.Equal(4, wrong.GetProperty("remainingAttempts").GetInt32());
        var verified = await OkAsync(await VerifyAsync(client, id, Cip));
        Assert.True(verified.GetProperty("verified").GetBoolean());
        Assert.DoesNotContain(Cip, verified.GetRawText());

        await ProblemAsync(await ConfirmAsync(client, id), HttpStatusCode.Conflict, "revocation-form-not-printed");
        var text = await PdfTextAsync(await client.GetAsync($"/api/v1/revocations/{id}/documents/modulo-richiesta-revoca"));
        Assert.Contains("MODULO DI RICHIESTA REVOCA DEL CERTIFICATO DI AUTENTICAZIONE", text);
        Assert.Contains("in qualità di TITOLARE della TS/CNS", text);
        Assert.Contains("FURTO", text);
        Assert.Contains("Denuncia n. 123/2026", text);
        Assert.Contains(id, text);
        Assert.DoesNotContain("5566", WithoutIds(text));
        Assert.DoesNotContain("CIP non verificato", text);

        await ProblemAsync(await ConfirmAsync(client, id, signed: false), HttpStatusCode.UnprocessableEntity, "form-signature-not-acknowledged");
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
        var confirmed = await OkAsync(await ConfirmAsync(client, id));
        Assert.Equal("COMPLETED", confirmed.GetProperty("status").GetString());
        Assert.Equal("REVOKED", confirmed.GetProperty("cardState").GetString());
        Assert.Equal("QUEUED", confirmed.GetProperty("certificateRevocation").GetProperty("status").GetString());
        Assert.Equal("REVOKED", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));

        var call = await Factory.CertificationAuthority.WaitForAsync(Number, "REVOKE");
        Assert.Equal("FURTO", call.Body.GetProperty("reason").GetString());
        Assert.Equal(FakeExternalSystem.ApiKey, call.ApiKey);
        Assert.Equal(confirmed.GetProperty("certificateRevocation").GetProperty("id").GetString(), call.IdempotencyKey);
        Assert.DoesNotContain(Cip, call.Body.GetRawText());
        var status = await WaitForCallAsync(client, id, "SENT");
        Assert.Equal(1, status.GetProperty("attempts").GetInt32());

        // Irreversible: nothing brings the card back.
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/revocations", Body()), HttpStatusCode.Conflict, "card-not-revocable");
        await ProblemAsync(await client.PostAsync($"/api/v1/revocations/{id}/confirm", JsonContent.Create(new { formPrintedAndSigned = true })),
            HttpStatusCode.Conflict, "request-not-pending");
        var card = await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = Number }));
        Assert.Equal("REVOKED", card.GetProperty("state").GetString());
        Assert.Equal(["HISTORY"], card.GetProperty("allowedOperations").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(3L, await OperationsAsync("REVOCATION", "SUCCEEDED", Number)); // create, verify-cip, confirm
        Assert.DoesNotContain(Factory.Logs.Lines, l => l.Contains(Cip, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_card_never_activated_is_revoked_with_the_identity_document_and_the_signed_form_without_a_cip()
    {
        var client = await ArrangeAsync(state: "NOT_ACTIVE");
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/revocations", Body(reason: "SMARRIMENTO",
            evidence: new { kind = "SELF_DECLARATION" })), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var summary = created.GetProperty("summary");
        Assert.False(summary.GetProperty("cipRequired").GetBoolean());
        Assert.Equal(["print-modulo-richiesta-revoca", "confirm"], summary.GetProperty("nextSteps").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Contains(summary.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("non è mai stata attivata"));
        Assert.Equal("CA1234567", summary.GetProperty("document").GetProperty("number").GetString());

        // The CIP step does not exist for it: a clear problem, and no try counted against the card.
        var problem = await ProblemAsync(await VerifyAsync(client, id, Cip), HttpStatusCode.Conflict, "cip-not-required");
        Assert.Contains("non ha ricevuto il CIP", problem.GetProperty("detail").GetString());
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM revocation.cip_attempts WHERE card_number = @n", ("n", Number)));

        // The printed and signed form stays required; it says why the CIP was not verified and carries the identity document.
        await ProblemAsync(await ConfirmAsync(client, id), HttpStatusCode.Conflict, "revocation-form-not-printed");
        var text = await PdfTextAsync(await client.GetAsync($"/api/v1/revocations/{id}/documents/modulo-richiesta-revoca"));
        Assert.Contains("CIP non verificato: la tessera non è mai stata attivata", text);
        Assert.Contains("CA1234567", text);
        Assert.Contains("SMARRIMENTO", text);
        await ProblemAsync(await ConfirmAsync(client, id, signed: false), HttpStatusCode.UnprocessableEntity, "form-signature-not-acknowledged");

        var confirmed = await OkAsync(await ConfirmAsync(client, id));
        Assert.Equal("REVOKED", confirmed.GetProperty("cardState").GetString());
        Assert.Equal("REVOKED", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
        Assert.Equal("SMARRIMENTO", (await Factory.CertificationAuthority.WaitForAsync(Number, "REVOKE")).Body.GetProperty("reason").GetString());
        Assert.Equal(2L, await OperationsAsync("REVOCATION", "SUCCEEDED", Number)); // create, confirm
        // Refused and recorded: the CIP step, the confirm before the form, the confirm without the signature.
        Assert.Equal(3L, await OperationsAsync("REVOCATION", "REJECTED", Number));
    }

    [Fact]
    public async Task A_revocation_opened_without_cip_is_not_confirmed_once_the_card_was_activated_since()
    {
        var client = await ArrangeAsync(state: "NOT_ACTIVE");
        var id = await CreateAsync(client, Body(reason: "DETERIORAMENTO", evidence: NoEvidence));
        await PdfTextAsync(await client.GetAsync($"/api/v1/revocations/{id}/documents/modulo-richiesta-revoca"));
        await SetStateAsync(Number, "ACTIVE"); // activated at another counter meanwhile: the holder now has a CIP
        await ProblemAsync(await ConfirmAsync(client, id), HttpStatusCode.Conflict, "card-activated-since-request");
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
        // A new request asks for the CIP.
        await OkAsync(await client.PostAsync($"/api/v1/revocations/{id}/cancel", null));
        var again = await OkAsync(await client.PostAsJsonAsync("/api/v1/revocations", Body(reason: "DETERIORAMENTO", evidence: NoEvidence)), HttpStatusCode.Created);
        Assert.True(again.GetProperty("summary").GetProperty("cipRequired").GetBoolean());
        Assert.Equal("verify-cip", again.GetProperty("summary").GetProperty("nextSteps")[0].GetString());
    }

    private async Task<JsonElement> WaitForCallAsync(HttpClient client, string id, string wanted)
    {
        for (var i = 0; i < 150; i++)
        {
            var r = await OkAsync(await client.GetAsync($"/api/v1/revocations/{id}"));
            var call = r.GetProperty("certificateRevocation");
            if (call.ValueKind == JsonValueKind.Object && call.GetProperty("status").GetString() == wanted) return call;
            await Task.Delay(200);
        }
        throw new TimeoutException($"the certificate revocation never became {wanted}");
    }

    [Fact]
    public async Task The_delegated_form_carries_the_delegates_wording()
    {
        var client = await ArrangeAsync(birth: Today.AddYears(-10));
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/revocations", Body()), HttpStatusCode.UnprocessableEntity, "minor-direct-activation");
        var id = await CreateAsync(client, Body(reason: "DETERIORAMENTO", evidence: NoEvidence, mode: "DELEGATED", delegationKind: "PARENTAL",
            delegatePerson: new { codiceFiscale = NewCf('F'), surname = "Tadi", givenName = "Beatrice" }));
        var text = await PdfTextAsync(await client.GetAsync($"/api/v1/revocations/{id}/documents/modulo-richiesta-revoca"));
        Assert.Contains("TADI BEATRICE", text);
        Assert.Contains("in qualità di delegato", text);
        Assert.Contains("esercente la potestà genitoriale", text);
        Assert.Contains("ROSSI MARIO", text);
        Assert.Contains("DETERIORAMENTO", text);
    }

    [Fact]
    public async Task Theft_and_loss_need_their_evidence_and_the_mode_must_fit()
    {
        var client = await ArrangeAsync();
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/revocations", new
        {
            cardNumber = Number, mode = "DIRECT", reason = "SMARRIMENTO", document = Document(), privacyConsent = true,
        }), HttpStatusCode.UnprocessableEntity, "loss-evidence-required");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/revocations", Body(evidence: new { kind = "POLICE_REPORT" })),
            HttpStatusCode.UnprocessableEntity, "police-report-reference-required");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/revocations", Body(mode: "HEALTH_DELEGATION",
            delegatePerson: new { codiceFiscale = NewCf(), surname = "A", givenName = "B" })), HttpStatusCode.UnprocessableEntity, "mode-not-allowed");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/revocations", Body(reason: "PERCHE_SI")), HttpStatusCode.BadRequest, "malformed-request");
        var bad = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/revocations", new { cardNumber = "123" }), HttpStatusCode.BadRequest, "validation");
        Assert.True(bad.GetProperty("errors").TryGetProperty("reason", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("cardNumber", out _));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM revocation.revocation_requests"));

        // A self-declaration needs no reference; a modification makes the printed form stale.
        var id = await CreateAsync(client, Body(reason: "SMARRIMENTO", evidence: new { kind = "SELF_DECLARATION" }));
        await PdfTextAsync(await client.GetAsync($"/api/v1/revocations/{id}/documents/modulo-richiesta-revoca"));
        Assert.True((await OkAsync(await client.GetAsync($"/api/v1/revocations/{id}"))).GetProperty("summary").GetProperty("formPrinted").GetBoolean());
        var modified = await OkAsync(await client.PutAsJsonAsync($"/api/v1/revocations/{id}", Body(reason: "MALFUNZIONAMENTO", evidence: NoEvidence)));
        Assert.False(modified.GetProperty("summary").GetProperty("formPrinted").GetBoolean());
        Assert.Equal("MALFUNZIONAMENTO", modified.GetProperty("summary").GetProperty("reason").GetString());
        Assert.Equal("CANCELLED", (await OkAsync(await client.PostAsync($"/api/v1/revocations/{id}/cancel", null))).GetProperty("status").GetString());
        await ProblemAsync(await VerifyAsync(client, id, Cip), HttpStatusCode.Conflict, "request-not-pending");
    }

    [Fact]
    public async Task Five_wrong_cips_in_a_day_lock_the_card_at_every_counter_and_are_audited()
    {
        var client = await ArrangeAsync();
        var id = await CreateAsync(client);
        for (var i = 4; i >= 1; i--)
        {
            var wrong = await ProblemAsync(await VerifyAsync(client, id, "1111111" + i), HttpStatusCode.UnprocessableEntity, "cip-mismatch");
            Assert.Equal(i, wrong.GetProperty("remainingAttempts").GetInt32());
        }
        var locked = await ProblemAsync(await VerifyAsync(client, id, "00000000"), (HttpStatusCode)423, "cip-locked");
        Assert.True(locked.TryGetProperty("lockedUntil", out _));
        // Locked even for the right CIP, and at another counter.
        await ProblemAsync(await VerifyAsync(client, id, Cip), (HttpStatusCode)423, "cip-locked");
        var (other, _, _) = await ActorAsync("Operator", counterCode: "090-201-AS002");
        var otherId = await CreateAsync(other);
        await ProblemAsync(await VerifyAsync(other, otherId, Cip), (HttpStatusCode)423, "cip-locked");

        Assert.Equal(5L, await Factory.ScalarAsync<long>("SELECT count(*) FROM revocation.cip_attempts WHERE card_number = @n AND NOT succeeded", ("n", Number)));
        Assert.Equal(3L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'REVOCATION' AND outcome = 'REJECTED' AND detail = 'cip-locked' AND card_number = @n", ("n", Number)));
        Assert.Equal(4L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'REVOCATION' AND outcome = 'REJECTED' AND detail = 'cip-mismatch'"));

        // A day later the oldest tries no longer count.
        await Factory.ExecuteAsync("UPDATE revocation.cip_attempts SET at = at - interval '25 hours'");
        Assert.True((await OkAsync(await VerifyAsync(client, id, Cip))).GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task A_wrong_cip_retried_with_its_idempotency_key_gets_the_first_answer_and_counts_once()
    {
        // The try is counted even though the CIP was refused: a retry after a lost answer must not count it again.
        var client = await ArrangeAsync();
        var id = await CreateAsync(client);
        Task<HttpResponseMessage> VerifyWithKeyAsync(string cip, string key) =>
            SendWithKeyAsync(client, HttpMethod.Post, $"/api/v1/revocations/{id}/verify-cip", new { cip }, key);
        var first = await ProblemAsync(await VerifyWithKeyAsync("12345678", "cip-1"), HttpStatusCode.UnprocessableEntity, "cip-mismatch");
        Assert.Equal(4, first.GetProperty("remainingAttempts").GetInt32());
        var retried = await VerifyWithKeyAsync("12345678", "cip-1");
        Assert.Equal("true", retried.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.GetRawText(), (await ProblemAsync(retried, HttpStatusCode.UnprocessableEntity, "cip-mismatch")).GetRawText());
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM revocation.cip_attempts WHERE NOT succeeded"));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'REVOCATION' AND outcome = 'REJECTED' AND detail = 'cip-mismatch'"));

        // Another key is another try; the right CIP still verifies.
        var second = await ProblemAsync(await VerifyWithKeyAsync("12345678", "cip-2"), HttpStatusCode.UnprocessableEntity, "cip-mismatch");
        Assert.Equal(3, second.GetProperty("remainingAttempts").GetInt32());
        Assert.True((await OkAsync(await VerifyWithKeyAsync(Cip, "cip-3"))).GetProperty("verified").GetBoolean());
    }

    [Fact]
    public async Task Wrong_cips_sent_all_at_once_still_count_one_by_one()
    {
        var client = await ArrangeAsync();
        var id = await CreateAsync(client);
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => VerifyAsync(client, id, $"9{i:0000000}")));
        Assert.Equal(4, answers.Count(a => a.StatusCode == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(8, answers.Count(a => (int)a.StatusCode == 423));
        Assert.Equal(5L, await Factory.ScalarAsync<long>("SELECT count(*) FROM revocation.cip_attempts WHERE NOT succeeded"));
    }

    [Fact]
    public async Task A_certification_authority_that_is_down_gets_the_request_once_it_is_back()
    {
        var client = await ArrangeAsync();
        Factory.CertificationAuthority.Down = true;
        var id = await CreateAsync(client);
        await OkAsync(await VerifyAsync(client, id, Cip));
        await PdfTextAsync(await client.GetAsync($"/api/v1/revocations/{id}/documents/modulo-richiesta-revoca"));
        await OkAsync(await ConfirmAsync(client, id));
        for (var i = 0; i < 100 && Factory.CertificationAuthority.Attempts < 2; i++) await Task.Delay(100);
        Assert.True(Factory.CertificationAuthority.Attempts >= 2, "the CA call was not retried");
        var pending = await OkAsync(await client.GetAsync($"/api/v1/revocations/{id}"));
        var call = pending.GetProperty("certificateRevocation");
        Assert.NotEqual("SENT", call.GetProperty("status").GetString());
        Assert.Contains("503", call.GetProperty("lastError").GetString());
        Assert.Empty(Factory.CertificationAuthority.Received);

        Factory.CertificationAuthority.Down = false;
        await Factory.CertificationAuthority.WaitForAsync(Number, "REVOKE");
        await WaitForCallAsync(client, id, "SENT");
        await Task.Delay(1500);
        Assert.Single(Factory.CertificationAuthority.Received);
    }

    [Fact]
    public async Task A_request_the_certification_authority_refuses_is_failed_at_once_and_shown()
    {
        await FeedAsync(Card(Number, cip: Cip));
        var (issuer, _, _) = await ActorAsync("Issuer");
        Factory.CertificationAuthority.Refusing = true;
        var revoked = await OkAsync(await issuer.PostAsJsonAsync("/api/v1/issuer/revocations", new { cardNumber = Number, reason = "ERRORE_DATI_ANAGRAFICI" }),
            HttpStatusCode.Created);
        var callId = revoked.GetProperty("certificateRevocation").GetProperty("id").GetString();
        string? status = null;
        for (var i = 0; i < 100 && status != "FAILED"; i++)
        {
            await Task.Delay(100);
            status = await Factory.ScalarAsync<string>("SELECT status FROM outbound.calls WHERE id = @id", ("id", Guid.Parse(callId!)));
        }
        Assert.Equal("FAILED", status);
        Assert.Equal("HTTP 400 Bad Request", await Factory.ScalarAsync<string>("SELECT last_error FROM outbound.calls WHERE id = @id", ("id", Guid.Parse(callId!))));
        await Task.Delay(1500);
        Assert.Equal(1, Factory.CertificationAuthority.Attempts); // a refusal is not retried
    }

    [Fact]
    public async Task The_issuer_revokes_without_cip_for_its_own_reasons()
    {
        await FeedAsync(Card(Number, cip: Cip));
        var (issuer, _, _) = await ActorAsync("Issuer");
        var (operatorClient, _, _) = await ActorAsync("Operator");
        var body = new { cardNumber = Number, reason = "DECESSO", note = "Comunicazione anagrafe del 20/11/2026" };
        await ProblemAsync(await operatorClient.PostAsJsonAsync("/api/v1/issuer/revocations", body), HttpStatusCode.Forbidden);
        await ProblemAsync(await issuer.PostAsJsonAsync("/api/v1/issuer/revocations", new { cardNumber = Number, reason = "FURTO" }),
            HttpStatusCode.BadRequest, "malformed-request");
        var revoked = await OkAsync(await issuer.PostAsJsonAsync("/api/v1/issuer/revocations", body), HttpStatusCode.Created);
        Assert.Equal("REVOKED", revoked.GetProperty("cardState").GetString());
        Assert.Equal("DECESSO", revoked.GetProperty("reasonLabel").GetString());
        Assert.Equal("REVOKED", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
        var call = await Factory.CertificationAuthority.WaitForAsync(Number, "REVOKE");
        Assert.Equal("DECESSO", call.Body.GetProperty("reason").GetString());
        Assert.Equal(revoked.GetProperty("id").GetString(), call.Body.GetProperty("requestId").GetString());
        await ProblemAsync(await issuer.PostAsJsonAsync("/api/v1/issuer/revocations", body), HttpStatusCode.Conflict, "card-not-revocable");
        await ProblemAsync(await issuer.PostAsJsonAsync("/api/v1/issuer/revocations", new { cardNumber = "80380000900000099999", reason = "DECESSO" }),
            HttpStatusCode.NotFound, "card-not-found");
        // The counter's operations on a revoked card are refused.
        await ProblemAsync(await operatorClient.PostAsJsonAsync("/api/v1/reprints", new
        {
            cardNumber = Number, mode = "DIRECT", reason = "DIMENTICANZA", document = Document(), privacyConsent = true,
            delivery = new { channel = "EMAIL", email = "a@example.it", emailConfirmation = "a@example.it" },
        }), HttpStatusCode.Conflict, "card-not-reprintable");
    }
}
