using Microsoft.AspNetCore.DataProtection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
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
    public static IReadOnlyList<string> Problems(IConfiguration configuration, WebOptions web, IHostEnvironment environment)
    {
        var problems = new List<string>();
        var database = configuration.GetConnectionString(ConnectionName);
        if (!string.IsNullOrWhiteSpace(database))
        {
            if (string.IsNullOrWhiteSpace(web.KeysEncryptionKeyFile))
                problems.Add($"ConnectionStrings:{ConnectionName} is set but Web:KeysEncryptionKeyFile is not: the keys would be in the database in clear.");
            if (!string.IsNullOrWhiteSpace(web.KeysFolder))
                problems.Add($"ConnectionStrings:{ConnectionName} and Web:KeysFolder are both set: the keys are kept in one place, choose one.");
            // Each instance would make a key file of its own: the instances would split the ring (development only).
            if (web.KeysEncryptionGenerateIfMissing && !environment.IsDevelopment())
                problems.Add($"Web:KeysEncryptionGenerateIfMissing is for development only: with ConnectionStrings:{ConnectionName} every instance needs the same key file.");
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
    /// <returns>Null, or why the UI must not start (exit 78): a key of the ring cannot be opened with the configured key file.</returns>
    public static async Task<string?> PrepareAsync(IServiceProvider services, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var database = configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(database)) return null;
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({LockKey})", connection)) await take.ExecuteNonQueryAsync(cancellationToken);
        try
        {
            // An instance with another key file would find no key it can open and make one of its own: the ring split in two.
            if (services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository is AuthenticatedXmlRepository ring
                && services.GetService<KeyEncryptionKey>() is { } key
                && UnopenableKey(ring, key, DateTimeOffset.UtcNow) is { } problem)
                return problem;
            // Protecting anything loads the ring from the table, and creates and stores the first key when there is none.
            services.GetDataProtectionProvider().CreateProtector("Cms.Web.KeyRing").Protect([0]);
            return null;
        }
        finally
        {
            await using var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({LockKey})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Opens the secret of every unexpired key of the table with the key file. A key authenticated under this file that does not
    /// open, or a key that names another key file, is a refusal naming the key and the files' ids (no secret). Elements neither
    /// authenticated nor naming another file (a key added in clear) are left to <see cref="AuthenticatedXmlRepository"/>, which
    /// ignores them.
    /// </summary>
    internal static string? UnopenableKey(AuthenticatedXmlRepository ring, KeyEncryptionKey key, DateTimeOffset now)
    {
        foreach (var element in ring.Inner.GetAllElements())
        {
            if (element.Name.LocalName != "key") continue;
            var expiration = (string?)element.Element("expirationDate");
            try
            {
                if (expiration is null || XmlConvert.ToDateTimeOffset(expiration) <= now) continue;
            }
            catch (FormatException)
            {
                continue;
            }
            var sealedKey = element.Descendants(KeyFileXmlEncryptor.Namespace + "encryptedKey").FirstOrDefault();
            if (sealedKey is null) continue;
            var (_, id) = AuthenticatedXmlRepository.Describe(element);
            var fileId = (string?)sealedKey.Attribute("keyEncryptionKey") is { } named && Regex.IsMatch(named, "^[0-9a-f]{16}$") ? named : "?";
            if (ring.Verify(element))
            {
                try
                {
                    CryptographicOperations.ZeroMemory(key.Open(Convert.FromBase64String(sealedKey.Value)));
                }
                catch (Exception e) when (e is CryptographicException or FormatException)
                {
                    return $"the data-protection key {id} cannot be opened with Web:KeysEncryptionKeyFile (key file {key.Id}).";
                }
            }
            else if (fileId != key.Id)
            {
                return $"the data-protection key {id} is encrypted with key file {fileId}, but Web:KeysEncryptionKeyFile holds key file {key.Id}: "
                    + "every instance needs the same file (a new key here would sign out the operators of the others).";
            }
        }
        return null;
    }

    private const long LockKey = 0x636d_735f_7765_62; // "cms_web"

    public static void AddWebKeyStore(this IServiceCollection services, IConfiguration configuration, WebOptions web)
    {
        var protection = services.AddDataProtection().SetApplicationName("Cms.Web");
        var database = configuration.GetConnectionString(ConnectionName);
        if (!string.IsNullOrWhiteSpace(database))
        {
            services.AddDbContext<WebKeysDbContext>(o => o.UseNpgsql(database));
            // Each row parsed on its own and safely (a malformed row is skipped, not fatal to the ring).
            services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(
                o => o.XmlRepository = new WebKeysTableRepository(sp, sp.GetRequiredService<ILogger<WebKeysTableRepository>>())));
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
            // In the database every element is authenticated too: a row added by anyone without the key file is ignored.
            if (!string.IsNullOrWhiteSpace(database))
                services.AddSingleton<IPostConfigureOptions<KeyManagementOptions>>(sp => new PostConfigureOptions<KeyManagementOptions>(null,
                    o => o.XmlRepository = new AuthenticatedXmlRepository(
                        o.XmlRepository ?? throw new InvalidOperationException("The data-protection keys' repository is not set."), key,
                        sp.GetRequiredService<ILogger<AuthenticatedXmlRepository>>())));
        }
    }
}
