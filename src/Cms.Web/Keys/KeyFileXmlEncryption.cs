using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Cms.Web.Keys;

/// <summary>
/// The key that encrypts the data-protection keys at rest (decision 0057): 32 random bytes, base64, in a file that is not in the
/// database (<c>Web:KeysEncryptionKeyFile</c>), so a dump of the database shows no key a forger could use. Generated when missing
/// and <c>Web:KeysEncryptionGenerateIfMissing</c> (development), like the API's other key files.
/// </summary>
public sealed class KeyEncryptionKey
{
    private readonly byte[] key;

    private KeyEncryptionKey(byte[] key)
    {
        this.key = key;
        // The key ring's MAC key (AuthenticatedXmlRepository): derived, never the encryption key itself.
        MacKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, key, 32, info: Encoding.UTF8.GetBytes("Cms.Web data-protection key ring MAC v1"));
        // Names the file's key in each encrypted element (not secret: a hash prefix), so a wrong file is told apart from tampering.
        Id = Convert.ToHexStringLower(SHA256.HashData(key))[..16];
    }

    public string Id { get; }

    internal byte[] MacKey { get; }

    public static KeyEncryptionKey Load(string file, bool generateIfMissing)
    {
        if (!File.Exists(file) && generateIfMissing)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            try
            {
                // Made 600 from the start (no window in which another user could open it).
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var stream = new FileStream(file, options);
                using var writer = new StreamWriter(stream);
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }
            catch (IOException) when (File.Exists(file))
            {
                // Another instance on the same host made it first: its key is the one (read below, once it is written).
            }
        }
        if (!File.Exists(file)) throw new InvalidOperationException($"Web:KeysEncryptionKeyFile: the file '{file}' does not exist.");
        byte[] bytes = [];
        // A file being written by another instance is empty or short for a moment: wait for it (briefly) rather than refuse.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                bytes = Convert.FromBase64String(File.ReadAllText(file).Trim());
                if (bytes.Length == 32 || !generateIfMissing || attempt >= 20) break;
            }
            catch (FormatException)
            {
                if (!generateIfMissing || attempt >= 20) throw new InvalidOperationException("Web:KeysEncryptionKeyFile: the file does not hold base64 text.");
            }
            Thread.Sleep(50);
        }
        if (bytes.Length != 32) throw new InvalidOperationException("Web:KeysEncryptionKeyFile: the file must hold exactly 32 bytes (base64).");
        return new KeyEncryptionKey(bytes);
    }

    internal static byte[] Aad(string id) => Encoding.UTF8.GetBytes("Cms.Web data-protection key/" + id);

    internal byte[] Seal(byte[] plaintext)
    {
        var sealedBytes = new byte[12 + 16 + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), Aad(Id));
        return sealedBytes;
    }

    internal byte[] Open(byte[] sealedBytes)
    {
        if (sealedBytes.Length < 28) throw new CryptographicException("The encrypted data-protection key is truncated.");
        var plaintext = new byte[sealedBytes.Length - 28];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(sealedBytes.AsSpan(0, 12), sealedBytes.AsSpan(28), sealedBytes.AsSpan(12, 16), plaintext, Aad(Id));
        return plaintext;
    }
}

/// <summary>Encrypts each new key's secret element with AES-256-GCM under the <see cref="KeyEncryptionKey"/>.</summary>
public sealed class KeyFileXmlEncryptor(KeyEncryptionKey key) : IXmlEncryptor
{
    public static readonly XNamespace Namespace = "urn:cms:web:data-protection-key";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        try
        {
            var element = new XElement(Namespace + "encryptedKey",
                new XAttribute("algorithm", "AES-256-GCM"),
                new XAttribute("keyEncryptionKey", key.Id),
                Convert.ToBase64String(key.Seal(plaintext)));
            return new EncryptedXmlInfo(element, typeof(KeyFileXmlDecryptor));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>
/// Decrypts what <see cref="KeyFileXmlEncryptor"/> wrote. Made by the data-protection system from the type named in the stored
/// XML, with the application's services (which hold the <see cref="KeyEncryptionKey"/>).
/// </summary>
public sealed class KeyFileXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var key = services.GetService(typeof(KeyEncryptionKey)) as KeyEncryptionKey
            ?? throw new InvalidOperationException("A data-protection key is encrypted with a key file, but Web:KeysEncryptionKeyFile is not set.");
        var id = (string?)encryptedElement.Attribute("keyEncryptionKey");
        if (id != key.Id)
            throw new CryptographicException($"This data-protection key was encrypted with another key file ({id}); Web:KeysEncryptionKeyFile holds {key.Id}.");
        var plaintext = key.Open(Convert.FromBase64String(encryptedElement.Value));
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
