using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Domain.Common;
using Cms.Infrastructure.DemoData;
using Cms.Integration.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Cms.Integration.Tests;

/// <summary>
/// Holders born abroad (decision 0037): the card feed's <c>holder.birthCountry</c>, stored, shown, and printed on the forms — the fed
/// state, else ITALIA for an Italian place code in the codice fiscale, else nothing.
/// </summary>
public class StateOfBirthTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Italian = "80380000900000037001", Romanian = "80380000900000037002", Unknown = "80380000900000037003",
        Stated = "80380000900000037004";

    /// <summary>A holder born in Bucharest: a Z129 place code; the feed names the state or not.</summary>
    private static CardFeedLine BornAbroad(string number, string? birthCountry, DateOnly? birth = null, string givenName = "IOANA")
    {
        var birthDate = birth ?? new DateOnly(1984, 6, 3);
        var line = Card(number, codiceFiscale: CodiceFiscale.Compute("POPESCU", givenName, birthDate, 'F', "Z129"), birth: birthDate,
            surname: "POPESCU", givenName: givenName);
        var h = line.Holder!;
        h.Sex = "F";
        h.BirthPlace = "BUCAREST";
        h.BirthProvince = null;
        h.BirthCountry = birthCountry;
        h.Citizenship = "ROMENA";
        return line;
    }

    private async Task<JsonElement> IdentifyAsync(HttpClient client, string number) =>
        (await OkAsync(await client.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = number }))).GetProperty("holder");

    [Fact]
    public async Task The_feed_stores_the_state_of_birth_and_the_identification_states_it_by_the_rule()
    {
        var statedBirth = new DateOnly(1979, 2, 2);
        var stated = Card(Stated, codiceFiscale: CodiceFiscale.Compute("BIANCHI", "LUCA", statedBirth, 'M', "D612"), birth: statedBirth,
            surname: "BIANCHI", givenName: "LUCA");
        stated.Holder!.BirthCountry = "Italia";
        await FeedAsync(Card(Italian), BornAbroad(Romanian, " romania "), BornAbroad(Unknown, null, givenName: "ELENA"), stated);

        // "-" for NULL: nothing stored.
        async Task<string> StoredAsync(string number) => await Factory.ScalarAsync<string>(
            "SELECT coalesce(h.birth_country, '-') FROM identification.holders h JOIN identification.cards c ON c.holder_codice_fiscale = h.codice_fiscale WHERE c.card_number = @n",
            ("n", number));
        Assert.Equal("-", await StoredAsync(Italian));
        Assert.Equal("ROMANIA", await StoredAsync(Romanian));
        Assert.Equal("-", await StoredAsync(Unknown));
        Assert.Equal("ITALIA", await StoredAsync(Stated));

        var (client, _, _) = await ActorAsync("Operator");
        Assert.Equal("ITALIA", (await IdentifyAsync(client, Italian)).GetProperty("birthCountry").GetString());
        Assert.Equal("ROMANIA", (await IdentifyAsync(client, Romanian)).GetProperty("birthCountry").GetString());
        Assert.Equal(JsonValueKind.Null, (await IdentifyAsync(client, Unknown)).GetProperty("birthCountry").ValueKind);
        Assert.Equal("ITALIA", (await IdentifyAsync(client, Stated)).GetProperty("birthCountry").GetString());

        // A newer line that no longer names the state takes it away (the latest line wins, as for every personal datum).
        var renewal = BornAbroad("80380000900000037005", null);
        await FeedAsync(renewal);
        Assert.Equal("-", await StoredAsync(Romanian));
        Assert.Equal(JsonValueKind.Null, (await IdentifyAsync(client, Romanian)).GetProperty("birthCountry").ValueKind);
    }

    [Fact]
    public async Task The_feed_refuses_a_malformed_state_naming_the_line_over_http_and_on_the_command_line()
    {
        var (issuer, _, _) = await ActorAsync("Issuer");
        var lines = new[]
        {
            BornAbroad("80380000900000037011", "ROMANIA"),
            BornAbroad("80380000900000037012", "R0MANIA", givenName: "ELENA"),
            BornAbroad("80380000900000037013", new string('A', 61), givenName: "MARIA"),
            BornAbroad("80380000900000037014", "ROMANIA<script>", givenName: "ANA"),
            BornAbroad("80380000900000037015", "", givenName: "ANDREEA"),
        };
        var result = await OkAsync(await issuer.PostAsync("/api/v1/issuer/card-feed", Ndjson(lines.Select(DemoPopulation.ToNdjsonLine))));
        Assert.Equal(1, result.GetProperty("accepted").GetInt64());
        var rejected = result.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal(new long[] { 2, 3, 4, 5 }, rejected.Select(r => r.GetProperty("line").GetInt64()));
        Assert.All(rejected, r => Assert.StartsWith("holder.birthCountry: ", Assert.Single(r.GetProperty("errors").EnumerateArray()).GetString(),
            StringComparison.Ordinal));
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM identification.holders"));

        var file = Path.Combine(Path.GetTempPath(), $"cms-feed-{Guid.NewGuid():N}.ndjson");
        try
        {
            await File.WriteAllLinesAsync(file, [
                DemoPopulation.ToNdjsonLine(BornAbroad("80380000900000037021", "MAROCCO", givenName: "SALMA")),
                DemoPopulation.ToNdjsonLine(BornAbroad("80380000900000037022", "MAROCCO;", givenName: "NADIA")),
            ]);
            var output = new StringWriter();
            var exit = await Cms.Cli.CliApp.RunAsync(["import-cards", file], output, new StringWriter(), CancellationToken.None,
            [
                new("ConnectionStrings:Cms", Factory.RuntimeConnectionString),
                new("CodeEncryption:ActiveKeyId", "test-1"),
                new("CodeEncryption:Keys:test-1", Factory.CodeKey),
            ]);
            Assert.Equal(3, exit);
            Assert.Contains("line 2: holder.birthCountry", output.ToString());
            Assert.Equal("MAROCCO", await Factory.ScalarAsync<string>(
                "SELECT h.birth_country FROM identification.holders h JOIN identification.cards c ON c.holder_codice_fiscale = h.codice_fiscale WHERE c.card_number = '80380000900000037021'"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_activation_form_prints_the_fed_state_italy_for_an_italian_place_code_and_nothing_for_an_unknown_state_abroad()
    {
        await FeedAsync(Card(Italian), BornAbroad(Romanian, "ROMANIA"), BornAbroad(Unknown, null, givenName: "ELENA"));
        var (client, _, _) = await ActorAsync("Operator");

        Assert.Equal("ITALIA", await PrintedStateAsync(client, Italian));
        Assert.Equal("ROMANIA", await PrintedStateAsync(client, Romanian));
        Assert.Null(await PrintedStateAsync(client, Unknown));
    }

    [Fact]
    public async Task The_substitute_declaration_names_the_state_of_a_minor_born_abroad_when_it_is_known()
    {
        var minor = Today.AddYears(-8);
        await FeedAsync(BornAbroad(Romanian, "ROMANIA", minor), BornAbroad(Unknown, null, minor, givenName: "ELENA"));
        var (client, _, _) = await ActorAsync("Operator");

        var known = await DeclarationTextAsync(client, Romanian);
        Assert.Contains("BUCAREST (ROMANIA)", known);
        Assert.DoesNotContain("ITALIA", known);

        var unknown = await DeclarationTextAsync(client, Unknown);
        Assert.Contains("BUCAREST", unknown);
        Assert.DoesNotContain("ROMANIA", unknown);
        Assert.DoesNotContain("ITALIA", unknown);
    }

    /// <summary>Creates a direct activation and reads the holder's "Stato" on both copies of its request form (null when blank).</summary>
    private static async Task<string?> PrintedStateAsync(HttpClient client, string number)
    {
        var id = (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber = number, mode = "DIRECT", document = IdentityDocument(), delivery = Email(), privacyConsent = true,
        }), HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var bytes = await (await client.GetAsync($"/api/v1/activations/{id}/documents/modulo-richiesta-codici")).Content.ReadAsByteArrayAsync();
        await ActivationTests.QpdfCheckAsync(bytes);
        using var pdf = PdfDocument.Open(bytes);
        var states = pdf.GetPages().Select(page =>
        {
            var words = page.GetWords().Select(w => w.Text).ToList();
            var at = words.IndexOf("Stato:");
            Assert.True(at >= 0, string.Join(" ", words));
            // The next label is "Data di nascita:" on the row below: a blank state leaves nothing in between.
            return words[at + 1] == "Data" ? null : words[at + 1];
        }).ToList();
        Assert.Equal(2, states.Count);
        Assert.Equal(states[0], states[1]);
        return states[0];
    }

    private static async Task<string> DeclarationTextAsync(HttpClient client, string number)
    {
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber = number, mode = "DELEGATED", delegationKind = "PARENTAL",
            @delegate = new { codiceFiscale = "RSSMRA80A01H501U", surname = "Rossi", givenName = "Mario" },
            document = IdentityDocument(), delivery = Email(), privacyConsent = true,
        }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString()!;
        var bytes = await (await client.GetAsync($"/api/v1/activations/{id}/documents/dichiarazione-sostitutiva")).Content.ReadAsByteArrayAsync();
        await ActivationTests.QpdfCheckAsync(bytes);
        using var pdf = PdfDocument.Open(bytes);
        return string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
    }

    private static object IdentityDocument() => new
    {
        type = "CARTA_IDENTITA", number = "CA12345AB", issuedBy = "Comune di Firenze",
        issueDate = Iso(Today.AddYears(-2)), expiryDate = Iso(Today.AddYears(8)),
    };

    private static object Email()
    {
        var address = $"titolare.{Guid.NewGuid():N}@example.it";
        return new { channel = "EMAIL", email = address, emailConfirmation = address };
    }
}
