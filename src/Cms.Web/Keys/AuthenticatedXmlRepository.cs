using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Cms.Web.Keys;

/// <summary>
/// Authenticates the key ring as it is kept (decision 0057). Data Protection decrypts only what is wrapped in
/// <c>&lt;encryptedSecret&gt;</c>: it takes a <c>&lt;key&gt;</c> with its <c>&lt;masterKey&gt;</c> in clear, and neither a key's id and
/// dates nor a <c>&lt;revocation&gt;</c> is authenticated. Whoever can add a row to the table (the UI's role, the owner, a restore)
/// could otherwise add a key they know, or revoke every key. Every element stored carries an HMAC-SHA256 (attribute
/// <see cref="MacAttribute"/> on its root) over its text without that attribute, under a key derived from the key file; an
/// element whose MAC is missing or wrong is not given to Data Protection (logged once, by kind and id).
/// </summary>
public sealed class AuthenticatedXmlRepository(IXmlRepository inner, KeyEncryptionKey key, ILogger<AuthenticatedXmlRepository> logger) : IXmlRepository
{
    public const string MacAttribute = "cmsMac";

    private readonly ConcurrentDictionary<string, bool> reported = new();

    public IXmlRepository Inner => inner;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var verified = new List<XElement>();
        foreach (var element in inner.GetAllElements())
        {
            if (Verify(element))
            {
                var copy = new XElement(element);
                copy.Attribute(MacAttribute)?.Remove();
                verified.Add(copy);
            }
            else
            {
                var (kind, id) = Describe(element);
                if (reported.TryAdd(kind + "/" + id, true))
                    logger.LogWarning("Web key ring: element {Kind} {Id} ignored: its MAC is missing or wrong (not written by an instance with this key file).",
                        kind, id);
            }
        }
        return verified;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var copy = new XElement(element);
        copy.Attribute(MacAttribute)?.Remove();
        copy.SetAttributeValue(MacAttribute, Convert.ToBase64String(Mac(copy)));
        inner.StoreElement(copy, friendlyName);
    }

    /// <summary>True when the element carries the MAC this key file gives it.</summary>
    public bool Verify(XElement element)
    {
        if ((string?)element.Attribute(MacAttribute) is not { } stored) return false;
        byte[] given;
        try
        {
            given = Convert.FromBase64String(stored);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(given, Mac(element));
    }

    /// <summary>The element's kind and id for a log line: a key's id, a revocation's key id or "*"; never the content.</summary>
    public static (string Kind, string Id) Describe(XElement element)
    {
        var kind = element.Name.LocalName is "key" or "revocation" ? element.Name.LocalName : "other";
        var raw = kind == "revocation" ? (string?)element.Element("key")?.Attribute("id") : (string?)element.Attribute("id");
        var id = raw == "*" ? "*" : Guid.TryParse(raw, out var guid) ? guid.ToString() : "?";
        return (kind, id);
    }

    private byte[] Mac(XElement element)
    {
        var canonical = new XElement(element);
        canonical.Attribute(MacAttribute)?.Remove();
        var text = Encoding.UTF8.GetBytes(canonical.ToString(SaveOptions.DisableFormatting));
        using var hmac = new HMACSHA256(key.MacKey);
        return hmac.ComputeHash(text);
    }
}
