using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Cms.Integration.Tests.Infrastructure;
using Npgsql;

namespace Cms.Integration.Tests;

/// <summary>
/// A region's topology (decision 0054), started by the very script an operator runs (<c>scripts/topology.sh</c>): two API
/// instances behind HAProxy, on their own ports and database. A token from one instance is good on the other and through the
/// balancer; the instance holding the singletons' lease is killed (SIGKILL) through the script, the other takes the lease and
/// chains what is done after the kill, checkpoints included, while the balancer keeps answering.
/// </summary>
public class TopologyTests
{
    private const int Port = 56440; // API through HAProxy; instance N on Port + 10 + N (scripts/topology.sh)
    private const string Database = "cms_topology_test";
    private const string OperatorCf = "BNCMRA75C12D612R"; // demo operator, ASL counter
    private const string AuditorCf = "CNTLNE78P48D612M"; // demo auditor
    private const string DemoPassword = "Demo-Cms-2026!";

    private readonly string folder = Directory.CreateTempSubdirectory("cms-topology-").FullName;

    private static string InstanceUrl(int n) => $"http://127.0.0.1:{Port + 10 + n}";
    private const string BalancerUrl = "http://127.0.0.1:56440";

    private async Task<string> TopologyAsync(params string[] args)
    {
        var root = TestDatabase.RepositoryRoot();
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "topology.sh"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root,
        };
        var env = start.Environment;
        env["CMS_INSTANCES"] = "2";
        env["CMS_TOPOLOGY_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["CMS_TOPOLOGY_DB"] = Database;
        env["CMS_TOPOLOGY_DIR"] = folder;
        env["CMS_TOPOLOGY_WEB"] = "false";
        env["CMS_TOPOLOGY_BUILD"] = "false"; // the test run has built Release
        // The test database's cluster (scripts/test.sh passes CMS_PG_PORT on; scripts/db.sh's default otherwise).
        env["CMS_PG_PORT"] = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString()).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["DemoData__Enabled"] = "true";
        env["DemoData__Holders"] = CmsProcess.DemoHolders.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["Security__PasswordHashing__Iterations"] = "1000";
        env["Cms__RecipientProof__Required"] = "false";
        env["Audit__CheckpointEveryEntries"] = "1"; // a checkpoint after every pass that chained something
        env["Hangfire__SchedulePollingSeconds"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"topology.sh {string.Join(' ', args)} exited with {process.ExitCode}: {await error}\n{Logs()}");
        return (await output).Trim();
    }

    private string Logs() => string.Join("\n", Directory.GetFiles(folder, "*.log").Select(f => $"--- {Path.GetFileName(f)}\n{string.Join("\n", File.ReadLines(f).TakeLast(30))}"));

    private static async Task<string> TokenAsync(string url, string cf)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(20) };
        var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = cf, password = DemoPassword });
        Assert.True(response.IsSuccessStatusCode, $"sign-in at {url}: {(int)response.StatusCode}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private static HttpClient Client(string url, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(20) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<T> ScalarAsync<T>(string connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var c = new NpgsqlConnection(connection);
        await c.OpenAsync();
        await using var command = new NpgsqlCommand(sql, c);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Two_instances_behind_haproxy_share_tokens_and_the_lease_moves_when_its_holder_is_killed()
    {
        var superuser = TestDatabase.SuperuserConnectionString();
        var admin = new NpgsqlConnectionStringBuilder(superuser) { Database = "postgres" }.ConnectionString;
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Database} WITH (FORCE)", c);
            await drop.ExecuteNonQueryAsync();
        }
        var database = new NpgsqlConnectionStringBuilder(superuser) { Database = Database }.ConnectionString;
        try
        {
            await TopologyAsync("start");

            // A token issued by instance 1 is good on instance 2 and through the balancer (shared signing key).
            var token = await TokenAsync(InstanceUrl(1), OperatorCf);
            foreach (var url in new[] { InstanceUrl(2), BalancerUrl })
            {
                using var client = Client(url, token);
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/auth/me")).StatusCode);
            }

            // One instance holds the lease, and both say which.
            var holder = await TopologyAsync("holder");
            Assert.Matches("^api-[12]$", holder);
            var other = holder == "api-1" ? 2 : 1;
            using (var probe = new HttpClient())
            {
                for (var n = 1; n <= 2; n++)
                {
                    var lease = await probe.GetFromJsonAsync<JsonElement>($"{InstanceUrl(n)}/health/lease");
                    Assert.Equal(holder, lease.GetProperty("holder").GetString());
                    Assert.Equal($"api-{n}" == holder, lease.GetProperty("holdsLease").GetBoolean());
                }
            }
            var checkpoints = Path.Combine(folder, "audit-checkpoints");

            // The holder is killed; the balancer keeps answering every request meanwhile (a refused connection is retried elsewhere).
            var killed = DateTime.UtcNow;
            await TopologyAsync("kill", holder[^1..]);
            using var balancer = Client(BalancerUrl, token);
            for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, (await balancer.GetAsync("/api/v1/auth/me")).StatusCode);

            // The other instance takes the lease within a few seconds (PostgreSQL ends the dead session and its lock).
            string? newHolder = null;
            using (var probe = new HttpClient())
            {
                var until = DateTime.UtcNow.AddSeconds(10);
                while (DateTime.UtcNow < until)
                {
                    newHolder = (await probe.GetFromJsonAsync<JsonElement>($"{BalancerUrl}/health/lease")).GetProperty("holder").GetString();
                    if (newHolder == $"api-{other}") break;
                    await Task.Delay(100);
                }
            }
            Assert.Equal($"api-{other}", newHolder);
            var tookOver = DateTime.UtcNow - killed;
            Assert.True(tookOver < TimeSpan.FromSeconds(5), $"the lease moved after {tookOver.TotalSeconds:0.0} s");

            // An activation done after the kill, through the balancer, is chained and signed into a checkpoint by the new holder.
            var number = await ScalarAsync<string>(database, """
                SELECT c.card_number FROM identification.cards c JOIN identification.holders h ON h.codice_fiscale = c.holder_codice_fiscale
                WHERE c.state = 'NOT_ACTIVE' AND c.codes_ciphertext IS NOT NULL AND c.expiry_date > current_date + 30
                  AND h.birth_date < current_date - interval '19 years' AND h.entitled
                ORDER BY c.card_number LIMIT 1
                """);
            var address = $"topology-{Guid.NewGuid():N}@example.it";
            var created = await balancer.PostAsJsonAsync("/api/v1/activations", CrashTests.DirectActivation(number, address));
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            var confirmed = await balancer.PostAsync($"/api/v1/activations/{id}/confirm", await balancer.SignedAsync("activations", id));
            Assert.True(confirmed.IsSuccessStatusCode, await confirmed.Content.ReadAsStringAsync());

            const string chainedOf = """
                SELECT CASE WHEN count(*) > 0 AND count(*) = count(l.chain_index) THEN max(l.chain_index) ELSE -1 END
                FROM audit.operations o LEFT JOIN audit.chain_links l ON l.sequence = o.sequence
                WHERE o.card_number = @n AND o.occurred_at >= @since
                """;
            long chained = -1;
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline && (chained = await ScalarAsync<long>(database, chainedOf, ("n", number), ("since", killed))) < 0)
                await Task.Delay(100);
            Assert.True(chained >= 0, "the activation done after the kill was not chained");
            string[] newer = [];
            while (DateTime.UtcNow < deadline)
            {
                newer = Directory.GetFiles(checkpoints, "checkpoint-*.json")
                    .Where(f => long.Parse(Path.GetFileNameWithoutExtension(f)["checkpoint-".Length..].Split('-')[0], System.Globalization.CultureInfo.InvariantCulture) >= chained)
                    .ToArray();
                if (newer.Length > 0) break;
                await Task.Delay(100);
            }
            Assert.True(newer.Length > 0, "no checkpoint signed after the kill covers the new activation");

            // The trail, read through the balancer by an auditor: intact.
            using var auditor = Client(BalancerUrl, await TokenAsync(BalancerUrl, AuditorCf));
            var integrity = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/integrity");
            Assert.True(integrity.GetProperty("intact").GetBoolean(), integrity.GetRawText());

            // The lease's log lines: taken by the first holder, then by the other.
            Assert.Contains(File.ReadLines(Path.Combine(folder, $"api-{other}.log")), l => l.Contains($"taken by instance api-{other}", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{e.Message}\n{Logs()}", e);
        }
        finally
        {
            await TopologyAsync("stop");
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}
