using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Cms.Infrastructure.Startup;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using netDumbster.smtp;
using Respawn;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>
/// The API in-process against the real PostgreSQL of scripts/db.sh (database cms_test, as the runtime role), with the
/// database emptied by Respawn before every test and the bootstrap administrator created again.
/// </summary>
public class CmsFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminCf = "SCRMNS80A01D612M";
    public const string AdminPassword = "Admin-Test-Password-1";
    public const string ClientCertificateHeader = "X-Client-Cert";
    /// <summary>The address peers call the in-process API at (Interop:PublicUrl): the test server's host.</summary>
    public const string PublicUrl = "http://localhost";

    private Respawner? respawner;

    /// <summary>The owner role's connection (decision 0029): the tests' set-up, resets and tampering.</summary>
    public string ConnectionString { get; } = TestDatabase.ConnectionString();
    /// <summary>The runtime role's connection: what the API, its workers and its command-line tools use.</summary>
    public string RuntimeConnectionString { get; } = TestDatabase.RuntimeConnectionString();
    public TestCertificates Certificates { get; } = new();
    public LogSink Logs { get; } = new();
    public string CodeKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    public int SmtpPort { get; private set; }
    public SimpleSmtpServer Smtp { get; private set; } = null!;
    public FakeSmsGateway SmsGateway { get; } = new();
    public FakeExternalSystem CertificationAuthority { get; } = new();
    public FakeExternalSystem Fse { get; } = new();

    /// <summary>Starts (or restarts, after an outage) the SMTP server on its fixed port.</summary>
    public void StartSmtp()
    {
        var configuration = Configuration.Configure().WithAddress(System.Net.IPAddress.Loopback);
        Smtp = (SmtpPort == 0 ? configuration.WithRandomPort() : configuration.WithPort(SmtpPort)).Build();
        SmtpPort = Smtp.Configuration.Port;
    }

    public void StopSmtp() => Smtp.Stop();

    public string JwtKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// A client of the in-process API whose every answer is checked against the checked-in contract (decision 0051): a
    /// mismatch fails the call, so the test that made it. Hides the base's methods so that every test gets the check.
    /// </summary>
    public new HttpClient CreateClient() => CreateClient(ClientOptions);

    /// <inheritdoc cref="CreateClient()"/>
    public new HttpClient CreateClient(WebApplicationFactoryClientOptions options)
    {
        var handlers = new List<DelegatingHandler>();
        if (options.AllowAutoRedirect) handlers.Add(new Microsoft.AspNetCore.Mvc.Testing.Handlers.RedirectHandler(options.MaxAutomaticRedirections));
        if (options.HandleCookies) handlers.Add(new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler());
        handlers.Add(new ContractValidatingHandler());
        return CreateDefaultClient(options.BaseAddress, [.. handlers]);
    }

    /// <summary>
    /// The signed checkpoints of the trail (decision 0028): the API verifies with the public key against this folder; it signs
    /// none itself (no private key in its settings), so that only the tests that sign checkpoints find any. Emptied on reset.
    /// </summary>
    public AuditCheckpointFiles Checkpoints { get; } = new();

    public CmsFactory()
    {
        StartSmtp();
        foreach (var (what, secret) in new[] { ("administrator password", AdminPassword), ("code key", CodeKey), ("token signing key", JwtKey),
                     ("SMS gateway key", FakeSmsGateway.ApiKey), ("integration key", FakeExternalSystem.ApiKey), ("operator password", ApiTest.OperatorPassword) })
            SecretLedger.Register(what, secret);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Cms", RuntimeConnectionString);
        // The host migrates once, as the owner, and grants the runtime role its rights, as `cms migrate` does.
        builder.UseSetting("ConnectionStrings:CmsMigrations", ConnectionString);
        builder.UseSetting("Database:MigrateOnStartup", "true");
        builder.UseSetting("Database:RuntimeRole", new NpgsqlConnectionStringBuilder(RuntimeConnectionString).Username);
        builder.UseSetting("CodeEncryption:ActiveKeyId", "test-1");
        builder.UseSetting("CodeEncryption:Keys:test-1", CodeKey);
        builder.UseSetting("Jwt:SigningKey", JwtKey);
        builder.UseSetting("Security:PasswordHashing:Iterations", "1000");
        builder.UseSetting("Bootstrap:AdminCodiceFiscale", AdminCf);
        builder.UseSetting("Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("DemoData:Enabled", "false");
        builder.UseSetting("Authentication:ClientCertificate:ForwardingHeader", ClientCertificateHeader);
        // The test server's requests come from this host (no network address: local, as loopback); the test CA's CRL is read offline.
        builder.UseSetting("Authentication:ClientCertificate:TrustedProxies:0", "127.0.0.1");
        builder.UseSetting("Authentication:ClientCertificate:CrlFiles:0", Certificates.CrlFile);
        builder.UseSetting("Smtp:Host", "127.0.0.1");
        builder.UseSetting("Smtp:Port", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Smtp:Security", "None");
        builder.UseSetting("Sms:GatewayUrl", SmsGateway.Url);
        builder.UseSetting("Sms:ApiKey", FakeSmsGateway.ApiKey);
        builder.UseSetting("Hangfire:SchedulePollingSeconds", "1");
        builder.UseSetting("Delivery:RetryBaseSeconds", "1");
        builder.UseSetting("Delivery:RetryMaxSeconds", "2");
        builder.UseSetting("Interop:RetryBaseSeconds", "1");
        builder.UseSetting("Interop:RetryMaxSeconds", "2");
        // The ModI profile (decision 0059): region 090 signs with its test identity; peers call it at the in-process host.
        builder.UseSetting("Interop:PublicUrl", PublicUrl);
        builder.UseSetting("Interop:Signing:CertificatePath", RegionPki.For("090").CertificatePath);
        builder.UseSetting("Interop:Signing:KeyPath", RegionPki.For("090").KeyPath);
        // The suite signs in hundreds of times a minute from one address; HardeningTests run a process with the real limits.
        builder.UseSetting("Hardening:SignIn:PermitLimit", "1000000");
        builder.UseSetting("Hardening:CipVerification:PermitLimit", "1000000");
        builder.UseSetting("Hardening:InboundInterop:PermitLimit", "1000000");
        // The recipient proof (a region policy, on by default) has its own tests (RecipientProofTests, a browser flow), which turn it on.
        builder.UseSetting("Cms:RecipientProof:Required", "false");
        builder.UseSetting("Integrations:CertificationAuthority:Url", CertificationAuthority.Url);
        builder.UseSetting("Integrations:CertificationAuthority:ApiKey", FakeExternalSystem.ApiKey);
        builder.UseSetting("Integrations:Fse:Url", Fse.Url);
        builder.UseSetting("Integrations:Fse:ApiKey", FakeExternalSystem.ApiKey);
        builder.UseSetting("Integrations:RetryBaseSeconds", "1");
        builder.UseSetting("Integrations:RetryMaxSeconds", "2");
        builder.UseSetting("Authentication:ClientCertificate:TrustedCaFiles:0", Certificates.CaFile);
        builder.UseSetting("Audit:CheckpointPublicKeyFile", Checkpoints.PublicKeyFile);
        builder.UseSetting("Audit:CheckpointFolder", Checkpoints.Folder);
        builder.ConfigureLogging(l => l.AddProvider(Logs));
    }

    public async Task InitializeAsync()
    {
        _ = Server; // starts the host: migrations run once here
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["administration", "identification", "audit", "activation", "reprint", "delivery", "platform", "outbound", "revocation", "readers", "consents", "interop", "citizen", "signature"],
            TablesToIgnore = ["__EFMigrationsHistory"],
        });
    }

    /// <summary>Empties every module's tables and creates the bootstrap administrator again.</summary>
    public async Task ResetAsync()
    {
        // The trail refuses DELETE and TRUNCATE (append-only): the test database's owner lifts that for the reset only, in one
        // transaction that first takes the chainer's tables in the order the chainer takes them. A writer still busy in the
        // background takes the trail before the chainer's queue: should the reset and it deadlock, the reset tries again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await EmptyTablesAsync();
                break;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 3)
            {
            }
        }
        using var scope = Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(migrate: false, CancellationToken.None);
        Logs.Clear();
        Checkpoints.Clear();
        CertificationAuthority.Reset();
        Fse.Reset();
    }

    private async Task EmptyTablesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var off = new NpgsqlCommand("""
            LOCK TABLE audit.pending_entries, audit.chain_head, audit.operations, audit.chain_links IN ACCESS EXCLUSIVE MODE;
            ALTER TABLE audit.operations DISABLE TRIGGER USER;
            ALTER TABLE audit.chain_links DISABLE TRIGGER USER
            """, connection, transaction)) await off.ExecuteNonQueryAsync();
        // Respawn's own statement (foreign keys in order), run inside this transaction.
        await using (var delete = new NpgsqlCommand(respawner!.DeleteSql, connection, transaction)) await delete.ExecuteNonQueryAsync();
        await using (var on = new NpgsqlCommand("ALTER TABLE audit.operations ENABLE TRIGGER USER; ALTER TABLE audit.chain_links ENABLE TRIGGER USER",
                         connection, transaction))
            await on.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    /// <summary>
    /// Runs part of a test under another region policy (suspension enabled, a legacy consent model): the host reads the policy
    /// from its one <c>IOptions&lt;CmsOptions&gt;</c>, changed here and put back on dispose. (A second host in the same process
    /// would share Hangfire's global configuration and stop this host's job processing when it is disposed.)
    /// </summary>
    public IDisposable WithPolicy(Action<Cms.Application.Common.Options.CmsOptions> change) => WithOptions(change);

    /// <summary>Changes a singleton's settings (the region's, or a module's own) for one test, put back when disposed.</summary>
    public IDisposable WithOptions<TOptions>(Action<TOptions> change) where TOptions : class
    {
        var options = Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<TOptions>>().Value;
        var saved = System.Text.Json.JsonSerializer.Serialize(options);
        change(options);
        return new Restore(() =>
        {
            var original = System.Text.Json.JsonSerializer.Deserialize<TOptions>(saved)!;
            foreach (var property in typeof(TOptions).GetProperties().Where(p => p.CanWrite))
                property.SetValue(options, property.GetValue(original));
        });
    }

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    public Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters) =>
        TestDatabase.ScalarAsync<T>(ConnectionString, sql, parameters);

    /// <summary>Chains every entry written so far, as the background chainer would at its next pass (decision 0019).</summary>
    public async Task ChainAuditTrailAsync()
    {
        using var scope = Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<Cms.Application.Common.Auditing.IAuditTrail>().ChainPendingAsync(CancellationToken.None);
    }

    public Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters) =>
        TestDatabase.ExecuteAsync(ConnectionString, sql, parameters);

    async Task IAsyncLifetime.DisposeAsync()
    {
        Certificates.Dispose();
        Checkpoints.Dispose();
        Smtp.Dispose();
        await SmsGateway.DisposeAsync();
        await CertificationAuthority.DisposeAsync();
        await Fse.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<CmsFactory>
{
    public const string Name = "api";
}

/// <summary>The in-process host without a Hangfire server, so that only the separate processes a test starts send messages.</summary>
public sealed class CmsFactoryWithoutJobs : CmsFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Hangfire:ServerEnabled", "false");
    }
}

[CollectionDefinition(Name)]
public sealed class ProcessCollection : ICollectionFixture<CmsFactoryWithoutJobs>
{
    public const string Name = "processes";
}

/// <summary>
/// Finds the test database: CMS_TEST_CONNECTION (the owner role) and CMS_TEST_RUNTIME_CONNECTION (the runtime role), or the
/// project's own cluster (started if needed).
/// </summary>
public static class TestDatabase
{
    public static string ConnectionString()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CMS_TEST_CONNECTION");
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        return ProjectClusterConnectionString("owner-url");
    }

    public static string RuntimeConnectionString()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CMS_TEST_RUNTIME_CONNECTION");
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        return ProjectClusterConnectionString("url");
    }

    /// <summary>An empty database of its own (a peer region, a migration's history), on the test cluster (created on first use).</summary>
    public static async Task<string> FreshAsync(string name)
    {
        var url = ConnectionString().Replace("Database=cms_test", $"Database={name}", StringComparison.OrdinalIgnoreCase);
        var admin = new Npgsql.NpgsqlConnectionStringBuilder(url) { Database = "postgres" }.ConnectionString;
        await using (var connection = new Npgsql.NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var exists = new Npgsql.NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", connection);
            exists.Parameters.AddWithValue("n", name);
            if (await exists.ExecuteScalarAsync() is null)
                await new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection).ExecuteNonQueryAsync();
        }
        await using (var connection = new Npgsql.NpgsqlConnection(url))
        {
            await connection.OpenAsync();
            var schemas = new List<string>();
            await using (var list = new Npgsql.NpgsqlCommand(
                "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public')", connection))
            await using (var reader = await list.ExecuteReaderAsync())
                while (await reader.ReadAsync()) schemas.Add(reader.GetString(0));
            foreach (var schema in schemas) await new Npgsql.NpgsqlCommand($"DROP SCHEMA \"{schema}\" CASCADE", connection).ExecuteNonQueryAsync();
            await new Npgsql.NpgsqlCommand("DROP TABLE IF EXISTS public.\"__EFMigrationsHistory\"", connection).ExecuteNonQueryAsync();
        }
        return url;
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The test database as its superuser, who can do anything to the trail (lift its triggers, replace its functions):
    /// CMS_TEST_SUPERUSER_CONNECTION, or the role postgres of the same server with the password scripts/db.sh gives it.
    /// </summary>
    public static string SuperuserConnectionString()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CMS_TEST_SUPERUSER_CONNECTION");
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        return new NpgsqlConnectionStringBuilder(ConnectionString()) { Username = "postgres", Password = "cms-local-dev", Pooling = false }.ConnectionString;
    }

    /// <summary>True when the tests run on the project's own cluster (scripts/db.sh), which a test may stop and start.</summary>
    public static bool IsProjectCluster(string connectionString)
    {
        var ours = new NpgsqlConnectionStringBuilder(ProjectClusterConnectionString("url"));
        var used = new NpgsqlConnectionStringBuilder(connectionString);
        return ours.Host == used.Host && ours.Port == used.Port;
    }

    private static string ProjectClusterConnectionString(string role)
    {
        var root = RepositoryRoot();
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "db.sh"), role, "cms_test"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"scripts/db.sh failed: {error}");
        return output.Trim().Split('\n').Last();
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cms.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cms.sln not found above the test folder.");
    }
}

/// <summary>A checkpoint key pair (ECDSA P-256, PEM) and an empty checkpoint folder, in a temporary folder of their own.</summary>
public sealed class AuditCheckpointFiles : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("cms-checkpoints-").FullName;

    public AuditCheckpointFiles()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        File.WriteAllText(SigningKeyFile, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(PublicKeyFile, key.ExportSubjectPublicKeyInfoPem());
        Directory.CreateDirectory(Folder);
    }

    public string SigningKeyFile => Path.Combine(root, "signing.pem");
    public string PublicKeyFile => Path.Combine(root, "public.pem");
    public string Folder => Path.Combine(root, "checkpoints");

    public void Clear()
    {
        foreach (var file in Directory.EnumerateFiles(Folder)) File.Delete(file);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}

/// <summary>Keeps every log line the API writes, so tests can check that no secret is ever logged.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyList<string> Lines => lines.ToArray();
    public void Clear() => lines.Clear();

    public ILogger CreateLogger(string categoryName) => new SinkLogger(categoryName, lines);
    public void Dispose() { }

    private sealed class SinkLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}: {formatter(state, exception)} {exception}";
            lines.Enqueue(line);
            SecretLedger.Log(line);
        }
    }
}
