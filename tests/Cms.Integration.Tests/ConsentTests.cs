using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

public class ConsentTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000066001";

    private async Task<HttpClient> ArrangeAsync(string state = "ACTIVE")
    {
        await FeedAsync(Card(Number, pin: "24680", puk: "11223344", cip: "55667788"));
        await SetStateAsync(Number, state);
        var (client, _, _) = await ActorAsync("Operator");
        return client;
    }

    private static object Body(bool consultation = true, string pastData = "RECOVER_WITH_OBSCURING", bool? feeding = null, string? email = "notifiche@example.it",
        string? activationId = null, bool declaration = true, string mode = "DIRECT") => new
    {
        cardNumber = Number, mode, document = RevocationTests.Document(), privacyConsent = true, declarationConfirmed = declaration, activationId,
        consents = new
        {
            informationNoticeSeen = true, feedingConsent = feeding, consultationConsent = consultation,
            notificationEmail = email, notificationEmailConfirmation = email, pastData,
        },
    };

    private static async Task<JsonElement> RecordAsync(HttpClient client, object body)
    {
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", body), HttpStatusCode.Created);
        return await OkAsync(await client.PostAsync($"/api/v1/consent-requests/{created.GetProperty("id").GetString()}/confirm", null));
    }

    private static async Task<JsonElement> WaitForSentAsync(HttpClient client, int versions)
    {
        for (var i = 0; i < 150; i++)
        {
            var consents = await OkAsync(await client.GetAsync($"/api/v1/cards/{Number}/consents"));
            var current = consents.GetProperty("current");
            if (consents.GetProperty("history").GetArrayLength() == versions && current.GetProperty("fse").GetProperty("consentsSent").GetBoolean())
                return consents;
            await Task.Delay(200);
        }
        throw new TimeoutException("the consents were never sent to the FSE");
    }

    [Fact]
    public async Task Consents_under_the_current_law_become_a_new_version_each_time_and_reach_the_fse()
    {
        var client = await ArrangeAsync();
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", Body(feeding: true)), HttpStatusCode.UnprocessableEntity,
            "feeding-consent-abolished");
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", Body()), HttpStatusCode.Created);
        Assert.Equal("CURRENT", created.GetProperty("summary").GetProperty("model").GetString());
        Assert.Equal("PENDING", created.GetProperty("status").GetString());
        var id = created.GetProperty("id").GetString()!;
        var declaration = await RevocationTests.PdfTextAsync(await client.GetAsync($"/api/v1/consent-requests/{id}/documents/dichiarazione-consensi"));
        Assert.Contains("DICHIARAZIONE CONSENSI", declaration);
        Assert.Contains("Consenso consultazione a terzi del FSE", declaration);
        Assert.Contains("alimentato automaticamente", declaration);
        Assert.DoesNotContain("Consenso alimentazione FSE", declaration);

        var confirmed = await OkAsync(await client.PostAsync($"/api/v1/consent-requests/{id}/confirm", null));
        Assert.Equal("COMPLETED", confirmed.GetProperty("status").GetString());
        Assert.Equal(1, confirmed.GetProperty("version").GetProperty("version").GetInt32());
        var call = await Factory.Fse.WaitForAsync(Number);
        Assert.Equal("CURRENT", call.Body.GetProperty("model").GetString());
        Assert.True(call.Body.GetProperty("consultationConsent").GetBoolean());
        Assert.Equal("RECOVER_WITH_OBSCURING", call.Body.GetProperty("pastData").GetString());
        Assert.Equal(FakeExternalSystem.ApiKey, call.ApiKey);

        var sent = await WaitForSentAsync(client, 1);
        Assert.Equal("I consensi sono stati inviati correttamente", sent.GetProperty("current").GetProperty("fse").GetProperty("outcome").GetString());

        // A change of mind is a new version; the old one stays in the history.
        await RecordAsync(client, Body(consultation: false, email: null, pastData: "NO_RECOVERY"));
        var history = await WaitForSentAsync(client, 2);
        Assert.Equal(2, history.GetProperty("current").GetProperty("version").GetInt32());
        Assert.False(history.GetProperty("current").GetProperty("consents").GetProperty("consultationConsent").GetBoolean());
        Assert.Equal(1, history.GetProperty("history")[1].GetProperty("version").GetInt32());
        Assert.True(history.GetProperty("history")[1].GetProperty("consents").GetProperty("consultationConsent").GetBoolean());
        Assert.Equal(4L, await OperationsAsync("FSE_CONSENTS", "SUCCEEDED", Number)); // create + confirm, twice
        // Reading someone's consents is itself recorded (subject access).
        Assert.True(await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'HISTORY_CONSULTATION' AND detail = 'consents' AND card_number = @n AND outcome = 'SUCCEEDED'",
            ("n", Number)) > 0);
    }

    [Fact]
    public async Task The_rules_of_the_consents_apply()
    {
        var client = await ArrangeAsync();
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", Body(declaration: false)), HttpStatusCode.UnprocessableEntity,
            "consent-declaration-required");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", Body(consultation: false)), HttpStatusCode.UnprocessableEntity,
            "notification-email-without-consultation");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", new
        {
            cardNumber = Number, mode = "DIRECT", document = RevocationTests.Document(), privacyConsent = true, declarationConfirmed = true,
            consents = new
            {
                informationNoticeSeen = true, consultationConsent = true, notificationEmail = "a@example.it", notificationEmailConfirmation = "b@example.it",
                pastData = "NO_RECOVERY",
            },
        }), HttpStatusCode.UnprocessableEntity, "email-confirmation-mismatch");
        var missing = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", new { cardNumber = Number, mode = "DIRECT" }),
            HttpStatusCode.BadRequest, "validation");
        Assert.True(missing.GetProperty("errors").TryGetProperty("consents", out _));
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", Body(mode: "HEALTH_DELEGATION")), HttpStatusCode.UnprocessableEntity,
            "mode-not-allowed");
        await SetStateAsync(Number, "REVOKED");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", Body()), HttpStatusCode.Conflict, "card-not-consentable");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM consents.consent_requests"));
    }

    [Fact]
    public async Task Consents_collected_with_an_activation_print_together_with_the_first_halves()
    {
        var client = await ArrangeAsync(state: "NOT_ACTIVE");
        var activation = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber = Number, mode = "DIRECT", document = RevocationTests.Document(), privacyConsent = true,
            delivery = new { channel = "EMAIL", email = "titolare@example.it", emailConfirmation = "titolare@example.it" },
        }), HttpStatusCode.Created);
        var activationId = activation.GetProperty("id").GetString()!;
        await OkAsync(await client.PostAsync($"/api/v1/activations/{activationId}/confirm", await client.SignedAsync("activations", activationId)));

        var recorded = await RecordAsync(client, Body(activationId: activationId));
        Assert.Equal(activationId, recorded.GetProperty("summary").GetProperty("activationId").GetString());
        Assert.Contains("attivazione-e-consensi", recorded.GetProperty("summary").GetProperty("documents").EnumerateArray().Select(d => d.GetString()));
        var text = await RevocationTests.PdfTextAsync(await client.GetAsync(
            $"/api/v1/consent-requests/{recorded.GetProperty("id").GetString()}/documents/attivazione-e-consensi"));
        Assert.Contains("ATTIVAZIONE E RICHIESTA CONSENSI", text);
        // What the seed's print carries [T 2.2.1] (decision 0044): the activation's id and the health record's creation (the consents'
        // version, the reference the FSE receives), the requester, B1/B2, Quadro C and the warnings.
        Assert.Contains($"ID attivazione carta: {activationId}", text);
        Assert.Contains($"ID creazione fascicolo: {recorded.GetProperty("version").GetProperty("id").GetString()}", text);
        Assert.Contains("DATI DEL RICHIEDENTE", text);
        Assert.Contains("B1 in proprio", text);
        Assert.Contains("B2 in qualità di", text);
        Assert.Contains("Quadro C ESITO DELL'ATTIVAZIONE DELLA TS-CNS", text);
        Assert.Contains("Tessera Sanitaria Carta Nazionale dei Servizi attivata", text);
        Assert.Contains("MODALITA' D'USO ED AVVERTENZE PER IL TITOLARE", text);
        Assert.Contains("PIN: 24", text);
        Assert.Contains("CIP: 5566", text);
        // The second half of the PIN never prints (request ids are set aside: a GUID may hold any three digits).
        Assert.DoesNotContain("680", WithoutIds(text).Replace("24680", "", StringComparison.Ordinal));
        Assert.Contains("Consenso recupero dati pregressi", text);

        // An activation of another card, or of another counter, cannot be named.
        var (other, _, _) = await ActorAsync("Operator", counterCode: "090-201-AS002");
        await ProblemAsync(await other.PostAsJsonAsync("/api/v1/consent-requests", Body(activationId: activationId)), HttpStatusCode.NotFound,
            "activation-not-found");
    }

    [Fact]
    public async Task An_fse_that_is_down_gets_the_consents_once_it_is_back()
    {
        var client = await ArrangeAsync();
        Factory.Fse.Down = true;
        await RecordAsync(client, Body());
        for (var i = 0; i < 100 && Factory.Fse.Attempts < 2; i++) await Task.Delay(100);
        Assert.True(Factory.Fse.Attempts >= 2, "the FSE call was not retried");
        var waiting = await OkAsync(await client.GetAsync($"/api/v1/cards/{Number}/consents"));
        Assert.False(waiting.GetProperty("current").GetProperty("fse").GetProperty("consentsSent").GetBoolean());
        Assert.Equal("Invio dei consensi in corso", waiting.GetProperty("current").GetProperty("fse").GetProperty("outcome").GetString());
        Factory.Fse.Down = false;
        await WaitForSentAsync(client, 1);
        Assert.Single(Factory.Fse.Received);
    }

    [Fact]
    public async Task A_region_on_the_legacy_model_collects_the_feeding_consent()
    {
        using var legacy = Factory.WithOptions<Cms.Application.Consents.Common.ConsentPolicyOptions>(o => o.Policies = [new() { EffectiveFrom = new DateOnly(2010, 1, 1), Model = Cms.Domain.Consents.Contracts.ConsentModel.Legacy }]);
        var client = await ArrangeAsync();

        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", Body()), HttpStatusCode.UnprocessableEntity, "feeding-consent-required");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", Body(feeding: false)), HttpStatusCode.UnprocessableEntity,
            "consultation-without-feeding");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", Body(feeding: false, consultation: false, email: null)),
            HttpStatusCode.UnprocessableEntity, "past-data-without-feeding");
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", Body(feeding: true)), HttpStatusCode.Created);
        Assert.Equal("LEGACY", created.GetProperty("summary").GetProperty("model").GetString());
        var text = await RevocationTests.PdfTextAsync(await client.GetAsync(
            $"/api/v1/consent-requests/{created.GetProperty("id").GetString()}/documents/dichiarazione-consensi"));
        Assert.Contains("Consenso alimentazione FSE", text);
        Assert.Contains("Il cittadino ha acconsentito all'alimentazione del fascicolo", text);
    }
}
