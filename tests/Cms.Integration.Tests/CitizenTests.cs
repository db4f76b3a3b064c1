using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cms.Domain.Common;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>Citizen self-activation of a renewed card [SPEC §3.12]: signed in with the current card's certificate.</summary>
public class CitizenTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Current = "80380000900000077001";
    private const string Renewed = "80380000900000077002";
    private const string OtherIssuer = "80380002000000077003";
    private const string Pin = "58214", Puk = "73920481", Cip = "64019372";

    private HttpClient Citizen(string codiceFiscale)
    {
        using var certificate = Factory.Certificates.SmartCard(codiceFiscale);
        return Citizen(certificate);
    }

    private HttpClient Citizen(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        var client = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        client.DefaultRequestHeaders.Add(CmsFactory.ClientCertificateHeader, TestCertificates.HeaderValue(certificate));
        return client;
    }

    /// <summary>A feed line naming the card's certificate, as an issuer that knows it sends it.</summary>
    private Cms.Application.Identification.ImportCardFeed.CardFeedLine WithCertificate(
        Cms.Application.Identification.ImportCardFeed.CardFeedLine line, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        line.CertificateSerial = certificate.SerialNumber;
        line.CertificateIssuer = Factory.Certificates.IssuerName;
        return line;
    }

    private async Task ActivateAtCounterAsync(string number, string mode)
    {
        var (counter, _, _) = await ActorAsync("Operator");
        var created = await OkAsync(await counter.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber = number, mode,
            delegationKind = mode == "DELEGATED" ? "TUTOR" : null,
            @delegate = mode == "DELEGATED" ? new { codiceFiscale = "RSSMRA80A01H501U", surname = "Rossi", givenName = "Mario" } : null,
            document = new { type = "CARTA_IDENTITA", number = "CA12345AB", issuedBy = "Comune di Firenze", issueDate = Iso(Today.AddYears(-2)), expiryDate = Iso(Today.AddYears(8)) },
            delivery = new { channel = "EMAIL", email = "titolare@example.it", emailConfirmation = "titolare@example.it" },
            privacyConsent = true,
        }), HttpStatusCode.Created);
        await OkAsync(await counter.PostAsync($"/api/v1/activations/{created.GetProperty("id").GetString()}/confirm", await counter.SignedAsync("activations", created.GetProperty("id").GetString())));
    }

    private static object Renewal(string number, DateOnly expiry, bool confirmed = true) =>
        new { newCardLast6 = number[^6..], newCardExpiryDate = Iso(expiry), confirmed };

    [Fact]
    public async Task A_citizen_activates_the_renewed_card_with_the_current_ones_certificate_and_gets_the_whole_codes_once()
    {
        var cf = CodiceFiscale.Compute("VERDI", "LUCA", new DateOnly(1975, 3, 3), 'M', "D612");
        var renewedExpiry = Today.AddYears(6);
        await FeedAsync(
            Card(Current, cf, expiry: Today.AddMonths(2), surname: "VERDI", givenName: "LUCA", birth: new DateOnly(1975, 3, 3)),
            Card(Renewed, cf, expiry: renewedExpiry, pin: Pin, puk: Puk, cip: Cip, surname: "VERDI", givenName: "LUCA", birth: new DateOnly(1975, 3, 3)),
            Card(OtherIssuer, cf, expiry: renewedExpiry.AddDays(1), surname: "VERDI", givenName: "LUCA", birth: new DateOnly(1975, 3, 3)));
        using var citizen = Citizen(cf);

        // Without a certificate: nobody. With one, but no active card yet: says what is needed.
        var anonymous = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry))).StatusCode);
        await ProblemAsync(await citizen.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry)), HttpStatusCode.Forbidden, "no-active-card");

        await ActivateAtCounterAsync(Current, "DIRECT");

        await ProblemAsync(await citizen.PostAsJsonAsync("/api/v1/citizen/renewals", new { newCardLast6 = "12AB", newCardExpiryDate = "2031-02-30", confirmed = true }),
            HttpStatusCode.BadRequest, "validation");
        await ProblemAsync(await citizen.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry.AddDays(1))),
            HttpStatusCode.NotFound, "renewal-card-not-found");
        await ProblemAsync(await citizen.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(OtherIssuer, renewedExpiry.AddDays(1))),
            HttpStatusCode.UnprocessableEntity, "different-issuer");
        // The data are right: only the confirmation is missing (the "Conferma dati" step).
        await ProblemAsync(await citizen.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry, confirmed: false)),
            HttpStatusCode.UnprocessableEntity, "confirmation-required");
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Renewed)));

        var response = await citizen.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry));
        var done = await OkAsync(response, HttpStatusCode.Created);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal(Renewed, done.GetProperty("cardNumber").GetString());
        Assert.Equal(Pin, done.GetProperty("codes").GetProperty("pin").GetString());
        Assert.Equal(Puk, done.GetProperty("codes").GetProperty("puk").GetString());
        Assert.Equal(Cip, done.GetProperty("codes").GetProperty("cip").GetString());
        var protocol = done.GetProperty("protocol").GetString()!;
        Assert.Matches("^[0-9]{17}$", protocol);
        using (var pdf = UglyToad.PdfPig.PdfDocument.Open(done.GetProperty("summaryPdf").GetBytesFromBase64()))
        {
            var text = string.Concat(pdf.GetPages().Select(p => p.Text));
            Assert.Contains(protocol, text);
            Assert.Contains(Puk, text);
            Assert.Contains("VERDI LUCA", text);
        }
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Renewed)));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'ACTIVATION' AND outcome = 'SUCCEEDED' AND card_number = @n AND detail LIKE 'citizen-renewal%'",
            ("n", Renewed)));
        // Once: the codes are not stored anywhere in clear, nor logged, and a second try finds nothing to activate.
        Assert.DoesNotContain(Factory.Logs.Lines, l => l.Contains(Puk, StringComparison.Ordinal));
        Assert.NotEqual(HttpStatusCode.Created, (await citizen.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry))).StatusCode);
    }

    [Fact]
    public async Task A_renewal_is_refused_when_the_current_card_was_activated_by_a_delegate_or_the_citizen_is_no_longer_entitled()
    {
        var cf = CodiceFiscale.Compute("NERI", "ANNA", new DateOnly(1960, 5, 5), 'F', "D612");
        var renewedExpiry = Today.AddYears(6);
        await FeedAsync(
            Card(Current, cf, expiry: Today.AddMonths(2), surname: "NERI", givenName: "ANNA", birth: new DateOnly(1960, 5, 5)),
            Card(Renewed, cf, expiry: renewedExpiry, surname: "NERI", givenName: "ANNA", birth: new DateOnly(1960, 5, 5)));
        await ActivateAtCounterAsync(Current, "DELEGATED");
        using var citizen = Citizen(cf);
        var refused = await ProblemAsync(await citizen.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry)),
            HttpStatusCode.UnprocessableEntity, "previous-activation-not-direct");
        Assert.Contains("sportello", refused.GetProperty("detail").GetString());

        await Factory.ExecuteAsync("UPDATE identification.holders SET entitled = false WHERE codice_fiscale = @cf", ("cf", cf));
        await ProblemAsync(await citizen.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry)),
            HttpStatusCode.UnprocessableEntity, "holder-not-entitled");
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Renewed)));
        Assert.Equal(2L, await OperationsAsync("ACTIVATION", "REJECTED", Renewed));
    }

    /// <summary>
    /// When the feed named the cards' certificates (decision 0032), the card renewed from is the one whose certificate is
    /// presented: another certificate of the same holder — a second card's, or one the registry does not know — is refused.
    /// </summary>
    [Fact]
    public async Task The_current_card_is_the_one_whose_certificate_is_presented_when_the_feed_named_it()
    {
        var cf = CodiceFiscale.Compute("GIALLI", "PIERO", new DateOnly(1971, 4, 4), 'M', "D612");
        var renewedExpiry = Today.AddYears(6);
        using var currentCertificate = Factory.Certificates.SmartCard(cf);
        using var renewedCertificate = Factory.Certificates.SmartCard(cf);
        using var unknownCertificate = Factory.Certificates.SmartCard(cf);
        await FeedAsync(
            WithCertificate(Card(Current, cf, expiry: Today.AddMonths(2), surname: "GIALLI", givenName: "PIERO", birth: new DateOnly(1971, 4, 4)),
                currentCertificate),
            WithCertificate(Card(Renewed, cf, expiry: renewedExpiry, pin: Pin, puk: Puk, cip: Cip, surname: "GIALLI", givenName: "PIERO",
                birth: new DateOnly(1971, 4, 4)), renewedCertificate));
        Assert.Equal(currentCertificate.SerialNumber.TrimStart('0'), await Factory.ScalarAsync<string>(
            "SELECT certificate_serial FROM identification.cards WHERE card_number = @n", ("n", Current)));
        await ActivateAtCounterAsync(Current, "DIRECT");

        // A certificate of the holder that the registry does not know: not the current card's.
        using (var unknown = Citizen(unknownCertificate))
            await ProblemAsync(await unknown.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry)),
                HttpStatusCode.Forbidden, "certificate-not-of-card");
        // The renewed card's own certificate: that card is not active yet, it cannot renew itself.
        using (var ofRenewed = Citizen(renewedCertificate))
            await ProblemAsync(await ofRenewed.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry)),
                HttpStatusCode.Forbidden, "no-active-card");
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Renewed)));

        using var citizen = Citizen(currentCertificate);
        var done = await OkAsync(await citizen.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry)), HttpStatusCode.Created);
        Assert.Equal(Renewed, done.GetProperty("cardNumber").GetString());
        Assert.Equal(Current, await Factory.ScalarAsync<string>(
            "SELECT previous_card_number FROM citizen.renewals WHERE card_number = @n", ("n", Renewed)));
    }

    /// <summary>
    /// A lost card, revoked here before its CA lists the certificate: its certificate renews nothing (a named 403); once the
    /// CA's CRL lists it, it does not even authenticate (401). A certificate of a card the feed did not describe still renews
    /// as before (the first test).
    /// </summary>
    [Fact]
    public async Task The_certificate_of_a_revoked_card_renews_nothing()
    {
        var cf = CodiceFiscale.Compute("ROSA", "ELENA", new DateOnly(1982, 6, 6), 'F', "D612");
        var renewedExpiry = Today.AddYears(6);
        using var lostCertificate = Factory.Certificates.SmartCard(cf);
        await FeedAsync(
            WithCertificate(Card(Current, cf, expiry: Today.AddMonths(2), surname: "ROSA", givenName: "ELENA", birth: new DateOnly(1982, 6, 6)),
                lostCertificate),
            Card(Renewed, cf, expiry: renewedExpiry, surname: "ROSA", givenName: "ELENA", birth: new DateOnly(1982, 6, 6)));
        await ActivateAtCounterAsync(Current, "DIRECT");
        await Factory.ExecuteAsync("UPDATE identification.cards SET state = 'REVOKED', revoked_at = now() WHERE card_number = @n", ("n", Current));

        using var thief = Citizen(lostCertificate);
        var refused = await ProblemAsync(await thief.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry)),
            HttpStatusCode.Forbidden, "certificate-card-revoked");
        Assert.Contains("revocata", refused.GetProperty("detail").GetString());

        Factory.Certificates.Revoke(lostCertificate);
        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry))).StatusCode);
        using (var expired = Citizen(Factory.Certificates.Expired(cf)))
            Assert.Equal(HttpStatusCode.Unauthorized, (await expired.PostAsJsonAsync("/api/v1/citizen/renewals", Renewal(Renewed, renewedExpiry))).StatusCode);
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Renewed)));
    }

    /// <summary>
    /// The renewal with an <c>Idempotency-Key</c> (decision 0047): a retry from the same certificate gets the first answer — the
    /// codes — again, sealed in the store meanwhile; another certificate with that key gets no stored answer; past
    /// <c>IdempotencyStore.CitizenRetention</c> (10 minutes) the answer is deleted by the next citizen's request.
    /// </summary>
    [Fact]
    public async Task A_renewal_retried_with_its_key_replays_the_codes_to_the_same_certificate_only_and_briefly()
    {
        var cf = CodiceFiscale.Compute("VIOLA", "MARCO", new DateOnly(1977, 9, 9), 'M', "D612");
        var renewedExpiry = Today.AddYears(6);
        await FeedAsync(
            Card(Current, cf, expiry: Today.AddMonths(2), surname: "VIOLA", givenName: "MARCO", birth: new DateOnly(1977, 9, 9)),
            Card(Renewed, cf, expiry: renewedExpiry, pin: Pin, puk: Puk, cip: Cip, surname: "VIOLA", givenName: "MARCO", birth: new DateOnly(1977, 9, 9)));
        await ActivateAtCounterAsync(Current, "DIRECT");
        using var certificate = Factory.Certificates.SmartCard(cf);
        using var citizen = Citizen(certificate);
        const string key = "cittadino-00000000000000000000000000000001";
        async Task<HttpResponseMessage> RenewAsync(HttpClient client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/citizen/renewals") { Content = JsonContent.Create(Renewal(Renewed, renewedExpiry)) };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request);
        }

        var first = await OkAsync(await RenewAsync(citizen), HttpStatusCode.Created);
        var again = await RenewAsync(citizen);
        var replayed = await OkAsync(again, HttpStatusCode.Created);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(Puk, replayed.GetProperty("codes").GetProperty("puk").GetString());
        Assert.Equal(first.GetProperty("protocol").GetString(), replayed.GetProperty("protocol").GetString());
        var sealedBody = await Factory.ScalarAsync<byte[]>("SELECT body_ciphertext FROM platform.idempotency_keys WHERE key = @k", ("k", key));
        Assert.DoesNotContain(Puk, System.Text.Encoding.Latin1.GetString(sealedBody));

        // The same holder's other certificate, the same key: runs as its own request, which finds nothing to activate.
        using (var other = Citizen(cf))
        {
            var answer = await other.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/citizen/renewals")
            {
                Content = JsonContent.Create(Renewal(Renewed, renewedExpiry)), Headers = { { "Idempotency-Key", key } },
            });
            Assert.NotEqual(HttpStatusCode.Created, answer.StatusCode);
            Assert.False(answer.Headers.Contains("Idempotent-Replayed"));
            Assert.DoesNotContain(Puk, await answer.Content.ReadAsStringAsync());
        }

        // Ten minutes later the answer is gone: deleted at the next citizen's request (here another key's), and the key runs as new.
        await Factory.ExecuteAsync("UPDATE platform.idempotency_keys SET created_at = created_at - interval '11 minutes' WHERE key = @k", ("k", key));
        using (var check = new HttpRequestMessage(HttpMethod.Post, "/api/v1/citizen/renewals")
        {
            Content = JsonContent.Create(Renewal(Renewed, renewedExpiry, confirmed: false)), Headers = { { "Idempotency-Key", "cittadino-00000000000000000000000000000002" } },
        })
            Assert.NotEqual(HttpStatusCode.Created, (await citizen.SendAsync(check)).StatusCode);
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM platform.idempotency_keys WHERE key = @k", ("k", key)));
        var late = await RenewAsync(citizen);
        Assert.NotEqual(HttpStatusCode.Created, late.StatusCode);
        Assert.False(late.Headers.Contains("Idempotent-Replayed"));
    }
}
