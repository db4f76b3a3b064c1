using System.Collections.Concurrent;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace Cms.Web.Keys;

/// <summary>
/// The rows of <c>web.data_protection_keys</c> as the key ring's elements (decision 0057). Unlike the EF Core repository it
/// replaces, each row is parsed on its own, with DTDs prohibited and no resolver: a row that is not well-formed XML — added by
/// anyone with the UI's role — is skipped and logged (by its row id) instead of failing the whole ring, and an entity bomb is
/// refused before it is expanded. Whether an element was written by an instance with the key file is
/// <see cref="AuthenticatedXmlRepository"/>'s to say.
/// </summary>
public sealed class WebKeysTableRepository(IServiceProvider services, ILogger<WebKeysTableRepository> logger) : IXmlRepository
{
    private static readonly XmlReaderSettings Safe = new()
    {
        DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true, MaxCharactersInDocument = 1 << 20,
    };

    private readonly ConcurrentDictionary<int, bool> reported = new();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WebKeysDbContext>();
        var elements = new List<XElement>();
        foreach (var row in db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).ToList())
        {
            if (Parse(row.Xml) is { } element) elements.Add(element);
            else if (reported.TryAdd(row.Id, true))
                logger.LogWarning("Web key ring: row {RowId} of web.data_protection_keys ignored: not well-formed XML.", row.Id);
        }
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<WebKeysDbContext>();
        db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }

    /// <summary>One row's element, or null when it is not well-formed XML (or holds a DTD).</summary>
    internal static XElement? Parse(string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml)) return null;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), Safe);
            return XElement.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }
    }
}
