using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// Issue 10, item 5: the codes survive a rotation of the key that seals them. Cards and a peer secret sealed under the old
/// key; a Cms with a new active key still opens them and seals new cards under the new one; <c>cms reseal</c> moves every
/// sealed value to the new key; a Cms without the old key at all then releases the old cards' codes, right to the digit,
/// and checks the linked region's signatures.
/// </summary>
[Collection(ProcessCollection.Name)]
public class KeyRotationTests(CmsFactoryWithoutJobs factory) : ApiTest(factory)
{
    private const string Early = "80380000900000044001", Late = "80380000900000044002", New = "80380000900000044003";

    private static async Task<(string Pin, string Puk, string Cip)> ActivateAsync(HttpClient client, string number, string address)
    {
        var created = await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", new
        {
            cardNumber = number, mode = "DIRECT",
            document = new { type = "PASSAPORTO", number = "YA4400001", issuedBy = "Questura", issueDate = Iso(Today.AddYears(-1)), expiryDate = Iso(Today.AddYears(5)) },
            delivery = new { channel = "EMAIL", email = address, emailConfirmation = address }, privacyConsent = true,
        }), HttpStatusCode.Created);
        var halves = (await OkAsync(await client.PostAsync($"/api/v1/activations/{created.GetProperty("id").GetString()}/confirm", await client.SignedAsync("activations", created.GetProperty("id").GetString()))))
            .GetProperty("firstHalves");
        return (halves.GetProperty("pin").GetString()!, halves.GetProperty("puk").GetString()!, halves.GetProperty("cip").GetString()!);
    }

    private Task<string[]> KeyIdsAsync(string sql) => Factory.ScalarAsync<string[]>(sql);

    [Fact]
    public async Task Codes_and_peer_secrets_survive_a_key_rotation_and_the_old_key_can_then_be_retired()
    {
        await FeedAsync(Card(Early, pin: "52071", puk: "81920364", cip: "30571948"),
            Card(Late, codiceFiscale: NewCf(), pin: "60348", puk: "27150936", cip: "91460257"));
        var (_, operatorCf, _) = await ActorAsync("Operator");
        var peerSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        SecretLedger.Register("peer secret", peerSecret);
        await OkAsync(await (await AdminAsync()).PutAsJsonAsync("/api/v1/admin/peers/200",
            new { name = "Sardegna", baseUrl = "http://127.0.0.1:9", secret = peerSecret, enabled = true }));
        Assert.Equal(["test-1"], await KeyIdsAsync("SELECT array_agg(DISTINCT codes_key_id) FROM identification.cards"));

        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        SecretLedger.Register("rotated code key", newKey);
        var rotated = new Dictionary<string, string> { ["CodeEncryption__ActiveKeyId"] = "test-2", ["CodeEncryption__Keys__test-2"] = newKey };

        // 1. The new key is active, the old one still in the ring: old seals open, new ones use the new key.
        await using (var both = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, rotated))
        {
            var client = await both.SignInAsync(operatorCf, OperatorPassword);
            Assert.Equal(("52", "8192", "3057"), await ActivateAsync(client, Early, "early@example.it"));
            var (issuerClient, issuerCf, _) = await ActorAsync("Issuer");
            _ = issuerClient;
            var issuer = await both.SignInAsync(issuerCf, OperatorPassword);
            var fed = await issuer.PostAsync("/api/v1/issuer/card-feed",
                Ndjson([Cms.Infrastructure.DemoData.DemoPopulation.ToNdjsonLine(Card(New, codiceFiscale: NewCf(), pin: "11223", puk: "44556677", cip: "88990011"))]));
            Assert.Equal(HttpStatusCode.OK, fed.StatusCode);
            Assert.Equal("test-2", await Factory.ScalarAsync<string>("SELECT codes_key_id FROM identification.cards WHERE card_number = @n", ("n", New)));
        }

        // 2. cms reseal: everything sealed under the old key is sealed again under the new one.
        var output = new StringWriter();
        var exit = await Cms.Cli.CliApp.RunAsync(["reseal"], output, new StringWriter(), CancellationToken.None,
        [
            new("ConnectionStrings:Cms", Factory.RuntimeConnectionString),
            new("CodeEncryption:ActiveKeyId", "test-2"),
            new("CodeEncryption:Keys:test-1", Factory.CodeKey),
            new("CodeEncryption:Keys:test-2", newKey),
        ]);
        Assert.True(exit == 0, output.ToString());
        Assert.Contains("card codes: 2 sealed again, 3 now under key test-2", output.ToString()); // Early and Late; New already was
        Assert.Contains("peer secrets: 1 sealed again", output.ToString());
        Assert.Equal(["test-2"], await KeyIdsAsync("SELECT array_agg(DISTINCT codes_key_id) FROM identification.cards"));
        Assert.Equal(["test-2"], await KeyIdsAsync("SELECT array_agg(DISTINCT secret_key_id) FROM interop.peers"));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages WHERE key_id <> 'test-2'"));
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations WHERE type = 'KEY_ROTATION'"));

        // 3. The old key retired: the codes sealed under it in the beginning are still released right, and the peer still signs.
        rotated["CodeEncryption__Keys__test-1"] = "";
        // The peer was registered with a shared secret only: the deprecated HMAC scheme, still accepted with Interop:LegacyHmac.
        rotated["Interop__LegacyHmac"] = "true";
        await using var only = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, rotated);
        var after = await only.SignInAsync(operatorCf, OperatorPassword);
        Assert.Equal(("60", "2715", "9146"), await ActivateAsync(after, Late, "late@example.it"));
        var mail = await Mailbox.WaitForAsync(Factory, "late@example.it", TimeSpan.FromSeconds(40));
        var body = mail.TextBody + mail.HtmlBody;
        foreach (var second in new[] { "348", "0936", "0257" }) Assert.Contains(second, body);

        var signed = new ContractCaller("peer", [], only.Client, ContractCaller.LegacyPeerSigner("200", peerSecret));
        var inbound = await signed.SendAsync(HttpMethod.Post, "/api/v1/interop/inbound/activations", Encoding.UTF8.GetBytes("{}"), "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, inbound.StatusCode); // authenticated, then refused by validation (not 401)
    }
}
