using Cms.Domain.Common;

namespace Cms.Domain.Interop;

/// <summary>
/// Another region's Cms [SPEC §3.11]: where its inbound interop endpoint answers and the secret both sides sign their
/// requests with (kept sealed under the code key ring, never in clear). A disabled peer is neither called nor heard.
/// </summary>
public sealed class Peer
{
    private Peer() { }

    public Peer(string regionCode, string name, string baseUrl, string secretKeyId, byte[] secretCiphertext, bool enabled, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7();
        RegionCode = regionCode;
        CreatedAt = now;
        Update(name, baseUrl, secretKeyId, secretCiphertext, enabled, now);
    }

    /// <summary>Stands for the peer where a request needs an operator (the audit trail, the requests it makes here).</summary>
    public Guid Id { get; private set; }
    public string RegionCode { get; private set; } = null!;
    public string Name { get; private set; } = null!;
    public string BaseUrl { get; private set; } = null!;
    public string SecretKeyId { get; private set; } = null!;
    public byte[] SecretCiphertext { get; private set; } = null!;
    public bool Enabled { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The counter code under which this region records what the peer asked of it.</summary>
    public string CounterCode => CounterCodeOf(RegionCode);

    public static string CounterCodeOf(string regionCode) => $"INTEROP-{regionCode}";

    public void Update(string name, string baseUrl, string secretKeyId, byte[] secretCiphertext, bool enabled, DateTimeOffset now)
    {
        Name = name;
        BaseUrl = baseUrl.TrimEnd('/');
        SecretKeyId = secretKeyId;
        SecretCiphertext = secretCiphertext;
        Enabled = enabled;
        UpdatedAt = now;
    }

    public void Update(string name, string baseUrl, bool enabled, DateTimeOffset now) =>
        Update(name, baseUrl, SecretKeyId, SecretCiphertext, enabled, now);

    public static DomainRuleException NotRegistered(string region) =>
        new DomainRuleException("peer-not-registered",
                $"La Regione emittente ({region}) non è collegata a questo CMS per l'interoperabilità: rivolgersi all'amministratore della sicurezza.")
            .With("issuerRegion", region);
}
