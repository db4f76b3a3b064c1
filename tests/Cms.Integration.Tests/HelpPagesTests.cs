using System.Net;
using System.Text.RegularExpressions;
using Cms.Infrastructure.DemoData;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Cms.Integration.Tests;

/// <summary>
/// The "Guida operatore" (decision 0042): every page of a flow links to its help page, the link's target answers 200 in Italian
/// to every signed-in role, and the guide's index lists every help page. The real UI process in front of the real API process
/// with the demo data; pages are fetched with the signed-in browser context's cookies (no rendering but the sign-in).
/// </summary>
public class HelpPagesTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Operator = "BNCMRA75C12D612R"; // the demo ASL operator
    private const string Administrator = "LMBSRA87H61D612L"; // the demo security administrator
    private const string Auditor = "CNTLNE78P48D612M"; // the demo auditor
    private const string Issuer = "SRRFNC72T01D612R"; // the demo issuer

    /// <summary>Pages that belong to no flow: signing in and out, the error pages.</summary>
    private static readonly HashSet<string> WithoutFlow = new(StringComparer.Ordinal)
    {
        "Accedi.cshtml", "Esci.cshtml", "Errore.cshtml", "AccessoNegato.cshtml",
    };

    private static readonly Regex HelpLink = new("""<a href="(?<href>[^"]*)" data-testid="guida">""", RegexOptions.Compiled);

    [Fact]
    public async Task Every_page_of_a_flow_links_to_a_help_page_that_every_role_reads_in_italian()
    {
        var (cms, ui) = await WebUi.StartWithApiAsync(apiUrl => CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>
        {
            ["DemoData__Enabled"] = "true",
            ["Security__PasswordHashing__Iterations"] = "1000",
        }, url: apiUrl));
        await using var cmsLease = cms;
        await using var uiLease = ui;
        var card = await NotActiveDemoCardAsync();

        // Each role: the guide's index and every help page answer 200 in Italian; each page it may open shows the "Guida" link,
        // above the heading, to the page of its flow.
        HashSet<string>? topics = null;
        foreach (var (who, pages) in new (string, Dictionary<string, string>)[]
        {
            (Operator, new()
            {
                ["/"] = "/guida",
                ["/identifica?operazione=attivazione"] = "/guida/identificazione",
                ["/identifica?operazione=revoca"] = "/guida/identificazione",
                ["/identifica/lettore?operazione=ristampa"] = "/guida/identificazione",
                [$"/attivazione/nuova/{card}"] = "/guida/attivazione",
                [$"/ristampa/nuova/{card}"] = "/guida/ristampa",
                [$"/consensi/nuova/{card}"] = "/guida/consensi",
                [$"/revoca/nuova/{card}"] = "/guida/revoca",
                [$"/sospensione/{card}"] = "/guida/sospensione",
                [$"/riattivazione/{card}"] = "/guida/sospensione",
                [$"/lettore/nuova/{card}"] = "/guida/lettore",
                [$"/firma/nuova/{card}"] = "/guida/firma",
                ["/identifica?operazione=firma"] = "/guida/identificazione",
                ["/interoperabilita/nuova?operazione=revoca"] = "/guida/interoperabilita",
                ["/storico"] = "/guida/storico",
                ["/reportistica"] = "/guida/storico",
                ["/statistiche"] = "/guida/storico",
                ["/modulistica"] = "/guida/modulistica",
                ["/sessioni"] = "/guida/accesso",
                ["/password"] = "/guida/accesso",
            }),
            (Administrator, new()
            {
                ["/"] = "/guida",
                ["/sportelli"] = "/guida/operatori",
                ["/operatori"] = "/guida/operatori",
                ["/avvisi"] = "/guida/operatori",
                ["/regioni"] = "/guida/interoperabilita",
                ["/recapiti"] = "/guida/recapiti",
                ["/sessioni"] = "/guida/accesso",
            }),
            (Auditor, new()
            {
                ["/"] = "/guida",
                ["/revisione"] = "/guida/revisione",
                ["/password"] = "/guida/accesso",
            }),
            (Issuer, new()
            {
                ["/"] = "/guida",
                ["/ente/revoca"] = "/guida/revoca-d-ufficio",
                ["/ente/caricamento-tessere"] = "/guida/caricamento-tessere",
                ["/sessioni"] = "/guida/accesso",
            }),
        })
        {
            var page = await ui.NewPageAsync();
            await WebUi.SignInAsync(page, who, DemoAccounts.Password);
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Guida operatore", Exact = true })).ToBeVisibleAsync();
            var http = page.Context.APIRequest;

            var index = await GetHtmlAsync(http, "/guida", who);
            var listed = Regex.Matches(index, """<a href="/guida/(?<slug>[a-z-]+)">""").Select(m => m.Groups["slug"].Value).ToHashSet(StringComparer.Ordinal);
            Assert.True(listed.Count >= 14, $"the guide's index lists {listed.Count} help pages");
            topics ??= listed;
            Assert.Equal(topics, listed); // the same guide for every role
            foreach (var slug in listed)
            {
                var help = await GetHtmlAsync(http, "/guida/" + slug, who);
                Assert.Contains($"data-topic=\"{slug}\"", help);
                Assert.Contains("Chi può farlo", help);
                Assert.Contains("Riferimento nelle guide regionali", help);
                Assert.DoesNotContain("data-testid=\"guida\"", help); // a help page does not link to itself
            }

            foreach (var (path, expected) in pages)
            {
                var html = await GetHtmlAsync(http, path, who);
                var links = HelpLink.Matches(html);
                Assert.True(links.Count == 1, $"{path} ({who}): {links.Count} \"Guida\" links");
                var href = links[0].Groups["href"].Value;
                Assert.Equal(expected, href);
                Assert.True(html.IndexOf("data-testid=\"guida\"", StringComparison.Ordinal) < html.IndexOf("<h1", StringComparison.Ordinal),
                    $"{path}: the help link is above the heading");
                await GetHtmlAsync(http, href, who);
            }
            await page.Context.CloseAsync();
        }

        // Every page of the UI, also those that need a request to show (summaries, outcomes): the page names its flow, and the
        // flow has a help page. A page added without its help fails here.
        var root = Path.Combine(TestDatabase.RepositoryRoot(), "src", "Cms.Web", "Pages");
        var checkedPages = 0;
        foreach (var file in Directory.EnumerateFiles(root, "*.cshtml", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            var text = await File.ReadAllTextAsync(file);
            var route = Regex.Match(text, """^@page(?:\s+"(?<route>[^"]*)")?""", RegexOptions.Multiline);
            // The citizens' area (decision 0047) is not the operators': its layout has no operator guide.
            if (!route.Success || relative.StartsWith("Guida/", StringComparison.Ordinal) || relative.StartsWith("Cittadino/", StringComparison.Ordinal)
                || WithoutFlow.Contains(relative)) continue;
            checkedPages++;
            var set = Regex.Match(text, """ViewData\[HelpTopics\.Key\] = (?<value>[^;]+);""");
            Assert.True(set.Success, $"{relative} does not name its help topic (ViewData[HelpTopics.Key])");
            var value = set.Groups["value"].Value.Trim();
            IEnumerable<string> slugs = value switch
            {
                "\"\"" => [],
                _ when value.StartsWith('"') => [value.Trim('"')],
                // The shared pages of the code-releasing flows: the route allows only these slugs, each a topic.
                "Model.Flusso" => Regex.Match(route.Groups["route"].Value, @"\{flusso:regex\(\^\((?<alt>[a-z|]+)\)\$\)\}").Groups["alt"].Value
                    .Split('|', StringSplitOptions.RemoveEmptyEntries),
                _ => throw new Xunit.Sdk.XunitException($"{relative}: the help topic {value} cannot be checked"),
            };
            if (value == "Model.Flusso") Assert.NotEmpty(slugs);
            foreach (var slug in slugs) Assert.True(topics!.Contains(slug), $"{relative}: no help page /guida/{slug}");
        }
        Assert.True(checkedPages >= 30, $"only {checkedPages} pages checked");
    }

    private static async Task<string> GetHtmlAsync(IAPIRequestContext http, string path, string who)
    {
        var response = await http.GetAsync(path, new() { MaxRedirects = 0 });
        Assert.True(response.Status == (int)HttpStatusCode.OK, $"{path} ({who}): {response.Status} {response.Headers.GetValueOrDefault("location")}");
        var html = await response.TextAsync();
        Assert.Contains("<html lang=\"it\">", html);
        return html;
    }

    private async Task<string> NotActiveDemoCardAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(Factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT c.card_number FROM identification.cards c JOIN identification.holders h ON h.codice_fiscale = c.holder_codice_fiscale
            WHERE c.state = 'NOT_ACTIVE' AND c.expiry_date > current_date AND h.entitled ORDER BY c.card_number LIMIT 1
            """, connection);
        return ((string?)await command.ExecuteScalarAsync())?.Trim() ?? throw new InvalidOperationException("no demo card for the test");
    }
}
