using System.Net;
using System.Net.Http.Json;
using System.Text;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

public class ReportTests(CmsFactory factory) : ApiTest(factory)
{
    private static async Task ActivateAsync(HttpClient client, string cardNumber)
    {
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber, mode = "DIRECT", document = RevocationTests.Document(), privacyConsent = true,
            // Each holder their own address: one address for holders of different households is refused (decision 0034).
            delivery = new { channel = "EMAIL", email = $"report.{cardNumber[^5..]}@example.it", emailConfirmation = $"report.{cardNumber[^5..]}@example.it" },
        }), HttpStatusCode.Created);
        await OkAsync(await client.PostAsync($"/api/v1/activations/{created.GetProperty("id").GetString()}/confirm", await client.SignedAsync("activations", created.GetProperty("id").GetString())));
    }

    [Fact]
    public async Task An_operator_reports_their_own_operations_as_json_csv_and_pdf_and_counts_their_activations()
    {
        await FeedAsync(Card("80380000900000033001", surname: "BIANCHI", givenName: "ANNA"), Card("80380000900000033002", surname: "VERDI", givenName: "LUCA"),
            Card("80380000900000033003", surname: "NERI", givenName: "SARA"));
        var (me, cf, _) = await ActorAsync("Operator");
        var (colleague, _, _) = await ActorAsync("Operator");
        await ActivateAsync(me, "80380000900000033001");
        await ActivateAsync(me, "80380000900000033002");
        await ActivateAsync(colleague, "80380000900000033003");
        var cancelled = await OkAsync(await me.PostAsJsonAsync("/api/v1/reprints", new
        {
            cardNumber = "80380000900000033001", mode = "DIRECT", reason = "DIMENTICANZA", document = RevocationTests.Document(), privacyConsent = true,
            delivery = new { channel = "EMAIL", email = "report@example.it", emailConfirmation = "report@example.it" },
        }), HttpStatusCode.Created);
        await OkAsync(await me.PostAsync($"/api/v1/reprints/{cancelled.GetProperty("id").GetString()}/cancel", null));

        var today = Iso(Today);
        var report = await OkAsync(await me.GetAsync($"/api/v1/reports/my-operations?from={today}&to={today}"));
        Assert.Equal(cf, report.GetProperty("operator").GetProperty("codiceFiscale").GetString());
        Assert.Equal(2, report.GetProperty("count").GetInt32()); // the colleague's and the cancelled reprint are not there
        var rows = report.GetProperty("operations").EnumerateArray().ToList();
        Assert.All(rows, r => Assert.Equal("ATTIVAZIONE", r.GetProperty("activity").GetString()));
        Assert.Equal("BIANCHI ANNA", rows[0].GetProperty("holder").GetString());
        Assert.Equal(16, rows[0].GetProperty("holderCodiceFiscale").GetString()!.Length);

        var csv = await me.GetAsync($"/api/v1/reports/my-operations?from={today}&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Operatore;", lines[0]);
        Assert.StartsWith("Periodo;" + today + ";", lines[1]);
        Assert.Equal("Assistito;Codice fiscale;Attività;Data e ora (UTC);Tessera;Richiesta", lines[3]);
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("BIANCHI ANNA;", lines[4]);

        var pdf = await RevocationTests.PdfTextAsync(await me.GetAsync("/api/v1/reports/my-operations?format=pdf"));
        Assert.Contains("REPORT DELLE OPERAZIONI DELL'OPERATORE", pdf);
        Assert.Contains("VERDI LUCA", pdf);
        Assert.Contains("Data di generazione", pdf);
        Assert.DoesNotContain("NERI", pdf);

        var stats = await OkAsync(await me.GetAsync("/api/v1/statistics/my-activations"));
        Assert.Equal(2, stats.GetProperty("activatedCards").GetInt32());
        var past = await OkAsync(await me.GetAsync($"/api/v1/statistics/my-activations?from=2020-01-01&to={Iso(Today.AddDays(-1))}"));
        Assert.Equal(0, past.GetProperty("activatedCards").GetInt32());
        Assert.Equal(0, (await OkAsync(await me.GetAsync($"/api/v1/reports/my-operations?from={Iso(Today.AddDays(1))}"))).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Bad_periods_and_formats_are_refused_and_reports_are_for_operators()
    {
        var (me, _, _) = await ActorAsync("Operator");
        await ProblemAsync(await me.GetAsync("/api/v1/reports/my-operations?from=2026-02-01&to=2026-01-01"), HttpStatusCode.UnprocessableEntity, "period-reversed");
        await ProblemAsync(await me.GetAsync("/api/v1/reports/my-operations?from=01/02/2026"), HttpStatusCode.BadRequest, "validation");
        await ProblemAsync(await me.GetAsync("/api/v1/reports/my-operations?format=xlsx"), HttpStatusCode.BadRequest, "validation");
        var (auditor, _, _) = await ActorAsync("Auditor");
        await ProblemAsync(await auditor.GetAsync("/api/v1/reports/my-operations"), HttpStatusCode.Forbidden);
        await ProblemAsync(await auditor.GetAsync("/api/v1/statistics/my-activations"), HttpStatusCode.Forbidden);
    }
}
