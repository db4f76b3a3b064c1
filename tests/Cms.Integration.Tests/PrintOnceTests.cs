using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Application.Requests;
using Cms.Application.Common.Validation;
using Cms.Application.Interop.Common;
using Cms.Domain.Interop;
using Cms.Infrastructure.Persistence;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Integration.Tests;

/// <summary>
/// Issue 24, decision 0035: the first halves of a release print once. A second print — of the activation's, the reprint's, the
/// interop request's codes, or the combined activation-and-consents print — is refused; two at once give one PDF; the interop
/// request's sealed first halves are erased by the print; the print is in the trail with who and when.
/// </summary>
public class PrintOnceTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000077001";

    private static object Document() =>
        new { type = "PATENTE_GUIDA", number = "FI1234567", issuedBy = "MCTC", issueDate = Iso(Today.AddYears(-3)), expiryDate = Iso(Today.AddYears(5)) };

    private static object Email(string address) => new { channel = "EMAIL", email = address, emailConfirmation = address };

    private async Task<(HttpClient Client, string OperatorId)> ArrangeAsync(string state = "NOT_ACTIVE")
    {
        await FeedAsync(Card(Number, pin: "13579", puk: "24681357", cip: "97531357"));
        await SetStateAsync(Number, state);
        var (client, _, id) = await ActorAsync("Operator");
        return (client, id);
    }

    private static async Task<string> ActivatedAsync(HttpClient client)
    {
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber = Number, mode = "DIRECT", document = Document(), delivery = Email($"stampa.{Guid.NewGuid():N}@example.it"), privacyConsent = true,
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        await OkAsync(await client.PostAsync($"/api/v1/activations/{id}/confirm", await client.SignedAsync("activations", id)));
        return id;
    }

    private static async Task<string> ReprintedAsync(HttpClient client)
    {
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/reprints", new
        {
            cardNumber = Number, mode = "DIRECT", reason = "DIMENTICANZA", document = Document(), delivery = Email($"ristampa.{Guid.NewGuid():N}@example.it"),
            privacyConsent = true,
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        await OkAsync(await client.PostAsync($"/api/v1/reprints/{id}/confirm", await client.SignedAsync("reprints", id)));
        return id;
    }

    [Fact]
    public async Task The_activations_first_halves_print_once_the_other_forms_again_and_the_print_is_in_the_trail_with_who_and_when()
    {
        var (client, operatorId) = await ArrangeAsync();
        var id = await ActivatedAsync(client);
        var before = await OkAsync(await client.GetAsync($"/api/v1/activations/{id}"));
        Assert.Contains("codici-personali", before.GetProperty("summary").GetProperty("documents").EnumerateArray().Select(d => d.GetString()));

        var first = await client.GetAsync($"/api/v1/activations/{id}/documents/codici-personali");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("application/pdf", first.Content.Headers.ContentType?.MediaType);
        var again = await ProblemAsync(await client.GetAsync($"/api/v1/activations/{id}/documents/codici-personali"), HttpStatusCode.Conflict,
            "document-already-printed");
        Assert.Contains("ristampa", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(again.TryGetProperty("printedAt", out _));
        // The forms without codes stay printable.
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/activations/{id}/documents/modulo-richiesta-codici")).StatusCode);

        // The request says when, and no longer offers the codes print.
        var after = (await OkAsync(await client.GetAsync($"/api/v1/activations/{id}"))).GetProperty("summary");
        Assert.DoesNotContain("codici-personali", after.GetProperty("documents").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(JsonValueKind.String, after.GetProperty("codesPrintedAt").ValueKind);
        Assert.Equal(operatorId, (await Factory.ScalarAsync<Guid>("SELECT codes_printed_by FROM activation.requests WHERE id = @id", ("id", Guid.Parse(id)))).ToString());

        // The trail: one print that succeeded, one refused, both with the operator; the auditor sees them with the card.
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'DOCUMENT_PRINT' AND outcome = 'SUCCEEDED' AND request_id = @id AND detail = 'activation:codici-personali' AND operator_id = @op",
            ("id", id), ("op", Guid.Parse(operatorId))));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'DOCUMENT_PRINT' AND outcome = 'REJECTED' AND request_id = @id AND detail = 'document-already-printed'",
            ("id", id)));
        var (auditor, _, _) = await ActorAsync("Auditor");
        var trail = await OkAsync(await auditor.GetAsync($"/api/v1/audit/operations?card={Number}&type=DOCUMENT_PRINT"));
        Assert.Contains(trail.GetProperty("operations").EnumerateArray(), o => o.GetRawText().Contains("activation:codici-personali", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_prints_of_the_same_first_halves_at_once_give_one_pdf_and_one_refusal_for_an_activation_and_a_reprint()
    {
        var (client, _) = await ArrangeAsync();
        var activation = await ActivatedAsync(client);
        var reprint = await ReprintedAsync(client);
        foreach (var path in new[] { $"/api/v1/activations/{activation}/documents/codici-personali", $"/api/v1/reprints/{reprint}/documents/codici-personali" })
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.GetAsync(path)));
            Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
            Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
            foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.OK))
                await ProblemAsync(refused, HttpStatusCode.Conflict, "document-already-printed");
        }
    }

    [Fact]
    public async Task A_reprints_first_halves_print_once_and_a_new_print_is_a_new_reprint()
    {
        var (client, _) = await ArrangeAsync("ACTIVE");
        var id = await ReprintedAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/reprints/{id}/documents/codici-personali")).StatusCode);
        await ProblemAsync(await client.GetAsync($"/api/v1/reprints/{id}/documents/codici-personali"), HttpStatusCode.Conflict, "document-already-printed");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/reprints/{id}/documents/modulo-richiesta-codici")).StatusCode);
        var view = (await OkAsync(await client.GetAsync($"/api/v1/reprints/{id}"))).GetProperty("summary");
        Assert.Equal(JsonValueKind.String, view.GetProperty("codesPrintedAt").ValueKind);

        // The way to new paper: another reprint, printed once in its turn.
        var next = await ReprintedAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/reprints/{next}/documents/codici-personali")).StatusCode);
    }

    [Fact]
    public async Task The_combined_activation_and_consents_print_is_the_activations_one_print_of_its_first_halves()
    {
        var (client, _) = await ArrangeAsync();
        var activation = await ActivatedAsync(client);
        var consents = await OkAsync(await client.PostAsJsonAsync("/api/v1/consent-requests", new
        {
            cardNumber = Number, activationId = activation, mode = "DIRECT", document = Document(), privacyConsent = true, declarationConfirmed = true,
            consents = new { informationNoticeSeen = true, consultationConsent = true, pastData = "RECOVER_WITH_OBSCURING" },
        }), HttpStatusCode.Created);
        var id = consents.GetProperty("id").GetString();
        var recorded = await OkAsync(await client.PostAsync($"/api/v1/consent-requests/{id}/confirm", null));
        Assert.Contains("attivazione-e-consensi", recorded.GetProperty("summary").GetProperty("documents").EnumerateArray().Select(d => d.GetString()));

        // The declaration alone does not use the print up.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/consent-requests/{id}/documents/dichiarazione-consensi")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/consent-requests/{id}/documents/attivazione-e-consensi")).StatusCode);
        await ProblemAsync(await client.GetAsync($"/api/v1/consent-requests/{id}/documents/attivazione-e-consensi"), HttpStatusCode.Conflict,
            "document-already-printed");
        await ProblemAsync(await client.GetAsync($"/api/v1/activations/{activation}/documents/codici-personali"), HttpStatusCode.Conflict,
            "document-already-printed");
        var view = await OkAsync(await client.GetAsync($"/api/v1/consent-requests/{id}"));
        Assert.DoesNotContain("attivazione-e-consensi", view.GetProperty("summary").GetProperty("documents").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/consent-requests/{id}/documents/dichiarazione-consensi")).StatusCode);
    }

    [Fact]
    public async Task An_interop_requests_first_halves_print_once_and_the_print_erases_the_sealed_copy()
    {
        var (client, _, operatorId) = await ActorAsync("Operator");
        var me = await OkAsync(await client.GetAsync("/api/v1/auth/me"));
        var counter = me.GetProperty("counterCode").GetString()!;
        var id = Guid.CreateVersion7();
        const string card = "80380002000000056010";
        using (var scope = Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var cipher = scope.ServiceProvider.GetRequiredService<ICodeCipher>();
            var body = new InteropInboundBody(id, InteropKind.Reprint, "090", counter, card,
                new InteropHolderInput("RSSMRA80A01H501U", "ROSSI", "MARIO", "1980-01-01"), Cms.Domain.Requests.RequestMode.Direct, null, null,
                new DocumentInput(Cms.Domain.Requests.DocumentType.PatenteGuida, "FI1234567", "MCTC", Iso(Today.AddYears(-3)),
                    Iso(Today.AddYears(5))),
                new DeliveryInput(Cms.Domain.Requests.DeliveryChannel.Email, "x@example.it", "x@example.it", null),
                true, null, Cms.Domain.Reprint.Contracts.ReprintReason.Dimenticanza, null, OutsideHealthAuthorityReason: "Titolare in trasferta da un'altra regione");
            db.InteropRequests.Add(new InteropRequest(id, InteropKind.Reprint, "200", card, "RSSMRA80A01H501U", JsonSerializer.Serialize(body, ApiNames.Json),
                null, null, Guid.Parse(operatorId), counter, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(30)));
            await db.SaveChangesAsync();
            var (keyId, sealedHalves) = cipher.SealBytes(JsonSerializer.SerializeToUtf8Bytes(new CodeParts("13", "2468", "9753"), ApiNames.Json),
                InteropRequests.FirstHalvesContext(id));
            await Factory.ExecuteAsync("""
                UPDATE interop.requests SET status = 'COMPLETED', confirmed_at = now(), completed_at = now(), card_expiry_date = current_date + 1000,
                    first_halves_key_id = @k, first_halves_ciphertext = @c WHERE id = @id
                """, ("k", keyId), ("c", sealedHalves), ("id", id));
        }

        var view = await OkAsync(await client.GetAsync($"/api/v1/interop/requests/{id}"));
        Assert.Contains("codici-personali", view.GetProperty("documents").EnumerateArray().Select(d => d.GetString()));
        Assert.Equal("Titolare in trasferta da un'altra regione", view.GetProperty("outsideHealthAuthorityReason").GetString());
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.GetAsync($"/api/v1/interop/requests/{id}/documents/codici-personali")));
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.OK))
            await ProblemAsync(refused, HttpStatusCode.Conflict, "document-already-printed");

        // Nothing of the first halves is left for a later dump; the request says it was printed, not purged.
        Assert.Equal(0L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM interop.requests WHERE id = @id AND (first_halves_key_id IS NOT NULL OR first_halves_ciphertext IS NOT NULL)", ("id", id)));
        var printed = await OkAsync(await client.GetAsync($"/api/v1/interop/requests/{id}"));
        Assert.Equal(["modulo-richiesta-codici"], printed.GetProperty("documents").EnumerateArray().Select(d => d.GetString()!).ToArray());
        Assert.Equal(JsonValueKind.String, printed.GetProperty("codesPrintedAt").ValueKind);
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'DOCUMENT_PRINT' AND outcome = 'SUCCEEDED' AND request_id = @id AND detail = 'interop:codici-personali'",
            ("id", id.ToString())));
    }
}
