using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cms.Web.Keys;

/// <summary>
/// Where the UI's data-protection keys live (decision 0057). With <c>ConnectionStrings:CmsWebKeys</c>: in the database, in one
/// table every instance shares, each key encrypted with the key file (<c>Web:KeysEncryptionKeyFile</c>) — required there, since a
/// dump of the database must not let anyone forge the sign-in cookie or read what the UI protects. Without it: in
/// <c>Web:KeysFolder</c> as before (one instance, or a folder the instances share), encrypted too when the key file is set.
/// </summary>
public static class WebKeyStore
{
    public const string ConnectionName = "CmsWebKeys";

    /// <summary>The settings the UI refuses to start with (exit 78), as <see cref="UiStartupChecks"/>.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration, WebOptions web)
    {
        var problems = new List<string>();
        var database = configuration.GetConnectionString(ConnectionName);
        if (!string.IsNullOrWhiteSpace(database))
        {
            if (string.IsNullOrWhiteSpace(web.KeysEncryptionKeyFile))
                problems.Add($"ConnectionStrings:{ConnectionName} is set but Web:KeysEncryptionKeyFile is not: the keys would be in the database in clear.");
            if (!string.IsNullOrWhiteSpace(web.KeysFolder))
                problems.Add($"ConnectionStrings:{ConnectionName} and Web:KeysFolder are both set: the keys are kept in one place, choose one.");
        }
        if (!string.IsNullOrWhiteSpace(web.KeysEncryptionKeyFile))
        {
            try
            {
                KeyEncryptionKey.Load(web.KeysEncryptionKeyFile, web.KeysEncryptionGenerateIfMissing);
            }
            catch (InvalidOperationException e)
            {
                problems.Add(e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"Web:KeysEncryptionKeyFile cannot be read: {e.GetType().Name}.");
            }
        }
        return problems;
    }

    /// <summary>
    /// Makes the key ring before the UI serves, one instance at a time (a PostgreSQL advisory lock). Instances started together on
    /// an empty table would otherwise each create a first key, active at once, and each keep only its own in its cached ring: a
    /// cookie of one would be refused by another until the next refresh of the ring (up to a day). Under the lock the second
    /// instance finds the first's key and uses it. Later keys are made ahead of their activation and reach every instance in time.
    /// </summary>
    public static async Task PrepareAsync(IServiceProvider services, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var database = configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(database)) return;
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", connection)) await take.ExecuteNonQueryAsync(cancellationToken);
        try
        {
            // Protecting anything loads the ring from the table, and creates and stores the first key when there is none.
            services.GetDataProtectionProvider().CreateProtector("Cms.Web.KeyRing").Protect([0]);
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private const long LockKey = 0x636d_735f_7765_62; // "cms_web"

    public static void AddWebKeyStore(this IServiceCollection services, IConfiguration configuration, WebOptions web)
    {
        var protection = services.AddDataProtection().SetApplicationName("Cms.Web");
        var database = configuration.GetConnectionString(ConnectionName);
        if (!string.IsNullOrWhiteSpace(database))
        {
            services.AddDbContext<WebKeysDbContext>(o => o.UseNpgsql(database));
            protection.PersistKeysToDbContext<WebKeysDbContext>();
        }
        else if (!string.IsNullOrEmpty(web.KeysFolder))
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(web.KeysFolder));
        }
        if (!string.IsNullOrWhiteSpace(web.KeysEncryptionKeyFile))
        {
            var key = KeyEncryptionKey.Load(web.KeysEncryptionKeyFile, web.KeysEncryptionGenerateIfMissing);
            services.AddSingleton(key);
            services.Configure<KeyManagementOptions>(o => o.XmlEncryptor = new KeyFileXmlEncryptor(key));
        }
    }
}
