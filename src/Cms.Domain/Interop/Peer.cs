using Cms.Domain.Common;

namespace Cms.Domain.Interop;

/// <summary>
/// Another region's Cms [SPEC §3.11]: where its inbound interop endpoint answers and how it is recognised. Under the AgID
/// ModI profile (decision 0059) a peer is registered with the certificates its signatures must chain to
/// (<see cref="TrustCertificates"/>: its own certificate, pinned, or the CA that issues it, then with the subject its
/// certificate must carry), and optionally its client id at the PDND authorization server. The shared secret of the
/// deprecated HMAC scheme is kept sealed only while that scheme is switched on. A disabled peer is neither called nor heard.
/// </summary>
public sealed class Peer
{
    private Peer() { }

    public Peer(string regionCode, string name, string baseUrl, bool enabled, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7();
        RegionCode = regionCode;
        CreatedAt = now;
        Update(name, baseUrl, enabled, now);
    }

    /// <summary>Stands for the peer where a request needs an operator (the audit trail, the requests it makes here).</summary>
    public Guid Id { get; private set; }
    public string RegionCode { get; private set; } = null!;
    public string Name { get; private set; } = null!;
    public string BaseUrl { get; private set; } = null!;
    /// <summary>Deprecated HMAC scheme only (Interop:LegacyHmac): the shared secret, sealed under the code key ring.</summary>
    public string? SecretKeyId { get; private set; }
    public byte[]? SecretCiphertext { get; private set; }
    /// <summary>PEM: the certificates (the peer's own, or its CA's) the x5c chain of its signatures must end in.</summary>
    public string? TrustCertificates { get; private set; }
    /// <summary>The subject (distinguished name) the peer's signing certificate must carry; required when a CA is trusted.</summary>
    public string? CertificateSubject { get; private set; }
    /// <summary>The peer's client id at the PDND authorization server (checked in its vouchers), when the regions use PDND.</summary>
    public string? PdndClientId { get; private set; }
    public bool Enabled { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The counter code under which this region records what the peer asked of it.</summary>
    public string CounterCode => CounterCodeOf(RegionCode);

    public static string CounterCodeOf(string regionCode) => $"INTEROP-{regionCode}";

    public void Update(string name, string baseUrl, bool enabled, DateTimeOffset now)
    {
        Name = name;
        BaseUrl = baseUrl.TrimEnd('/');
        Enabled = enabled;
        UpdatedAt = now;
    }

    /// <summary>
    /// The ModI trust: the certificates, the subject (null when a certificate is pinned) and the PDND client id. The shared secret
    /// of the deprecated HMAC scheme is erased: from now on the peer is heard only through ModI.
    /// </summary>
    public void Trust(string trustCertificates, string? certificateSubject, string? pdndClientId)
    {
        TrustCertificates = trustCertificates;
        CertificateSubject = certificateSubject;
        PdndClientId = pdndClientId;
        SecretKeyId = null;
        SecretCiphertext = null;
    }

    public void ShareSecret(string keyId, byte[] ciphertext)
    {
        SecretKeyId = keyId;
        SecretCiphertext = ciphertext;
    }

    public static DomainRuleException NotRegistered(string region) =>
        new DomainRuleException("peer-not-registered",
                $"La Regione emittente ({region}) non è collegata a questo CMS per l'interoperabilità: rivolgersi all'amministratore della sicurezza.")
            .With("issuerRegion", region);
}
