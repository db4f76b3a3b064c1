using Cms.Domain.Common;
using Cms.Domain.Identification.Contracts;
using System.Net;
using System.Text;
using Cms.Application.Common.Abstractions;
using Cms.Domain.Identification;
using Cms.Infrastructure.DemoData;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Integration.Tests;

public class CardFeedTests(CmsFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task The_feed_loads_holders_cards_and_encrypted_codes_and_reports_bad_lines_by_number()
    {
        var (issuer, _, _) = await ActorAsync("Issuer");
        var good1 = Card("80380000900000000101", pin: "13579", puk: "24681357", cip: "97531864");
        var good2 = Card("80380000900000000102", surname: "VERDI", givenName: "ANNA");
        var badCf = Card("80380000900000000103");
        badCf.Holder!.CodiceFiscale = "RSSMRA80A01H501X";
        var lines = new[]
        {
            DemoPopulation.ToNdjsonLine(good1),
            "{ not json",
            "",
            DemoPopulation.ToNdjsonLine(badCf),
            DemoPopulation.ToNdjsonLine(good2),
        };
        var result = await OkAsync(await issuer.PostAsync("/api/v1/issuer/card-feed", Ndjson(lines)));
        Assert.Equal(2, result.GetProperty("accepted").GetInt64());
        Assert.Equal(2, result.GetProperty("cardsCreated").GetInt64());
        Assert.Equal(2, result.GetProperty("rejectedCount").GetInt64());
        var rejected = result.GetProperty("rejected");
        Assert.Equal(2, rejected[0].GetProperty("line").GetInt64());
        Assert.Equal(4, rejected[1].GetProperty("line").GetInt64());
        Assert.StartsWith("holder.codiceFiscale", rejected[1].GetProperty("errors")[0].GetString());

        Assert.Equal("NOT_ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = '80380000900000000101'"));
        Assert.Equal("test-1", await Factory.ScalarAsync<string>("SELECT codes_key_id FROM identification.cards WHERE card_number = '80380000900000000101'"));
        var ciphertext = await Factory.ScalarAsync<byte[]>("SELECT codes_ciphertext FROM identification.cards WHERE card_number = '80380000900000000101'");
        var raw = Encoding.ASCII.GetString(ciphertext);
        Assert.DoesNotContain("13579", raw);
        Assert.DoesNotContain("24681357", raw);
        Assert.DoesNotContain("97531864", raw);
        // Nowhere else in the database either.
        var dump = await Factory.ScalarAsync<string>("""
            SELECT coalesce(string_agg(t::text, '|'), '') FROM (
              SELECT h::text AS t FROM identification.holders h UNION ALL SELECT c::text FROM identification.cards c
              UNION ALL SELECT o::text FROM audit.operations o) x
            """);
        Assert.DoesNotContain("13579", dump);
        Assert.DoesNotContain("97531864", dump);

        using var scope = Factory.Services.CreateScope();
        var cipher = scope.ServiceProvider.GetRequiredService<ICodeCipher>();
        Assert.Equal(new CardCodes("13579", "24681357", "97531864"), cipher.Open("80380000900000000101", new EncryptedCodes("test-1", ciphertext)));
        Assert.Equal(1, await OperationsAsync("CARD_FEED", "SUCCEEDED"));
        // The pool does not reset connections (decision 0061): the import drops its staging tables, with the holders they held,
        // itself — no session of the database keeps one afterwards.
        Assert.Equal(0L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM pg_class WHERE relpersistence = 't' AND relname LIKE 'feed\\_%'"));
    }

    [Fact]
    public async Task Sending_the_same_feed_again_changes_nothing()
    {
        var cards = Enumerable.Range(1, 50).Select(i => Card($"803800009000000{i:D5}", household: "NF1")).ToArray();
        var first = await FeedAsync(cards);
        Assert.Equal(50, first.GetProperty("cardsCreated").GetInt64());
        await SetStateAsync("80380000900000000001", "ACTIVE");

        var second = await FeedAsync(cards);
        Assert.Equal(50, second.GetProperty("accepted").GetInt64());
        Assert.Equal(0, second.GetProperty("cardsCreated").GetInt64());
        Assert.Equal(50, second.GetProperty("cardsAlreadyPresent").GetInt64());
        Assert.Equal(50L, await Factory.ScalarAsync<long>("SELECT count(*) FROM identification.cards"));
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM identification.holders"));
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = '80380000900000000001'"));
    }

    [Fact]
    public async Task A_newer_feed_updates_the_holders_personal_data()
    {
        var card = Card("80380000900000000201");
        await FeedAsync(card);
        card.Holder!.Residence!.Address = "VIA NUOVA 2";
        var renewal = Card("80380000900000000202", codiceFiscale: card.Holder.CodiceFiscale);
        renewal.Holder!.Residence!.Address = "VIA NUOVA 2";
        await FeedAsync(renewal);
        Assert.Equal("VIA NUOVA 2", await Factory.ScalarAsync<string>("SELECT residence_address FROM identification.holders WHERE codice_fiscale = @cf", ("cf", card.Holder.CodiceFiscale!)));
        Assert.Equal(2L, await Factory.ScalarAsync<long>("SELECT count(*) FROM identification.cards WHERE holder_codice_fiscale = @cf", ("cf", card.Holder.CodiceFiscale!)));
    }

    [Fact]
    public async Task Only_the_issuer_may_feed_cards()
    {
        var (operatorClient, _, _) = await ActorAsync("Operator");
        var response = await operatorClient.PostAsync("/api/v1/issuer/card-feed", Ndjson([DemoPopulation.ToNdjsonLine(Card("80380000900000000301"))]));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM identification.cards"));
    }

    [Fact]
    public async Task The_command_line_import_loads_a_large_file_with_the_same_rules()
    {
        var file = Path.Combine(Path.GetTempPath(), $"cms-feed-{Guid.NewGuid():N}.ndjson");
        try
        {
            await using (var stream = File.Create(file))
            {
                await DemoPopulation.WriteNdjsonAsync(new DemoPopulation(seed: 99).Cards(25_000, Today), stream, CancellationToken.None);
                await stream.WriteAsync("{\"cardNumber\":\"123\"}\n"u8.ToArray());
            }
            var output = new StringWriter();
            var exit = await Cms.Cli.CliApp.RunAsync(["import-cards", file], output, new StringWriter(), CancellationToken.None,
            [
                new("ConnectionStrings:Cms", Factory.RuntimeConnectionString),
                new("CodeEncryption:ActiveKeyId", "test-1"),
                new("CodeEncryption:Keys:test-1", Factory.CodeKey),
            ]);
            Assert.Equal(3, exit); // some lines were rejected
            Assert.Contains("accepted 27500, created 27500", output.ToString());
            Assert.Contains("line 27501: cardNumber", output.ToString());
            Assert.Equal(27_500L, await Factory.ScalarAsync<long>("SELECT count(*) FROM identification.cards"));
            Assert.Equal(25_000L, await Factory.ScalarAsync<long>("SELECT count(*) FROM identification.holders"));
            Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations WHERE type = 'CARD_FEED' AND detail LIKE 'cli %'"));

            // The cards it loaded are usable through the API: identify one with its chip data.
            var (client, _, _) = await ActorAsync("Operator");
            var number = await Factory.ScalarAsync<string>("SELECT card_number FROM identification.cards ORDER BY card_number LIMIT 1");
            var view = await OkAsync(await client.PostAsync("/api/v1/cards/identify",
                System.Net.Http.Json.JsonContent.Create(new { cardNumber = number })));
            Assert.Equal(number, view.GetProperty("cardNumber").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_certificates_merge_finds_each_card_by_its_primary_key()
    {
        // At 10,000,000 cards (bench/run.sh cards-at-scale) the merge compared the registry's character(20) with the staging table's
        // text, so PostgreSQL cast the registry's side and scanned every card for each batch naming a certificate. With sequential
        // scans priced out, the plan must still reach the cards through their primary key.
        await using var connection = new Npgsql.NpgsqlConnection(Factory.RuntimeConnectionString);
        await connection.OpenAsync();
        var plan = new StringBuilder();
        try
        {
            await using (var staging = new Npgsql.NpgsqlCommand(
                "SET enable_seqscan = off; " + Cms.Infrastructure.Identification.CardFeedImporter.StagingSql, connection))
                await staging.ExecuteNonQueryAsync();
            await using var explain = new Npgsql.NpgsqlCommand("EXPLAIN " + Cms.Infrastructure.Identification.CardFeedImporter.MergeCertificatesSql, connection);
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync()) plan.AppendLine(reader.GetString(0));
        }
        finally
        {
            await using var drop = new Npgsql.NpgsqlCommand(
                "DROP TABLE IF EXISTS feed_holders, feed_cards, feed_consents, feed_readers, feed_operations; RESET enable_seqscan", connection);
            await drop.ExecuteNonQueryAsync();
        }
        Assert.DoesNotContain("Seq Scan on cards", plan.ToString());
        // The registry's column is compared as it is (the staging side cast to it), so its key can find each card: on a registry of
        // millions the planner then probes pk_cards per staged card (on this small database it may as well hash the whole index).
        Assert.DoesNotContain("(c.card_number)::", plan.ToString());
        Assert.Contains("pk_cards", plan.ToString());
    }

    /// <summary>
    /// A line may name the card's certificate (serial and issuer, decision 0032): both or neither, checked, stored normalised; a
    /// later line naming another certificate replaces it, a line naming none leaves it.
    /// </summary>
    [Fact]
    public async Task The_feed_may_carry_each_cards_certificate_serial_and_issuer()
    {
        var (issuer, _, _) = await ActorAsync("Issuer");
        const string Named = "80380000900000000201", Plain = "80380000900000000202";
        var named = Card(Named);
        named.CertificateSerial = "00:0a:1B:2c";
        named.CertificateIssuer = "CN=Test CNS CA, O=Cms tests, C=IT";
        var noIssuer = Card("80380000900000000203");
        noIssuer.CertificateSerial = "0A1B";
        var badSerial = Card("80380000900000000204");
        badSerial.CertificateSerial = "XYZ";
        badSerial.CertificateIssuer = "CN=Test CNS CA, C=IT";
        var badIssuer = Card("80380000900000000205");
        badIssuer.CertificateSerial = "0A1B";
        badIssuer.CertificateIssuer = "not a name";
        var result = await OkAsync(await issuer.PostAsync("/api/v1/issuer/card-feed",
            Ndjson(new[] { named, Card(Plain), noIssuer, badSerial, badIssuer }.Select(DemoPopulation.ToNdjsonLine))));
        Assert.Equal(2, result.GetProperty("accepted").GetInt64());
        var errors = result.GetProperty("rejected").EnumerateArray().Select(r => string.Join(" ", r.GetProperty("errors").EnumerateArray().Select(e => e.GetString())))
            .ToList();
        Assert.Equal(3, errors.Count);
        Assert.StartsWith("certificateSerial, certificateIssuer", errors[0]);
        Assert.StartsWith("certificateSerial:", errors[1]);
        Assert.StartsWith("certificateIssuer:", errors[2]);

        async Task<string> CertificateAsync(string number) => await Factory.ScalarAsync<string>(
            "SELECT coalesce(certificate_serial, '-') || ' ' || coalesce(certificate_issuer, '-') FROM identification.cards WHERE card_number = @n", ("n", number));
        Assert.Equal("A1B2C CN=Test CNS CA, O=Cms tests, C=IT", await CertificateAsync(Named));
        Assert.Equal("- -", await CertificateAsync(Plain));

        // The card got a new certificate; the plain one gets its first; a line without certificate data changes nothing.
        named.CertificateSerial = "7F01";
        var plain = Card(Plain);
        plain.CertificateSerial = "01";
        plain.CertificateIssuer = "cn=Test CNS CA,o=Cms tests,c=IT";
        await OkAsync(await issuer.PostAsync("/api/v1/issuer/card-feed", Ndjson(new[] { named, plain }.Select(DemoPopulation.ToNdjsonLine))));
        Assert.Equal("7F01 CN=Test CNS CA, O=Cms tests, C=IT", await CertificateAsync(Named));
        Assert.Equal("1 CN=Test CNS CA, O=Cms tests, C=IT", await CertificateAsync(Plain));
        await OkAsync(await issuer.PostAsync("/api/v1/issuer/card-feed", Ndjson([DemoPopulation.ToNdjsonLine(Card(Named))])));
        Assert.Equal("7F01 CN=Test CNS CA, O=Cms tests, C=IT", await CertificateAsync(Named));
    }
}
