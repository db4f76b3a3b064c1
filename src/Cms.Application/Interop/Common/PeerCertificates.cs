using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cms.Application.Interop.Common;

/// <summary>
/// What a peer region is trusted by (decision 0059): a PEM bundle of certificates, each either the peer's own signing
/// certificate (pinned: the x5c leaf must be that very certificate) or a self-signed CA (the x5c chain must end in it, and the
/// leaf must then carry the registered subject, since a CA may certify other regions too). No revocation check is made
/// (the regions' CAs publish no OCSP reachable from every region's network); rotation is registering the new certificate
/// beside the old one, then removing the old.
/// </summary>
public static class PeerCertificates
{
    public const int MaxPemLength = 40_000;

    /// <summary>Parses the bundle; null with the reason in Italian when it is not one this region can trust by.</summary>
    public static X509Certificate2Collection? Parse(string? pem, out string? problem)
    {
        problem = null;
        var bundle = new X509Certificate2Collection();
        if (pem is not null && pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            problem = "Il testo contiene una chiave privata: si registra solo il certificato.";
            return null;
        }
        try
        {
            if (string.IsNullOrWhiteSpace(pem)) throw new CryptographicException();
            bundle.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            problem = "Certificati non leggibili: servono uno o più certificati X.509 in formato PEM (-----BEGIN CERTIFICATE-----).";
            return null;
        }
        if (bundle.Count is 0 or > 10)
        {
            problem = "Servono da 1 a 10 certificati in formato PEM.";
            return null;
        }
        foreach (var certificate in bundle)
        {
            if (certificate.HasPrivateKey)
            {
                problem = "Il file contiene una chiave privata: si registra solo il certificato.";
                return null;
            }
            if (IsCa(certificate) && !SelfSigned(certificate))
            {
                problem = $"Il certificato «{certificate.Subject}» è una CA intermedia: registrare la CA radice (con il soggetto del certificato " +
                    "della Regione) oppure il certificato stesso della Regione.";
                return null;
            }
        }
        return bundle;
    }

    public static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(b => b.CertificateAuthority);

    public static bool SelfSigned(X509Certificate2 certificate) => certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    /// <summary>The subject as compared: the distinguished name in its RFC 4514-like form, without spaces after separators.</summary>
    public static string Normalise(string distinguishedName) =>
        new X500DistinguishedName(distinguishedName).Name.Replace(", ", ",", StringComparison.Ordinal);

    /// <summary>
    /// Whether <paramref name="leaf"/> (with the rest of its x5c chain in <paramref name="intermediates"/>) is the peer's at
    /// <paramref name="at"/>: a pinned certificate, or a chain to a registered CA with the registered subject. Null when it is,
    /// else the reason in Italian.
    /// </summary>
    public static string? Check(X509Certificate2 leaf, IReadOnlyList<X509Certificate2> intermediates, X509Certificate2Collection trusted,
        string? subject, DateTimeOffset at)
    {
        if (at < leaf.NotBefore.ToUniversalTime() || at > leaf.NotAfter.ToUniversalTime())
            return "Il certificato di firma non è valido in questa data (scaduto o non ancora valido).";
        if (leaf.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault() is { } usage
            && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.DigitalSignature) && !usage.KeyUsages.HasFlag(X509KeyUsageFlags.NonRepudiation))
            return "Il certificato di firma non è abilitato alla firma digitale (key usage).";
        var leafHash = leaf.GetCertHash(HashAlgorithmName.SHA256);
        if (trusted.Any(t => !IsCa(t) && t.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(leafHash)))
            return null;
        var roots = trusted.Where(IsCa).ToList();
        if (roots.Count == 0) return "Il certificato di firma non è quello registrato per la Regione.";
        if (subject is null || Normalise(leaf.Subject) != Normalise(subject))
            return "Il soggetto del certificato di firma non è quello registrato per la Regione.";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Never fetch anything the caller's certificate points at (its AIA): the chain is built from x5c and the registration alone.
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots.ToArray());
        foreach (var intermediate in intermediates) chain.ChainPolicy.ExtraStore.Add(intermediate);
        return chain.Build(leaf) ? null : "Il certificato di firma non è emesso da una CA registrata per la Regione.";
    }
}

/// <summary>
/// The level of assurance of an operator's sign-in as the AUDIT_REST_02 tracking evidence states it (claim <c>LoA</c>), on the
/// eIDAS scale: a password is <c>low</c>; a certificate on the operator's smart card (possession and PIN) is <c>substantial</c>
/// (decision 0059). Unknown methods are <c>low</c>.
/// </summary>
public static class LevelOfAssurance
{
    public const string Low = "low";
    public const string Substantial = "substantial";

    public static string Of(string? method) => method == "smartcard" ? Substantial : Low;
}
