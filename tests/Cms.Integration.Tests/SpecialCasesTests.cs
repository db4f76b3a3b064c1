using System.Net;
using System.Net.Http.Json;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// The manuals' exceptions (issue 25 part 5, decision 0044): the emancipated minor in person [S 6.4.2], the expired document with the
/// declaration of art. 45 c. 3 d.p.r. 445/2000 where the region accepts it [TM 8.1.2], the health delegation's certificate and
/// impediment with its Modulo richiesta PIN e Consenso per delega [S 6.4.4, M 2.4.2] — each refused with its own rule, recorded and printed.
/// </summary>
public class SpecialCasesTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000044001";
    private static readonly object Delegate = new { codiceFiscale = "RSSMRA80A01H501U", surname = "Rossi", givenName = "Mario" };

    private async Task<HttpClient> ArrangeAsync(DateOnly? birth = null, string state = "NOT_ACTIVE")
    {
        await FeedAsync(Card(Number, birth: birth, surname: "FERRARI", givenName: "GIULIA"));
        if (state != "NOT_ACTIVE") await SetStateAsync(Number, state);
        return (await ActorAsync("Operator")).Client;
    }

    private static object Document(DateOnly? expiry = null) => new
    {
        type = "CARTA_IDENTITA", number = "CA44001AB", issuedBy = "Comune di Lucca", issueDate = Iso(Today.AddYears(-10)),
        expiryDate = Iso(expiry ?? Today.AddYears(1)),
    };

    private static object Email() => new { channel = "EMAIL", email = "casi@example.it", emailConfirmation = "casi@example.it" };

    private async Task<long> ReleasesAsync() =>
        await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages WHERE card_number = @n", ("n", Number));

    [Fact]
    public async Task An_emancipated_minor_activates_in_person_and_the_form_carries_the_declaration()
    {
        var client = await ArrangeAsync(birth: Today.AddYears(-17));
        object Body(string mode, object? special) => new
        {
            cardNumber = Number, mode, delegationKind = mode == "DELEGATED" ? "PARENTAL" : null, @delegate = mode == "DIRECT" ? null : Delegate,
            document = Document(), delivery = Email(), privacyConsent = true, specialCases = special,
        };
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Body("DIRECT", null)), HttpStatusCode.UnprocessableEntity, "minor-direct-activation");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Body("DELEGATED", new { emancipatedMinor = true })),
            HttpStatusCode.UnprocessableEntity, "emancipation-not-applicable");
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM activation.requests"));

        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Body("DIRECT", new { emancipatedMinor = true })), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.True(created.GetProperty("summary").GetProperty("specialCases").GetProperty("emancipatedMinor").GetBoolean());
        var form = await RevocationTests.PdfTextAsync(await client.GetAsync($"/api/v1/activations/{id}/documents/modulo-richiesta-codici"));
        Assert.Contains("MINORE EMANCIPATO", form);
        Assert.Contains("S 6.4.2", form);
        await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", await client.SignedAsync("activations", id)));
        Assert.Equal(1L, await ReleasesAsync());
        Assert.True(await Factory.ScalarAsync<bool>("SELECT emancipated_minor FROM activation.requests WHERE id = @i", ("i", Guid.Parse(id))));
        // The trail (tamper-evident, unlike the request row) says the exception was used, at the create and at the confirm.
        Assert.Equal(2L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'ACTIVATION' AND outcome = 'SUCCEEDED' AND detail LIKE '% emancipated-minor%'"));
    }

    [Fact]
    public async Task An_expired_document_is_accepted_with_the_declaration_only_where_the_region_allows_it()
    {
        var client = await ArrangeAsync();
        object Body(bool declared) => new
        {
            cardNumber = Number, mode = "DIRECT", document = Document(Today.AddMonths(-2)), delivery = Email(), privacyConsent = true,
            specialCases = new { expiredDocumentDeclaration = declared },
        };
        // By default (the national guide, T 2.2, S 6.1.2) a valid document is needed, declaration or not.
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Body(true)), HttpStatusCode.UnprocessableEntity, "document-expired");

        using (Factory.WithPolicy(o => o.Documents.AcceptExpiredWithDeclaration = true))
        {
            await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Body(false)), HttpStatusCode.UnprocessableEntity,
                "expired-document-declaration-required");
            var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Body(true)), HttpStatusCode.Created);
            var id = created.GetProperty("id").GetString()!;
            Assert.True(created.GetProperty("summary").GetProperty("specialCases").GetProperty("expiredDocumentDeclaration").GetBoolean());
            var form = await RevocationTests.PdfTextAsync(await client.GetAsync($"/api/v1/activations/{id}/documents/modulo-richiesta-codici"));
            Assert.Contains("art. 45, comma 3, d.p.r. 445/2000", form);
            Assert.Contains("non hanno subito variazioni dalla data del rilascio", form);
            await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", await client.SignedAsync("activations", id)));
        }
        Assert.Equal(1L, await ReleasesAsync());
    }

    [Fact]
    public async Task A_health_delegation_records_the_certificate_and_signs_its_delegation_form_before_the_confirm()
    {
        var client = await ArrangeAsync();
        object Body(object? special) => new
        {
            cardNumber = Number, mode = "HEALTH_DELEGATION", @delegate = Delegate, document = Document(), delivery = Email(), privacyConsent = true,
            healthDelegationDocumentsReceived = true, specialCases = special,
        };
        object Certificate(DateOnly date) => new { doctor = "Dott.ssa Anna Bianchi", issueDate = Iso(date) };
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Body(null)), HttpStatusCode.UnprocessableEntity, "medical-certificate-required");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Body(new { medicalCertificate = Certificate(Today.AddDays(1)), impedimentOverThreeMonths = true })),
            HttpStatusCode.UnprocessableEntity, "medical-certificate-date-invalid");
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Body(new { medicalCertificate = Certificate(Today.AddDays(-5)) })),
            HttpStatusCode.UnprocessableEntity, "health-impediment-too-short");
        var bad = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/activations", Body(new { medicalCertificate = new { doctor = "", issueDate = "ieri" } })),
            HttpStatusCode.BadRequest, "validation");
        Assert.True(bad.GetProperty("errors").TryGetProperty("specialCases.medicalCertificate.doctor", out _));
        Assert.True(bad.GetProperty("errors").TryGetProperty("specialCases.medicalCertificate.issueDate", out _));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM activation.requests"));

        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations",
            Body(new { medicalCertificate = Certificate(Today.AddDays(-5)), impedimentOverThreeMonths = true })), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var summary = created.GetProperty("summary");
        Assert.Equal(["modulo-richiesta-pin-delega"], summary.GetProperty("documents").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("Dott.ssa Anna Bianchi", summary.GetProperty("specialCases").GetProperty("medicalCertificate").GetProperty("doctor").GetString());

        // The delegation form is signed before the confirm now (decision 0043).
        var refused = await ProblemAsync(await client.PostAsJsonAsync($"/api/v1/activations/{id}/confirm", SignBeforeConfirm.SignedBody()),
            HttpStatusCode.Conflict, "form-not-printed");
        Assert.Equal(["modulo-richiesta-pin-delega"], refused.GetProperty("missingForms").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var form = await RevocationTests.PdfTextAsync(await client.GetAsync($"/api/v1/activations/{id}/documents/modulo-richiesta-pin-delega"));
        Assert.Contains("MODULO RICHIESTA PIN E CONSENSO PER DELEGA", form);
        Assert.Contains("Dott.ssa Anna Bianchi", form);
        Assert.Contains(Today.AddDays(-5).ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture), form);
        Assert.Contains("superiore ai tre mesi", form);
        Assert.Contains("RSSMRA80A01H501U", form);
        Assert.Contains("delegato per motivi di salute", form);
        Assert.Equal(0L, await ReleasesAsync());

        var confirmed = await OkAsync(await client.PostAsJsonAsync($"/api/v1/activations/{id}/confirm", SignBeforeConfirm.SignedBody()));
        Assert.Equal(["modulo-richiesta-pin-delega", "codici-personali"], confirmed.GetProperty("documents").EnumerateArray().Select(e => e.GetString()!).ToArray());
        await ProblemAsync(await client.GetAsync($"/api/v1/activations/{id}/documents/modulo-richiesta-codici"), HttpStatusCode.NotFound, "document-not-available");
        Assert.Equal(1L, await ReleasesAsync());
        Assert.Equal("Dott.ssa Anna Bianchi true", await Factory.ScalarAsync<string>(
            "SELECT medical_certificate_doctor || ' ' || impediment_over_three_months::text FROM activation.requests WHERE id = @i", ("i", Guid.Parse(id))));
    }

    [Fact]
    public async Task A_reprint_for_health_reasons_prints_its_delegation_form_with_the_reprint_heading()
    {
        var client = await ArrangeAsync(state: "ACTIVE");
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/reprints", new
        {
            cardNumber = Number, mode = "HEALTH_DELEGATION", @delegate = Delegate, document = Document(), delivery = Email(), privacyConsent = true,
            healthDelegationDocumentsReceived = true, reason = "DIMENTICANZA",
            specialCases = new { medicalCertificate = new { doctor = "Dott. Carlo Neri", issueDate = Iso(Today) }, impedimentOverThreeMonths = true },
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal(["modulo-richiesta-pin-delega"], created.GetProperty("summary").GetProperty("documents").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var form = await RevocationTests.PdfTextAsync(await client.GetAsync($"/api/v1/reprints/{id}/documents/modulo-richiesta-pin-delega"));
        Assert.Contains("MODULO RICHIESTA RISTAMPA PIN E CONSENSO PER DELEGA", form);
        Assert.Contains("Dott. Carlo Neri", form);
        await OkAsync(await client.PostAsJsonAsync($"/api/v1/reprints/{id}/confirm", SignBeforeConfirm.SignedBody()));
        Assert.Equal(1L, await ReleasesAsync());
    }
}
