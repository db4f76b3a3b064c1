using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Domain.Common;
using Cms.Infrastructure.DemoData;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// The migration import (decision 0039): a region moving onto Cms loads its live cards with their state, activation, consents, reader
/// deliveries and past operations, through <c>POST /api/v1/issuer/card-feed?migration=true</c> or <c>cms import-cards --migration</c>.
/// </summary>
public class MigrationImportTests(CmsFactory factory) : ApiTest(factory)
{
    private const string ActiveCard = "80380000900000088001";
    private const string SuspendedCard = "80380000900000088002";
    private const string RevokedCard = "80380000900000088003";
    private const string FedCard = "80380000900000088004";
    private const string HandledCard = "80380000900000088005";
    private const string Cip = "55667788";

    private static readonly DateTimeOffset Activated = new(2023, 4, 12, 9, 30, 0, TimeSpan.Zero);

    /// <summary>A feed line (<see cref="ApiTest.Card"/>) with the migration's fields added.</summary>
    private static string Line(CardFeedLine card, string state, string? activationMode = "DIRECT", bool codes = true, object? extra = null)
    {
        var node = JsonNode.Parse(DemoPopulation.ToNdjsonLine(card))!.AsObject();
        if (!codes) node.Remove("codes");
        node["state"] = state;
        if (activationMode is not null)
        {
            node["activatedAt"] = "2023-04-12T09:30:00Z";
            node["activationMode"] = activationMode;
        }
        if (extra is not null)
            foreach (var (name, value) in JsonSerializer.SerializeToNode(extra, JsonSerializerOptions.Web)!.AsObject())
                node[name] = value?.DeepClone();
        return node.ToJsonString();
    }

    private static object History => new
    {
        consents = new[]
        {
            new { recordedAt = "2023-04-12T09:40:00Z", model = "CURRENT", informationNoticeSeen = true, consultationConsent = true,
                notificationEmail = "avvisi@example.it", pastData = "RECOVER_WITH_OBSCURING", counterCode = "090-201-OLD01" },
        },
        readerDeliveries = new[] { new { deliveredAt = "2023-05-02", readerSerial = "RD-0001", counterCode = "090-201-OLD01" } },
        operations = new object[]
        {
            new { type = "ACTIVATION", occurredAt = "2023-04-12T09:30:00Z", counterCode = "090-201-OLD01", operatorCodiceFiscale = "RSSMRA80A01H501U", detail = "pratica 4711" },
            new { type = "REPRINT", occurredAt = "2024-01-15T11:00:00+01:00", counterCode = "090-201-OLD02" },
        },
    };

    private async Task<JsonElement> MigrateAsync(HttpClient issuer, IEnumerable<string> lines) =>
        await OkAsync(await issuer.PostAsync("/api/v1/issuer/card-feed?migration=true", Ndjson(lines)));

    private static string Utc(string column) => $"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')";

    private Task<string> StateAsync(string number) =>
        Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number));

    private async Task<string> CountsAsync() => await Factory.ScalarAsync<string>("""
        SELECT (SELECT count(*) FROM identification.cards) || ' ' || (SELECT count(*) FROM consents.versions) || ' ' ||
               (SELECT count(*) FROM readers.deliveries) || ' ' || (SELECT count(*) FROM audit.operations WHERE detail LIKE 'imported%')
        """);

    [Fact]
    public async Task Active_suspended_and_revoked_cards_come_with_consents_readers_and_operations_and_a_rerun_changes_nothing()
    {
        var (issuer, _, _) = await ActorAsync("Issuer");
        var (operatorClient, _, _) = await ActorAsync("Operator");
        await FeedAsync(Card(FedCard, surname: "NERI"), Card(HandledCard, surname: "GIALLI"));
        await SetStateAsync(HandledCard, "ACTIVE"); // activated in Cms since: Cms's state from now on

        var lines = new[]
        {
            Line(Card(ActiveCard, cip: Cip), "ACTIVE", extra: History),
            Line(Card(SuspendedCard, surname: "BIANCHI"), "SUSPENDED", "DELEGATED", codes: false),
            Line(Card(RevokedCard, surname: "VERDI"), "REVOKED", extra: new { revokedAt = "2024-02-01T08:00:00Z" }),
            Line(Card(FedCard, surname: "NERI"), "ACTIVE", "HEALTH_DELEGATION"),
        };
        var result = await MigrateAsync(issuer, lines);
        Assert.Equal(4, result.GetProperty("accepted").GetInt64());
        Assert.Equal(3, result.GetProperty("cardsCreated").GetInt64());
        Assert.Equal(0, result.GetProperty("rejectedCount").GetInt64());

        Assert.Equal("ACTIVE DIRECT 2023-04-12 09:30 true", await Factory.ScalarAsync<string>(
            "SELECT state || ' ' || activation_mode || ' ' || " + Utc("activated_at") + " || ' ' || (codes_key_id IS NOT NULL)::text FROM identification.cards WHERE card_number = @n",
            ("n", ActiveCard)));
        Assert.Equal("SUSPENDED DELEGATED false", await Factory.ScalarAsync<string>(
            "SELECT state || ' ' || activation_mode || ' ' || (codes_key_id IS NOT NULL)::text FROM identification.cards WHERE card_number = @n", ("n", SuspendedCard)));
        Assert.Equal("REVOKED 2024-02-01 08:00", await Factory.ScalarAsync<string>(
            "SELECT state || ' ' || " + Utc("revoked_at") + " FROM identification.cards WHERE card_number = @n", ("n", RevokedCard)));
        // A card the plain feed had loaded NOT_ACTIVE takes its real state.
        Assert.Equal("ACTIVE", await StateAsync(FedCard));

        // Consents and readers in their modules, without an operator of Cms; the readers count for the one-per-household rule.
        Assert.Equal("1 CURRENT true RECOVER_WITH_OBSCURING 090-201-OLD01 00000000-0000-0000-0000-000000000000", await Factory.ScalarAsync<string>("""
            SELECT number || ' ' || model || ' ' || consultation_consent::text || ' ' || past_data || ' ' || counter_code || ' ' || operator_id
            FROM consents.versions WHERE card_number = @n
            """, ("n", ActiveCard)));
        var consents = await OkAsync(await operatorClient.GetAsync($"/api/v1/cards/{ActiveCard}/consents"));
        Assert.True(consents.GetProperty("current").GetProperty("consents").GetProperty("consultationConsent").GetBoolean());
        Assert.Equal("COMPLETED RD-0001 2023-05-02 00:00", await Factory.ScalarAsync<string>(
            "SELECT status || ' ' || reader_serial || ' ' || " + Utc("completed_at") + " FROM readers.deliveries WHERE card_number = @n", ("n", ActiveCard)));

        // The past operations: in the card's history (read, as at a counter, for the person identified), marked as imported, in date
        // order; in the trail, which still verifies.
        await OkAsync(await operatorClient.PostAsJsonAsync("/api/v1/cards/identify", new { cardNumber = ActiveCard }));
        var history = await OkAsync(await operatorClient.GetAsync($"/api/v1/cards/{ActiveCard}/history"));
        var imported = history.GetProperty("operations").EnumerateArray().Where(o => o.GetProperty("imported").GetBoolean()).ToList();
        Assert.Equal(["REPRINT", "ACTIVATION"], imported.Select(o => o.GetProperty("type").GetString()!).ToArray());
        Assert.Equal(Activated, imported[1].GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal("RSSMRA80A01H501U", imported[1].GetProperty("operatorCodiceFiscale").GetString());
        Assert.Equal(new DateTimeOffset(2024, 1, 15, 10, 0, 0, TimeSpan.Zero), imported[0].GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal("imported pratica 4711", await Factory.ScalarAsync<string>(
            "SELECT detail FROM audit.operations WHERE card_number = @n AND type = 'ACTIVATION'", ("n", ActiveCard)));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT coalesce(sum(operations), 0) FROM audit.counter_day_counts WHERE counter_code LIKE '090-201-OLD%'"));
        await Factory.ChainAuditTrailAsync();
        var (auditor, _, _) = await ActorAsync("Auditor");
        var integrity = await OkAsync(await auditor.GetAsync("/api/v1/audit/integrity"));
        Assert.True(integrity.GetProperty("intact").GetBoolean(), integrity.GetRawText());
        Assert.Equal(0L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations o WHERE detail LIKE 'imported%' AND NOT EXISTS (SELECT FROM audit.chain_links l WHERE l.sequence = o.sequence)"));

        // The same file again: nothing added, nothing changed.
        var before = await CountsAsync();
        Assert.Equal("5 1 1 2", before);
        var again = await MigrateAsync(issuer, lines);
        Assert.Equal(4, again.GetProperty("accepted").GetInt64());
        Assert.Equal(0, again.GetProperty("cardsCreated").GetInt64());
        Assert.Equal(before, await CountsAsync());

        // A newer export: the suspended card was reactivated and got its codes; the revoked one cannot come back; the card Cms has
        // handled keeps Cms's state. The refused lines are named with the rule, and nothing of them is written.
        var newer = new[]
        {
            Line(Card(SuspendedCard, surname: "BIANCHI"), "ACTIVE", "DELEGATED"),
            Line(Card(RevokedCard, surname: "VERDI"), "ACTIVE", extra: History),
            Line(Card(HandledCard, surname: "GIALLI"), "SUSPENDED"),
        };
        var rerun = await MigrateAsync(issuer, newer);
        Assert.Equal(1, rerun.GetProperty("accepted").GetInt64());
        Assert.Equal(2, rerun.GetProperty("rejectedCount").GetInt64());
        var rejected = rerun.GetProperty("rejected");
        Assert.Equal(2, rejected[0].GetProperty("line").GetInt64());
        Assert.StartsWith("state: una tessera REVOKED non passa a ACTIVE", rejected[0].GetProperty("errors")[0].GetString());
        Assert.Equal(3, rejected[1].GetProperty("line").GetInt64());
        Assert.StartsWith("state: la tessera è ACTIVE in Cms", rejected[1].GetProperty("errors")[0].GetString());
        Assert.Equal("ACTIVE true", await Factory.ScalarAsync<string>(
            "SELECT state || ' ' || (codes_key_id IS NOT NULL)::text FROM identification.cards WHERE card_number = @n", ("n", SuspendedCard)));
        Assert.Equal("REVOKED", await StateAsync(RevokedCard));
        Assert.Equal("ACTIVE", await StateAsync(HandledCard));
        Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations WHERE card_number = @n AND detail LIKE 'imported%'", ("n", RevokedCard)));
    }

    [Fact]
    public async Task Migration_lines_are_checked_and_a_rejection_names_the_line_and_the_rule()
    {
        var (issuer, _, _) = await ActorAsync("Issuer");
        var future = DateTimeOffset.UtcNow.AddDays(2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var lines = new[]
        {
            Line(Card("80380000900000088101"), "ACTIVE"),
            Line(Card("80380000900000088102"), "PERSO", activationMode: null),
            Line(Card("80380000900000088103"), "ACTIVE", activationMode: null),
            Line(Card("80380000900000088104"), "ACTIVE", "ALLO_SPORTELLO"),
            Line(Card("80380000900000088105"), "ACTIVE", extra: new { consents = new[] { new { recordedAt = "2023-01-01", model = "CURRENT",
                informationNoticeSeen = true, consultationConsent = true, feedingConsent = true, pastData = "NO_RECOVERY" } } }),
            Line(Card("80380000900000088106"), "ACTIVE", extra: new { operations = new[] { new { type = "SIGN_IN", occurredAt = "2023-01-01" } } }),
            Line(Card("80380000900000088107"), "NOT_ACTIVE", extra: new { activatedAt = future }),
            Line(Card("80380000900000088108"), "ACTIVE", extra: new { readerDeliveries = new[] { new { deliveredAt = future } } }),
        };
        var result = await MigrateAsync(issuer, lines);
        Assert.Equal(1, result.GetProperty("accepted").GetInt64());
        var errors = result.GetProperty("rejected").EnumerateArray()
            .ToDictionary(r => r.GetProperty("line").GetInt64(), r => string.Join(" | ", r.GetProperty("errors").EnumerateArray().Select(e => e.GetString())));
        Assert.Equal([2L, 3, 4, 5, 6, 7, 8], errors.Keys.Order().ToArray());
        Assert.StartsWith("state: obbligatorio", errors[2]);
        Assert.StartsWith("activatedAt, activationMode: obbligatori per una tessera ACTIVE", errors[3]);
        Assert.StartsWith("activationMode: uno tra DIRECT", errors[4]);
        Assert.StartsWith("consents[0]: feeding-consent-abolished", errors[5]);
        Assert.StartsWith("operations[0].type:", errors[6]);
        Assert.Contains("activatedAt: nel futuro", errors[7]);
        Assert.StartsWith("readerDeliveries[0].deliveredAt: nel futuro", errors[8]);
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM identification.cards"));

        // Without the flag the same fields are not read: the plain feed loads the card NOT_ACTIVE, and a line without codes is refused.
        var plain = await OkAsync(await issuer.PostAsync("/api/v1/issuer/card-feed",
            Ndjson([Line(Card("80380000900000088109"), "ACTIVE"), Line(Card("80380000900000088110"), "ACTIVE", codes: false)])));
        Assert.Equal(1, plain.GetProperty("accepted").GetInt64());
        Assert.StartsWith("codes:", plain.GetProperty("rejected")[0].GetProperty("errors")[0].GetString());
        Assert.Equal("NOT_ACTIVE", await StateAsync("80380000900000088109"));
    }

    /// <summary>The point of the migration: a card active in the previous CMS is an active card of Cms, for every operation.</summary>
    [Fact]
    public async Task A_migrated_active_card_is_reprinted_revoked_and_its_holder_renews_online()
    {
        var (issuer, _, _) = await ActorAsync("Issuer");
        var (counter, _, _) = await ActorAsync("Operator");
        var cf = CodiceFiscale.Compute("VERDI", "LUCA", new DateOnly(1975, 3, 3), 'M', "D612");
        var current = Card(ActiveCard, cf, surname: "VERDI", givenName: "LUCA", birth: new DateOnly(1975, 3, 3), pin: "24680", puk: "11223344", cip: Cip);
        const string Renewed = "80380000900000088099";
        var renewedExpiry = Today.AddYears(6);
        await MigrateAsync(issuer,
        [
            Line(current, "ACTIVE", "DIRECT"),
            Line(Card(SuspendedCard, surname: "BIANCHI"), "ACTIVE", "DIRECT", codes: false),
        ]);
        // The renewed card arrives later with the ordinary feed.
        await FeedAsync(Card(Renewed, cf, expiry: renewedExpiry, surname: "VERDI", givenName: "LUCA", birth: new DateOnly(1975, 3, 3),
            pin: "13579", puk: "97531864", cip: "24681357"));

        // Reprint: the codes the previous CMS released, again.
        object Reprint(string number, string email) => new
        {
            cardNumber = number, mode = "DIRECT", reason = "DIMENTICANZA",
            document = new { type = "PATENTE_GUIDA", number = "FI1234567", issuedBy = "MCTC", issueDate = Iso(Today.AddYears(-3)), expiryDate = Iso(Today.AddYears(5)) },
            delivery = new { channel = "EMAIL", email, emailConfirmation = email }, privacyConsent = true,
        };
        var reprint = await OkAsync(await counter.PostAsJsonAsync("/api/v1/reprints", Reprint(ActiveCard, "verdi.migrato@example.it")), HttpStatusCode.Created);
        var reprintId = reprint.GetProperty("id").GetString();
        var reprinted = await OkAsync(await counter.PostAsync($"/api/v1/reprints/{reprintId}/confirm", await counter.SignedAsync("reprints", reprintId)));
        Assert.Equal("24", reprinted.GetProperty("firstHalves").GetProperty("pin").GetString());
        Assert.Equal("1122", reprinted.GetProperty("firstHalves").GetProperty("puk").GetString());
        // A card that came without its codes has none to release: said plainly, nothing written.
        var codeless = await OkAsync(await counter.PostAsJsonAsync("/api/v1/reprints", Reprint(SuspendedCard, "bianchi.migrato@example.it")), HttpStatusCode.Created);
        var codelessId = codeless.GetProperty("id").GetString();
        await ProblemAsync(await counter.PostAsync($"/api/v1/reprints/{codelessId}/confirm", await counter.SignedAsync("reprints", codelessId)),
            HttpStatusCode.Conflict, "card-codes-not-held");
        Assert.Equal("PENDING", await Factory.ScalarAsync<string>("SELECT status FROM reprint.reprint_requests WHERE card_number = @n", ("n", SuspendedCard)));

        // Renewal by the citizen: the migrated card was activated by its holder in person, so the renewed one is activated online.
        using (var certificate = Factory.Certificates.SmartCard(cf))
        {
            var citizen = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
            citizen.DefaultRequestHeaders.Add(CmsFactory.ClientCertificateHeader, TestCertificates.HeaderValue(certificate));
            var renewal = await OkAsync(await citizen.PostAsJsonAsync("/api/v1/citizen/renewals",
                new { newCardLast6 = Renewed[^6..], newCardExpiryDate = Iso(renewedExpiry), confirmed = true }), HttpStatusCode.Created);
            Assert.Equal("13579", renewal.GetProperty("codes").GetProperty("pin").GetString());
        }
        Assert.Equal("ACTIVE", await StateAsync(Renewed));

        // Revocation at the counter, with the CIP the previous CMS had released.
        var revocation = (await OkAsync(await counter.PostAsJsonAsync("/api/v1/revocations", new
        {
            cardNumber = ActiveCard, mode = "DIRECT", reason = "FURTO",
            evidence = new { kind = "POLICE_REPORT", reference = "Denuncia n. 88/2026 Questura di Firenze" },
            document = RevocationTests.Document(), privacyConsent = true,
        }), HttpStatusCode.Created)).GetProperty("id").GetString();
        await OkAsync(await counter.PostAsJsonAsync($"/api/v1/revocations/{revocation}/verify-cip", new { cip = Cip }));
        await RevocationTests.PdfTextAsync(await counter.GetAsync($"/api/v1/revocations/{revocation}/documents/modulo-richiesta-revoca"));
        await OkAsync(await counter.PostAsJsonAsync($"/api/v1/revocations/{revocation}/confirm", new { formPrintedAndSigned = true }));
        Assert.Equal("REVOKED", await StateAsync(ActiveCard));
        // From then on the card is Cms's: a re-run of the migration does not bring it back.
        var rerun = await MigrateAsync(issuer, [Line(current, "ACTIVE", "DIRECT")]);
        Assert.Equal(1, rerun.GetProperty("rejectedCount").GetInt64());
        Assert.Equal("REVOKED", await StateAsync(ActiveCard));
    }

    [Fact]
    public async Task The_command_line_migration_import_takes_the_same_path()
    {
        var file = Path.Combine(Path.GetTempPath(), $"cms-migration-{Guid.NewGuid():N}.ndjson");
        try
        {
            var holder = Card(ActiveCard, cip: Cip);
            holder.Holder!.BirthCountry = "Romania";
            holder.Holder.HealthAuthority = "202";
            await File.WriteAllLinesAsync(file,
            [
                Line(holder, "ACTIVE", "CITIZEN_RENEWAL", extra: History),
                Line(Card(SuspendedCard, surname: "BIANCHI"), "SUSPENDED", "DIRECT", codes: false),
                Line(Card(RevokedCard), "EXPIRED", activationMode: null),
            ]);
            var output = new StringWriter();
            var exit = await Cms.Cli.CliApp.RunAsync(["import-cards", "--migration", file], output, new StringWriter(), CancellationToken.None,
            [
                new("ConnectionStrings:Cms", Factory.RuntimeConnectionString),
                new("CodeEncryption:ActiveKeyId", "test-1"),
                new("CodeEncryption:Keys:test-1", Factory.CodeKey),
            ]);
            Assert.Equal(3, exit);
            Assert.Contains("accepted 2, created 2", output.ToString());
            Assert.Contains("line 3: state: EXPIRED non si indica", output.ToString());
            Assert.Equal("ACTIVE CITIZEN_RENEWAL", await Factory.ScalarAsync<string>(
                "SELECT state || ' ' || activation_mode FROM identification.cards WHERE card_number = @n", ("n", ActiveCard)));
            Assert.Equal("SUSPENDED", await StateAsync(SuspendedCard));
            Assert.Equal("ROMANIA 202", await Factory.ScalarAsync<string>(
                "SELECT birth_country || ' ' || health_authority FROM identification.holders WHERE codice_fiscale = @cf", ("cf", holder.Holder.CodiceFiscale!)));
            Assert.Equal("1 1 2", await Factory.ScalarAsync<string>("""
                SELECT (SELECT count(*) FROM consents.versions) || ' ' || (SELECT count(*) FROM readers.deliveries) || ' ' ||
                       (SELECT count(*) FROM audit.operations WHERE detail LIKE 'imported%')
                """));
            Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM audit.operations WHERE type = 'CARD_FEED' AND detail LIKE 'cli migration %'"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
