using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Cms.Integration.Tests.Infrastructure;
using Npgsql;

namespace Cms.Integration.Tests;

/// <summary>
/// A database of its own, migrated by <c>cms migrate</c> as the owner with the API's runtime role and the web UI's role
/// (decision 0057), and the key file that encrypts the UI's data-protection keys.
/// </summary>
public class WebKeysDatabase : IAsyncLifetime
{
    protected virtual string Name => "cms_web_keys";

    public string Owner { get; private set; } = "";
    public string Runtime { get; private set; } = "";
    public string Web { get; private set; } = "";
    public string KeyFile { get; } = Path.Combine(Directory.CreateTempSubdirectory("cms-web-keys-").FullName, "web-keys-encryption.key");

    /// <summary>The web UI's role on the test cluster: CMS_TEST_WEB_CONNECTION (scripts/test.sh), else scripts/db.sh's cms_web.</summary>
    private static string WebConnectionString() =>
        Environment.GetEnvironmentVariable("CMS_TEST_WEB_CONNECTION") is { Length: > 0 } web ? web
        : new NpgsqlConnectionStringBuilder(TestDatabase.RuntimeConnectionString()) { Username = "cms_web", Password = "cms-local-dev-web" }.ConnectionString;

    public async Task InitializeAsync()
    {
        Owner = await TestDatabase.FreshAsync(Name);
        Runtime = new NpgsqlConnectionStringBuilder(TestDatabase.RuntimeConnectionString()) { Database = Name, Pooling = false }.ConnectionString;
        Web = new NpgsqlConnectionStringBuilder(WebConnectionString()) { Database = Name }.ConnectionString;
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.True(await Cms.Cli.CliApp.RunAsync(["migrate"], output, error, CancellationToken.None,
        [
            new("ConnectionStrings:CmsMigrations", Owner),
            new("Database:RuntimeRole", new NpgsqlConnectionStringBuilder(Runtime).Username),
            new("Database:WebRole", new NpgsqlConnectionStringBuilder(Web).Username),
        ]) == 0, error.ToString());
        await File.WriteAllTextAsync(KeyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Path.GetDirectoryName(KeyFile)!, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Issue 27, part 1 (decision 0057): the web UI's instances behind a balancer share their data-protection keys through one table,
/// where each key is encrypted with a key file the database never sees, and which only the UI's own role can read.
/// </summary>
public sealed class WebKeysTests(WebKeysDatabase database) : IClassFixture<WebKeysDatabase>
{
    /// <summary>A Cms.Web process (no browser: plain HTTP is enough), its API address pointing nowhere.</summary>
    internal sealed class WebInstance : IAsyncDisposable
    {
        private readonly Process process;
        private readonly List<string> lines = [];

        private WebInstance(Process process, string url)
        {
            this.process = process;
            Url = url;
        }

        public string Url { get; }
        public string Output { get { lock (lines) return string.Join('\n', lines); } }

        public static async Task<WebInstance> StartAsync(IDictionary<string, string> settings)
        {
            var url = $"http://127.0.0.1:{FakeSmsGateway.FreePort()}";
            var project = Path.Combine(TestDatabase.RepositoryRoot(), "src", "Cms.Web");
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var start = new ProcessStartInfo("dotnet", [Path.Combine(project, "bin", configuration, "net10.0", "Cms.Web.dll"), "--urls", url, "--contentRoot", project])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = project,
            };
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["Web__ApiUrl"] = $"http://127.0.0.1:{FakeSmsGateway.FreePort()}"; // nobody answers: sign-in says "unavailable"
            foreach (var (key, value) in settings) start.Environment[key] = value;
            var instance = new WebInstance(Process.Start(start)!, url);
            void Keep(string? line)
            {
                if (line is null) return;
                SecretLedger.Log(line);
                lock (instance.lines) instance.lines.Add(line);
            }
            instance.process.OutputDataReceived += (_, e) => Keep(e.Data);
            instance.process.ErrorDataReceived += (_, e) => Keep(e.Data);
            instance.process.BeginOutputReadLine();
            instance.process.BeginErrorReadLine();
            using var http = new HttpClient();
            var until = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                if (instance.process.HasExited) throw new InvalidOperationException($"Cms.Web exited with {instance.process.ExitCode}:\n{instance.Output}");
                try
                {
                    if ((await http.GetAsync(url + "/health/live")).IsSuccessStatusCode) return instance;
                }
                catch (HttpRequestException) { }
                if (DateTime.UtcNow > until)
                {
                    await instance.DisposeAsync();
                    throw new TimeoutException("Cms.Web did not start.");
                }
                await Task.Delay(100);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    private Dictionary<string, string> DatabaseSettings() => new()
    {
        ["ConnectionStrings__CmsWebKeys"] = database.Web,
        ["Web__KeysEncryptionKeyFile"] = database.KeyFile,
    };

    /// <summary>
    /// The sign-in page's anti-forgery pair (a protected cookie and a protected form token) drawn by <paramref name="from"/>, posted
    /// to <paramref name="to"/>: 200 when <paramref name="to"/> can unprotect both (the page says the API is unavailable), 400 when not.
    /// </summary>
    internal static async Task<HttpStatusCode> PostSignInFormAsync(WebInstance from, WebInstance to)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        { Timeout = TimeSpan.FromSeconds(30) };
        var page = await http.GetStringAsync(from.Url + "/accedi");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        // Cookies are kept per host, not per port: the anti-forgery cookie drawn by one instance goes to the other.
        var answer = await http.PostAsync(to.Url + "/accedi", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.CodiceFiscale"] = "SCRMNS80A01D612M", ["Input.Password"] = "not-checked", ["__RequestVerificationToken"] = token,
        }));
        return answer.StatusCode;
    }

    [Fact]
    public async Task Two_instances_on_the_database_share_their_keys_which_are_stored_encrypted()
    {
        var folder = Directory.CreateTempSubdirectory("cms-web-folder-keys-").FullName;
        try
        {
            // Two instances on the database, one on a folder of its own (as before: a key ring nobody else has).
            var starts = new[]
            {
                WebInstance.StartAsync(DatabaseSettings()), WebInstance.StartAsync(DatabaseSettings()),
                WebInstance.StartAsync(new Dictionary<string, string> { ["Web__KeysFolder"] = folder }),
            };
            WebInstance[] instances;
            try
            {
                instances = await Task.WhenAll(starts);
            }
            catch
            {
                foreach (var start in starts.Where(s => s.IsCompletedSuccessfully)) await (await start).DisposeAsync();
                throw;
            }
            await using var first = instances[0];
            await using var second = instances[1];
            await using var alone = instances[2];

            Assert.Equal(HttpStatusCode.OK, await PostSignInFormAsync(first, second));
            Assert.Equal(HttpStatusCode.OK, await PostSignInFormAsync(second, first));
            // The control: an instance with another key ring refuses what the first protected.
            Assert.Equal(HttpStatusCode.BadRequest, await PostSignInFormAsync(first, alone));

            // One key for both (the instances started together made it one at a time), in the table; its secret encrypted with the
            // key file, no master key in clear.
            var rows = new List<string>();
            await using (var connection = new NpgsqlConnection(database.Owner))
            {
                await connection.OpenAsync();
                await using var read = new NpgsqlCommand("SELECT xml FROM web.data_protection_keys", connection);
                await using var reader = await read.ExecuteReaderAsync();
                while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
            }
            var xml = Assert.Single(rows);
            Assert.DoesNotContain("masterKey", xml, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("encryptedSecret", xml);
            var sealedKey = System.Xml.Linq.XElement.Parse(xml).Descendants(System.Xml.Linq.XName.Get("encryptedKey", "urn:cms:web:data-protection-key")).Single();
            // What was sealed is the master key: opened here with the key file, as the UI opens it.
            var kek = Convert.FromBase64String((await File.ReadAllTextAsync(database.KeyFile)).Trim());
            var id = Convert.ToHexStringLower(SHA256.HashData(kek))[..16];
            Assert.Equal(id, (string?)sealedKey.Attribute("keyEncryptionKey"));
            var bytes = Convert.FromBase64String(sealedKey.Value);
            var plain = new byte[bytes.Length - 28];
            using (var aes = new AesGcm(kek, 16))
                aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(28), bytes.AsSpan(12, 16), plain, Encoding.UTF8.GetBytes("Cms.Web data-protection key/" + id));
            var masterKey = System.Xml.Linq.XElement.Parse(Encoding.UTF8.GetString(plain)).DescendantsAndSelf().Single(e => e.Name.LocalName == "masterKey");
            var secret = masterKey.Descendants().Single(e => e.Name.LocalName == "value").Value;
            Assert.True(Convert.FromBase64String(secret).Length >= 32);
            Assert.DoesNotContain(secret, xml);
            Assert.DoesNotContain(Convert.ToBase64String(kek), xml);
            Assert.DoesNotContain(secret, first.Output + second.Output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_database_without_the_key_file_is_refused_at_start()
    {
        var (exitCode, output) = await RunToExitAsync(new Dictionary<string, string> { ["ConnectionStrings__CmsWebKeys"] = database.Web });
        Assert.Equal(78, exitCode);
        Assert.Contains("Web:KeysEncryptionKeyFile", output);
    }

    internal static async Task<(int, string)> RunToExitAsync(IDictionary<string, string> settings)
    {
        var project = Path.Combine(TestDatabase.RepositoryRoot(), "src", "Cms.Web");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var start = new ProcessStartInfo("dotnet", [Path.Combine(project, "bin", configuration, "net10.0", "Cms.Web.dll"), "--urls", $"http://127.0.0.1:{FakeSmsGateway.FreePort()}", "--contentRoot", project])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = project,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("Cms.Web did not refuse to start.");
        }
        return (process.ExitCode, await output + await error);
    }

    private static async Task RefusedAsync(string connectionString, string sql)
    {
        var refused = await Assert.ThrowsAsync<PostgresException>(() => TestDatabase.ExecuteAsync(connectionString, sql));
        Assert.True(refused.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{sql}: {refused.SqlState} {refused.MessageText}");
    }

    [Fact]
    public async Task The_api_cannot_read_the_ui_keys_and_the_ui_role_reads_nothing_else()
    {
        // The API's runtime role: no right on the UI's keys.
        await RefusedAsync(database.Runtime, "SELECT * FROM web.data_protection_keys");
        await RefusedAsync(database.Runtime, "INSERT INTO web.data_protection_keys (xml) VALUES ('<forged/>')");
        await RefusedAsync(database.Runtime, "DELETE FROM web.data_protection_keys");

        // The UI's role reads and adds keys (here in a transaction rolled back), and does nothing else to them.
        await TestDatabase.ExecuteAsync(database.Web, """
            BEGIN;
            SELECT count(*) FROM web.data_protection_keys;
            INSERT INTO web.data_protection_keys (friendly_name, xml) VALUES ('least privilege', '<key/>');
            ROLLBACK;
            """);
        await RefusedAsync(database.Web, "UPDATE web.data_protection_keys SET xml = xml");
        await RefusedAsync(database.Web, "DELETE FROM web.data_protection_keys");
        await RefusedAsync(database.Web, "TRUNCATE web.data_protection_keys");
        await RefusedAsync(database.Web, "CREATE TABLE web.forged (id int)");
        await RefusedAsync(database.Web, "CREATE TABLE public.forged (id int)");
        foreach (var table in new[] { "identification.cards", "audit.operations", "activation.requests", "platform.idempotency_keys",
                     "hangfire.job", "public.\"__EFMigrationsHistory\"" })
            await RefusedAsync(database.Web, $"SELECT * FROM {table}");

        // Checked on the whole catalogue: of every table, view and sequence, the UI's role reaches one table; the API's, not that one.
        var webRole = new NpgsqlConnectionStringBuilder(database.Web).Username!;
        var runtimeRole = new NpgsqlConnectionStringBuilder(database.Runtime).Username!;
        const string reachable = """
            SELECT coalesce(string_agg(format('%I.%I', n.nspname, c.relname), ',' ORDER BY 1), '')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND has_schema_privilege(@r, n.oid, 'USAGE')
              AND (has_table_privilege(@r, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                   OR (c.relkind = 'S' AND has_sequence_privilege(@r, c.oid, 'USAGE, SELECT, UPDATE')))
            """;
        Assert.Equal("web.data_protection_keys", await TestDatabase.ScalarAsync<string>(database.Owner, reachable, ("r", webRole)));
        Assert.DoesNotContain("web.", await TestDatabase.ScalarAsync<string>(database.Owner, reachable, ("r", runtimeRole)));
        Assert.Contains("identification.cards", await TestDatabase.ScalarAsync<string>(database.Owner, reachable, ("r", runtimeRole)));
        Assert.False(await TestDatabase.ScalarAsync<bool>(database.Owner,
            "SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolbypassrls OR EXISTS (SELECT FROM pg_auth_members WHERE member = r.oid) FROM pg_roles r WHERE rolname = @r",
            ("r", webRole)));
    }
}
