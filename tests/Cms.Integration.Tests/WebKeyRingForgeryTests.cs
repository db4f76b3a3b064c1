using System.Net;
using System.Security.Cryptography;
using System.Xml;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;

namespace Cms.Integration.Tests;

/// <summary>A database of its own for <see cref="WebKeyRingForgeryTests"/> (it adds forged rows the other tests must not see).</summary>
public sealed class WebKeysForgeryDatabase : WebKeysDatabase
{
    protected override string Name => "cms_web_keys_forgery";
}

/// <summary>
/// Decision 0057, the ring authenticated: rows added to <c>web.data_protection_keys</c> by someone without the key file (here the
/// UI's own role, which may insert) are ignored, and an instance with another key file refuses to start instead of splitting the ring.
/// </summary>
public sealed class WebKeyRingForgeryTests(WebKeysForgeryDatabase database) : IClassFixture<WebKeysForgeryDatabase>
{
    private Dictionary<string, string> Settings(string keyFile) => new()
    {
        ["ConnectionStrings__CmsWebKeys"] = database.Web,
        ["Web__KeysEncryptionKeyFile"] = keyFile,
    };

    private async Task InsertAsWebRoleAsync(string xml)
    {
        await using var connection = new NpgsqlConnection(database.Web);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO web.data_protection_keys (friendly_name, xml) VALUES ('forged', @x)", connection);
        insert.Parameters.AddWithValue("x", xml);
        await insert.ExecuteNonQueryAsync();
    }

    /// <summary>An anti-forgery pair (cookie, form token) protected with <paramref name="provider"/>'s keys, as Antiforgery serializes it.</summary>
    private static (string Cookie, string Token) ForgeAntiforgery(IDataProtectionProvider provider)
    {
        var protector = provider.CreateProtector("Microsoft.AspNetCore.Antiforgery.AntiforgeryToken.v1");
        var securityToken = RandomNumberGenerator.GetBytes(16);
        string Serialize(bool cookie)
        {
            using var stream = new MemoryStream();
            using var writer = new BinaryWriter(stream);
            writer.Write((byte)1);
            writer.Write(securityToken);
            writer.Write(cookie);
            if (!cookie)
            {
                writer.Write(false); // not claims-based: an anonymous user
                writer.Write("");    // user name
                writer.Write("");    // additional data
            }
            writer.Flush();
            return WebEncoders.Base64UrlEncode(protector.Protect(stream.ToArray()));
        }
        return (Serialize(true), Serialize(false));
    }

    private static async Task<HttpStatusCode> PostForgedSignInFormAsync(WebKeysTests.WebInstance to, (string Cookie, string Token) forged)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        using var page = await http.GetAsync(to.Url + "/accedi");
        var cookieName = page.Headers.GetValues("Set-Cookie").Select(c => c.Split('=')[0]).Single(n => n.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        using var post = new HttpRequestMessage(HttpMethod.Post, to.Url + "/accedi")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.CodiceFiscale"] = "SCRMNS80A01D612M", ["Input.Password"] = "not-checked", ["__RequestVerificationToken"] = forged.Token,
            }),
        };
        post.Headers.Add("Cookie", $"{cookieName}={forged.Cookie}");
        using var answer = await http.SendAsync(post);
        return answer.StatusCode;
    }

    [Fact]
    public async Task A_key_in_clear_and_a_revocation_of_every_key_added_to_the_table_are_ignored()
    {
        var forgerFolder = Directory.CreateTempSubdirectory("cms-web-forged-key-").FullName;
        try
        {
            await using var genuine = await WebKeysTests.WebInstance.StartAsync(Settings(database.KeyFile));
            // (b) every key revoked, as of now (the genuine key was made before); (a) then a key in clear, made by Data Protection itself
            // in a folder, created and active after the genuine one: without the MAC it would be the default key.
            var revokedAt = DateTimeOffset.UtcNow;
            await Task.Delay(50);
            var forger = DataProtectionProvider.Create(new DirectoryInfo(forgerFolder), b => b.SetApplicationName("Cms.Web"));
            var forged = ForgeAntiforgery(forger);
            var forgedKey = await File.ReadAllTextAsync(Directory.GetFiles(forgerFolder, "key-*.xml").Single());
            Assert.Contains("masterKey", forgedKey);
            await InsertAsWebRoleAsync(forgedKey);
            await InsertAsWebRoleAsync($"""
                <revocation version="1"><revocationDate>{XmlConvert.ToString(revokedAt)}</revocationDate><key id="*" /><reason>forged</reason></revocation>
                """);
            // Rows that are not a key ring's XML at all (broken, and a DTD's entity bomb): skipped, the ring still loads.
            await InsertAsWebRoleAsync("<key id=\"broken\"");
            await InsertAsWebRoleAsync("""<?xml version="1.0"?><!DOCTYPE b [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><key>&b;</key>""");

            await using var fresh = await WebKeysTests.WebInstance.StartAsync(Settings(database.KeyFile));
            // The fresh instance still uses the genuine key: a token of the genuine ring is accepted, and the other way round.
            Assert.Equal(HttpStatusCode.OK, await WebKeysTests.PostSignInFormAsync(genuine, fresh));
            Assert.Equal(HttpStatusCode.OK, await WebKeysTests.PostSignInFormAsync(fresh, genuine));
            // What the forged key protected is refused; the control: an instance whose ring is the forger's folder accepts it.
            Assert.Equal(HttpStatusCode.BadRequest, await PostForgedSignInFormAsync(fresh, forged));
            await using (var forgersOwn = await WebKeysTests.WebInstance.StartAsync(new Dictionary<string, string> { ["Web__KeysFolder"] = forgerFolder }))
                Assert.Equal(HttpStatusCode.OK, await PostForgedSignInFormAsync(forgersOwn, forged));
            // Logged by kind and id, never the content.
            Assert.Contains("element key ", fresh.Output);
            Assert.Contains("element revocation *", fresh.Output);
            Assert.Contains("not well-formed XML", fresh.Output);
            Assert.DoesNotContain("masterKey", fresh.Output);
        }
        finally
        {
            Directory.Delete(forgerFolder, recursive: true);
        }
    }

    [Fact]
    public async Task An_instance_with_another_key_file_refuses_to_start_naming_the_key_and_the_files()
    {
        // The ring has a genuine key (made now if the table is empty).
        await (await WebKeysTests.WebInstance.StartAsync(Settings(database.KeyFile))).DisposeAsync();
        var otherFolder = Directory.CreateTempSubdirectory("cms-web-other-key-").FullName;
        try
        {
            var otherFile = Path.Combine(otherFolder, "other.key");
            var other = RandomNumberGenerator.GetBytes(32);
            await File.WriteAllTextAsync(otherFile, Convert.ToBase64String(other));
            var (exitCode, output) = await WebKeysTests.RunToExitAsync(Settings(otherFile));
            Assert.Equal(78, exitCode);
            var genuineId = Convert.ToHexStringLower(SHA256.HashData(Convert.FromBase64String((await File.ReadAllTextAsync(database.KeyFile)).Trim())))[..16];
            Assert.Contains($"is encrypted with key file {genuineId}", output);
            Assert.Contains($"holds key file {Convert.ToHexStringLower(SHA256.HashData(other))[..16]}", output);
            Assert.DoesNotContain(Convert.ToBase64String(other), output);

            // Generating the key file is for development only when the keys are in the database.
            var generated = Settings(Path.Combine(otherFolder, "generated.key"));
            generated["Web__KeysEncryptionGenerateIfMissing"] = "true";
            (exitCode, output) = await WebKeysTests.RunToExitAsync(generated);
            Assert.Equal(78, exitCode);
            Assert.Contains("Web:KeysEncryptionGenerateIfMissing is for development only", output);
        }
        finally
        {
            Directory.Delete(otherFolder, recursive: true);
        }
    }
}
