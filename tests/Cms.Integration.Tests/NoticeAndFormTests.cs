using System.Net;
using System.Net.Http.Json;
using Cms.Integration.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Cms.Integration.Tests;

public class NoticeAndFormTests(CmsFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task Administrators_publish_notices_that_operators_see_at_sign_in_until_withdrawn_or_expired()
    {
        var admin = await AdminAsync();
        var published = await OkAsync(await admin.PostAsJsonAsync("/api/v1/notices",
            new { title = "Manutenzione", body = "Il servizio sarà sospeso sabato dalle 20 alle 22." }), HttpStatusCode.Created);
        await OkAsync(await admin.PostAsJsonAsync("/api/v1/notices",
            new { title = "Futuro", body = "Non ancora visibile", visibleFrom = DateTimeOffset.UtcNow.AddDays(2) }), HttpStatusCode.Created);

        var (operatorClient, cf, _) = await ActorAsync("Operator");
        var visible = await OkAsync(await operatorClient.GetAsync("/api/v1/notices"));
        Assert.Equal(["Manutenzione"], visible.EnumerateArray().Select(n => n.GetProperty("title").GetString()!).ToArray());
        var signIn = await OkAsync(await Anonymous().PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = cf, password = OperatorPassword }));
        Assert.Equal("Manutenzione", signIn.GetProperty("notices")[0].GetProperty("title").GetString());

        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.PostAsJsonAsync("/api/v1/notices", new { title = "x", body = "y" })).StatusCode);
        await OkAsync(await admin.PostAsync($"/api/v1/notices/{published.GetProperty("id").GetString()}/withdraw", null));
        Assert.Equal(0, (await OkAsync(await operatorClient.GetAsync("/api/v1/notices"))).GetArrayLength());
        Assert.Equal(2, (await OkAsync(await admin.GetAsync("/api/v1/notices?all=true"))).GetArrayLength());

        await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/notices", new { title = "", body = "" }), HttpStatusCode.BadRequest, "validation");
        await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/notices", new { title = "t", body = "b", visibleUntil = DateTimeOffset.UtcNow.AddDays(-1) }),
            HttpStatusCode.UnprocessableEntity, "notice-already-expired");
        await ProblemAsync(await admin.PostAsync($"/api/v1/notices/{Guid.NewGuid()}/withdraw", null), HttpStatusCode.NotFound, "notice-not-found");
        Assert.Equal(3, await OperationsAsync("NOTICE_MANAGEMENT", "SUCCEEDED"));
    }

    [Theory]
    [InlineData("dichiarazione-sostitutiva", "DICHIARAZIONE SOSTITUTIVA DI CERTIFICAZIONE", "445/2000")]
    [InlineData("modello-delega", "MODELLO DI DELEGA TS-CNS", "DELEGA")]
    [InlineData("informativa-privacy", "INFORMATIVA SUL TRATTAMENTO DEI DATI PERSONALI", "2016/679")]
    public async Task Blank_forms_are_pdfs_in_italian_with_counter_date_and_time(string name, string title, string marker)
    {
        var (client, _, _) = await ActorAsync("Operator");
        var list = await OkAsync(await client.GetAsync("/api/v1/forms"));
        Assert.Contains(list.EnumerateArray(), f => f.GetProperty("name").GetString() == name);
        var response = await client.GetAsync($"/api/v1/forms/{name}");
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        using (var pdf = PdfDocument.Open(bytes))
        {
            var text = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
            foreach (var word in title.Split(' ')) Assert.Contains(word, text);
            Assert.Contains(marker, text);
            Assert.Contains("090-201-AS001", text);
            Assert.Contains(DateTime.UtcNow.ToString("yyyy", System.Globalization.CultureInfo.InvariantCulture), text);
            Assert.Contains("Toscana", text);
        }
        await ActivationTests.QpdfCheckAsync(bytes);
        await ProblemAsync(await client.GetAsync("/api/v1/forms/modulo-inesistente"), HttpStatusCode.NotFound, "form-not-found");
    }
}
