using System.Net;
using System.Net.Http.Json;
using Cms.Integration.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Cms.Integration.Tests;

/// <summary>
/// Sign before confirm [M 2.3, TM 10.1] (decision 0043): the activation and reprint request forms — and the dichiarazione sostitutiva
/// when delegated — are printed (the front-end GETs their PDFs) and signed before the confirm, which says so with
/// <c>formPrintedAndSigned: true</c>; otherwise it is refused with form-not-printed and nothing is released.
/// </summary>
public class SignBeforeConfirmTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000077001";

    private static object Document() => new
    {
        type = "CARTA_IDENTITA", number = "CA77001AB", issuedBy = "Comune di Prato", issueDate = Iso(Today.AddYears(-2)), expiryDate = Iso(Today.AddYears(8)),
    };

    private static object Email(string address) => new { channel = "EMAIL", email = address, emailConfirmation = address };

    private static readonly object Parent = new { codiceFiscale = "RSSMRA80A01H501U", surname = "Rossi", givenName = "Mario" };

    private static string Address() => $"firma.{Guid.NewGuid():N}@example.it";

    private async Task<HttpClient> ArrangeAsync(string state = "NOT_ACTIVE", DateOnly? birth = null)
    {
        await FeedAsync(Card(Number, birth: birth));
        if (state != "NOT_ACTIVE") await SetStateAsync(Number, state);
        return (await ActorAsync("Operator")).Client;
    }

    private async Task<long> ReleasesAsync() =>
        await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages WHERE card_number = @n", ("n", Number));

    [Fact]
    public async Task An_activation_is_confirmed_only_after_its_form_was_printed_and_the_operator_says_it_was_signed()
    {
        var client = await ArrangeAsync();
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber = Number, mode = "DIRECT", document = Document(), delivery = Email(Address()), privacyConsent = true,
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        Assert.Empty(created.GetProperty("summary").GetProperty("formsPrinted").EnumerateArray());

        // Nothing printed: refused, naming the form; with the operator's word but still nothing printed: refused the same way.
        var unprinted = await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", null), HttpStatusCode.Conflict, "form-not-printed");
        Assert.Equal(["modulo-richiesta-codici"], unprinted.GetProperty("missingForms").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Contains("modulo di richiesta codici", unprinted.GetProperty("detail").GetString());
        await ProblemAsync(await client.PostAsJsonAsync($"/api/v1/activations/{id}/confirm", SignBeforeConfirm.SignedBody()), HttpStatusCode.Conflict,
            "form-not-printed");

        // Printed, but the operator does not say it was signed: refused, no form missing.
        var form = await client.GetAsync($"/api/v1/activations/{id}/documents/modulo-richiesta-codici");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        using (var pdf = PdfDocument.Open(await form.Content.ReadAsByteArrayAsync()))
            Assert.Contains(Number, string.Join(" ", pdf.GetPages().Select(p => p.Text)));
        var view = await OkAsync(await client.GetAsync($"/api/v1/activations/{id}"));
        Assert.Equal(["modulo-richiesta-codici"], view.GetProperty("summary").GetProperty("formsPrinted").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var unsaid = await ProblemAsync(await client.PostAsJsonAsync($"/api/v1/activations/{id}/confirm", new { formPrintedAndSigned = false }),
            HttpStatusCode.Conflict, "form-not-printed");
        Assert.Empty(unsaid.GetProperty("missingForms").EnumerateArray());
        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));
        Assert.Equal(0L, await ReleasesAsync());
        Assert.Equal(3L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE request_id = @id AND type = 'ACTIVATION' AND outcome = 'REJECTED'", ("id", id)));

        var confirmed = await OkAsync(await client.PostAsJsonAsync($"/api/v1/activations/{id}/confirm", SignBeforeConfirm.SignedBody()));
        Assert.Equal("ACTIVE", confirmed.GetProperty("cardState").GetString());
        Assert.Equal(1L, await ReleasesAsync());
    }

    [Fact]
    public async Task A_delegated_activation_needs_the_declaration_too_and_a_change_of_the_request_asks_for_a_new_print()
    {
        var client = await ArrangeAsync(birth: Today.AddYears(-9));
        var address = Address();
        object Delegated(string documentNumber) => new
        {
            cardNumber = Number, mode = "DELEGATED", delegationKind = "PARENTAL", @delegate = Parent,
            document = new { type = "CARTA_IDENTITA", number = documentNumber, issuedBy = "Comune di Prato", issueDate = Iso(Today.AddYears(-2)), expiryDate = Iso(Today.AddYears(8)) },
            delivery = Email(address), privacyConsent = true,
        };
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Delegated("CA77001AB")), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/activations/{id}/documents/modulo-richiesta-codici")).StatusCode);
        var missing = await ProblemAsync(await client.PostAsJsonAsync($"/api/v1/activations/{id}/confirm", SignBeforeConfirm.SignedBody()),
            HttpStatusCode.Conflict, "form-not-printed");
        Assert.Equal(["dichiarazione-sostitutiva"], missing.GetProperty("missingForms").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/activations/{id}/documents/dichiarazione-sostitutiva")).StatusCode);

        // The operator corrects the document after printing: the printed forms no longer say what will be confirmed.
        await OkAsync(await client.PutAsJsonAsync($"/api/v1/activations/{id}", Delegated("CA77002AB")));
        var stale = await ProblemAsync(await client.PostAsJsonAsync($"/api/v1/activations/{id}/confirm", SignBeforeConfirm.SignedBody()),
            HttpStatusCode.Conflict, "form-not-printed");
        Assert.Equal(["modulo-richiesta-codici", "dichiarazione-sostitutiva"], stale.GetProperty("missingForms").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(2, (await client.PrintFormsAsync("activations", id)).Count);
        await OkAsync(await client.PostAsJsonAsync($"/api/v1/activations/{id}/confirm", SignBeforeConfirm.SignedBody()));
        Assert.Equal(1L, await ReleasesAsync());
    }

    [Fact]
    public async Task A_delegated_reprint_prints_its_form_and_the_declaration_before_the_confirm()
    {
        var client = await ArrangeAsync(state: "ACTIVE", birth: Today.AddYears(-9));
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/reprints", new
        {
            cardNumber = Number, mode = "DELEGATED", delegationKind = "PARENTAL", @delegate = Parent, reason = "DIMENTICANZA",
            document = Document(), delivery = Email(Address()), privacyConsent = true,
        }), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var missing = await ProblemAsync(await client.PostAsync($"/api/v1/reprints/{id}/confirm", null), HttpStatusCode.Conflict, "form-not-printed");
        Assert.Equal(["modulo-richiesta-codici", "dichiarazione-sostitutiva"], missing.GetProperty("missingForms").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var declaration = await client.GetAsync($"/api/v1/reprints/{id}/documents/dichiarazione-sostitutiva");
        Assert.Equal(HttpStatusCode.OK, declaration.StatusCode);
        using (var pdf = PdfDocument.Open(await declaration.Content.ReadAsByteArrayAsync()))
        {
            var text = string.Join(" ", pdf.GetPages().Select(p => p.Text));
            Assert.Contains("RISTAMPA", text);
            Assert.Contains("RSSMRA80A01H501U", text);
        }
        Assert.Equal(0L, await ReleasesAsync());
        await client.PrintFormsAsync("reprints", id);
        await OkAsync(await client.PostAsJsonAsync($"/api/v1/reprints/{id}/confirm", SignBeforeConfirm.SignedBody()));
        Assert.Equal(1L, await ReleasesAsync());
    }

    [Fact]
    public async Task The_health_reasons_mode_signs_its_delegation_form_before_the_confirm()
    {
        var client = await ArrangeAsync();
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber = Number, mode = "HEALTH_DELEGATION", @delegate = Parent, document = Document(), delivery = Email(Address()),
            privacyConsent = true, healthDelegationDocumentsReceived = true,
            specialCases = new { medicalCertificate = new { doctor = "Dott. Verdi", issueDate = Iso(Today) }, impedimentOverThreeMonths = true },
        }), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        // The Modulo richiesta PIN e Consenso per delega [M 2.4.2] is one of the forms signed before the confirm (decision 0044).
        var refused = await ProblemAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", null), HttpStatusCode.Conflict, "form-not-printed");
        Assert.Equal(["modulo-richiesta-pin-delega"], refused.GetProperty("missingForms").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(["modulo-richiesta-pin-delega"], await client.PrintFormsAsync("activations", id));
        await OkAsync(await client.PostAsJsonAsync($"/api/v1/activations/{id}/confirm", SignBeforeConfirm.SignedBody()));
        Assert.Equal(1L, await ReleasesAsync());
    }
}
