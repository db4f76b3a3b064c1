using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cms.Application.Common.Options;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Domain.Common;
using Cms.Infrastructure.DemoData;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>Base of the API tests: a clean database before each test, and the usual actors.</summary>
[Collection(ApiCollection.Name)]
public abstract class ApiTest(CmsFactory factory) : IAsyncLifetime
{
    public const string OperatorPassword = "Operator-Test-Pwd-1";
    /// <summary>The UTC day now (report periods are UTC days), read at each use: a run that crosses midnight must not ask for yesterday.</summary>
    protected static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);
    private static int sequence;

    protected CmsFactory Factory { get; } = factory;

    public virtual Task InitializeAsync() => Factory.ResetAsync();
    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected HttpClient Anonymous() => Factory.CreateClient();

    protected async Task<HttpClient> SignInAsync(string codiceFiscale, string password)
    {
        var client = Factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale, password });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"sign-in of {codiceFiscale}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
        return client;
    }

    protected Task<HttpClient> AdminAsync() => SignInAsync(CmsFactory.AdminCf, CmsFactory.AdminPassword);

    protected static string NewCf(char sex = 'M', DateOnly? birth = null)
    {
        var n = Interlocked.Increment(ref sequence);
        var surname = "Test" + (char)('A' + n % 26) + (char)('A' + n / 26 % 26) + (char)('A' + n / 676 % 26);
        return CodiceFiscale.Compute(surname, "Operatore", birth ?? new DateOnly(1980, 1, 1).AddDays(n % 9000), sex, "D612");
    }

    protected async Task EnsureCounterAsync(HttpClient admin, string code, string type)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/admin/counters", new { code, name = "Sportello " + code, type, region = code[..3] });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Creates an operator with the given roles (at a counter of the given type) and signs them in.</summary>
    protected async Task<(HttpClient Client, string CodiceFiscale, string Id)> ActorAsync(string role, string counterType = "ASL", string? counterCode = null)
    {
        var admin = await AdminAsync();
        string? counter = null;
        if (role == "Operator")
        {
            counter = counterCode ?? counterType switch
            {
                "PHARMACY" => "090-201-FA001",
                "HOSPITAL" => "090-201-OS001",
                _ => "090-201-AS001",
            };
            await EnsureCounterAsync(admin, counter, counterType);
        }
        var cf = NewCf();
        var created = await admin.PostAsJsonAsync("/api/v1/admin/operators", new
        {
            codiceFiscale = cf, givenName = "Test", surname = role, counterCode = counter, roles = new[] { role },
            password = OperatorPassword, enabledForCms = true,
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        return (await SignInAsync(cf, OperatorPassword), cf, id);
    }

    /// <summary>
    /// One caller of each kind the contract knows: nobody; an operator at an ASL, a hospital, a municipality, a regional office
    /// and a pharmacy (an <c>InteropOperator</c> when the region's policy lets the counter's type work in interoperability); a security administrator; an auditor; the issuer; a call-centre operator (no counter); a citizen with their card's certificate (through the
    /// TLS proxy's header); a linked region (<paramref name="peerRegion"/>) signing each request. <c>Is</c> holds the names of
    /// <see cref="AuthorizationMatrixTests.Rules"/> each one meets.
    /// </summary>
    protected async Task<IReadOnlyList<ContractCaller>> ContractCallersAsync(string peerRegion = "200")
    {
        const string Operator = "Operator", Interop = "InteropOperator", Authenticated = "authenticated";
        var callers = new List<ContractCaller> { new("nobody", [], Factory.CreateClient()) };
        // Which counters work in interoperability is the region's policy as the host holds it now (decision 0038).
        var interop = Factory.Services.GetRequiredService<IOptions<CmsOptions>>().Value.Interop.Policy();
        foreach (var (type, code) in new[] { ("ASL", "090-201-AS001"), ("HOSPITAL", "090-201-OS001"), ("MUNICIPALITY", "090-201-CM001"),
                     ("REGIONAL_OFFICE", "090-000-RT001"), ("PHARMACY", "090-201-FA001") })
        {
            var (client, _, _) = await ActorAsync(Operator, type, code);
            Assert.True(CounterTypeNames.TryParse(type, out var counterType));
            callers.Add(new ContractCaller($"Operator@{type}", interop.Allows(counterType) ? [Operator, Interop, Authenticated] : [Operator, Authenticated], client));
        }
        foreach (var role in new[] { "SecurityAdministrator", "Auditor", "Issuer", "CallCentre" })
            callers.Add(new ContractCaller(role, [role, Authenticated], (await ActorAsync(role)).Client));

        var tls = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        using (var certificate = Factory.Certificates.SmartCard("RSSMRA80A01H501U"))
            tls.DefaultRequestHeaders.Add(CmsFactory.ClientCertificateHeader, TestCertificates.HeaderValue(certificate));
        callers.Add(new ContractCaller("Citizen", ["CertificateHolder"], tls));

        var registered = await (await AdminAsync()).PutAsJsonAsync($"/api/v1/admin/peers/{peerRegion}",
            RegionPki.For(peerRegion).Registration("Regione " + peerRegion, "http://127.0.0.1:9"));
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        callers.Add(new ContractCaller("PeerRegion", ["PeerRegion"], Factory.CreateClient(), ContractCaller.PeerSigner(peerRegion)));
        return callers;
    }

    protected static CardFeedLine Card(string cardNumber, string? codiceFiscale = null, DateOnly? expiry = null, DateOnly? birth = null,
        string pin = "12345", string puk = "12345678", string cip = "87654321", string surname = "ROSSI", string givenName = "MARIO",
        string? household = null, string? healthAuthority = "201")
    {
        var birthDate = birth ?? new DateOnly(1980, 1, 1);
        return new CardFeedLine
        {
            CardNumber = cardNumber, ExpiryDate = Iso(expiry ?? Today.AddYears(5)), IssuerRegion = CardNumber.RegionCode(cardNumber),
            Holder = new CardFeedHolder
            {
                CodiceFiscale = codiceFiscale ?? CodiceFiscale.Compute(surname, givenName, birthDate, 'M', "D612"),
                Surname = surname, GivenName = givenName, Sex = "M", BirthDate = Iso(birthDate), BirthPlace = "FIRENZE",
                BirthProvince = "FI", Citizenship = "ITALIANA",
                Residence = new CardFeedResidence { Address = "VIA ROMA 1", Postcode = "50122", Municipality = "FIRENZE", Province = "FI" },
                HouseholdId = household, Entitled = true, HealthAuthority = healthAuthority, // the default test counter's (090-201-…)
            },
            Codes = new CardFeedCodes { Pin = pin, Puk = puk, Cip = cip },
        };
    }

    /// <summary>
    /// A printed text without its request ids: a GUID may hold any run of digits, so a search for a code half that must
    /// not be printed looks at the rest.
    /// </summary>
    protected static string WithoutIds(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}", "");

    protected static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    protected static StringContent Ndjson(IEnumerable<string> lines) =>
        new(string.Join("\n", lines) + "\n", Encoding.UTF8, "application/x-ndjson");

    protected async Task<JsonElement> FeedAsync(params CardFeedLine[] cards)
    {
        foreach (var card in cards)
        {
            SecretLedger.Register("PUK of a fed card", card.Codes?.Puk);
            SecretLedger.Register("CIP of a fed card", card.Codes?.Cip);
        }
        var (issuer, _, _) = await ActorAsync("Issuer");
        var response = await issuer.PostAsync("/api/v1/issuer/card-feed", Ndjson(cards.Select(DemoPopulation.ToNdjsonLine)));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Sends a JSON body (or none) with an <c>Idempotency-Key</c>.</summary>
    protected static async Task<HttpResponseMessage> SendWithKeyAsync(HttpClient client, HttpMethod method, string path, object? body, string key)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    protected static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? rule = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        if (rule is not null) Assert.Equal("urn:cms:problem:" + rule, body.GetProperty("type").GetString());
        return body;
    }

    protected static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    protected Task SetStateAsync(string cardNumber, string state) =>
        Factory.ExecuteAsync("UPDATE identification.cards SET state = @s WHERE card_number = @n", ("s", state), ("n", cardNumber));

    protected Task<long> OperationsAsync(string type, string outcome, string? cardNumber = null) =>
        Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = @t AND outcome = @o AND (@c = '' OR card_number = @c)",
            ("t", type), ("o", outcome), ("c", cardNumber ?? ""));
}
