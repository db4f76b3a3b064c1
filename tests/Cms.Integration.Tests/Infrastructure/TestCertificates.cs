using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>
/// A test certification authority (standing in for the CNS CA): it issues smart-card certificates, expired ones too, revokes
/// them and publishes its certificate revocation list (CRL) to <see cref="CrlFile"/>, which the API reads as an offline CRL.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly X509Certificate2 ca;
    private readonly ECDsa caKey;
    private readonly CertificateRevocationListBuilder revoked = new();
    private readonly Lock gate = new();
    private BigInteger crlNumber;

    public TestCertificates()
    {
        caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Test CNS CA, O=Cms tests, C=IT", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-5), DateTimeOffset.UtcNow.AddYears(5));
        var folder = Directory.CreateTempSubdirectory("cms-test-ca-").FullName;
        CaFile = Path.Combine(folder, "ca.pem");
        CrlFile = Path.Combine(folder, "ca.crl");
        File.WriteAllText(CaFile, ca.ExportCertificatePem());
        PublishCrl();
    }

    public string CaFile { get; }
    /// <summary>The CA's current CRL (DER), published again on every revocation.</summary>
    public string CrlFile { get; }
    /// <summary>The CA's name as a card feed gives it (<c>certificateIssuer</c>).</summary>
    public string IssuerName => ca.SubjectName.Name;

    /// <summary>A CNS-style authentication certificate: SERIALNUMBER=IT:CF, CN=CF/serial.hash.</summary>
    public X509Certificate2 SmartCard(string codiceFiscale, bool selfSigned = false) =>
        selfSigned
            ? Request(CnsSubject(codiceFiscale), out _).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1))
            : Issue(CnsSubject(codiceFiscale));

    /// <summary>A smart-card certificate of this CA with its private key (for a TLS client: a browser presenting the card).</summary>
    public X509Certificate2 SmartCardWithKey(string codiceFiscale)
    {
        var request = Request(CnsSubject(codiceFiscale), out var key);
        using (key)
        {
            var serial = RandomNumberGenerator.GetBytes(12);
            serial[0] &= 0x7F;
            using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), serial);
            return issued.CopyWithPrivateKey(key);
        }
    }

    /// <summary>The CNS subject of a holder; <paramref name="serialNumber"/> replaces the SERIALNUMBER value (null: none).</summary>
    public static string CnsSubject(string codiceFiscale, string? serialNumber = "IT:{0}") =>
        (serialNumber is null ? "" : $"SERIALNUMBER={string.Format(System.Globalization.CultureInfo.InvariantCulture, serialNumber, codiceFiscale)}, ")
        + $"CN={codiceFiscale}/7420000000000001.abcdef, G=MARIO, SN=ROSSI, C=IT";

    /// <summary>A certificate of this CA with any subject and validity (default: from yesterday for a year).</summary>
    public X509Certificate2 Issue(string subject, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var request = Request(subject, out var key);
        using (key)
        {
            var serial = RandomNumberGenerator.GetBytes(12);
            serial[0] &= 0x7F; // a positive serial
            return request.Create(ca, notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddYears(1), serial);
        }
    }

    /// <summary>A smart-card certificate that expired yesterday.</summary>
    public X509Certificate2 Expired(string codiceFiscale) =>
        Issue(CnsSubject(codiceFiscale), DateTimeOffset.UtcNow.AddYears(-3), DateTimeOffset.UtcNow.AddDays(-1));

    /// <summary>Revokes the certificate (key compromise: a lost or stolen card) and publishes the new CRL.</summary>
    public void Revoke(X509Certificate2 certificate)
    {
        lock (gate)
        {
            revoked.AddEntry(certificate, DateTimeOffset.UtcNow.AddMinutes(-1), X509RevocationReason.KeyCompromise);
            PublishCrl();
        }
    }

    /// <summary>Signs and writes the CRL (atomically: the API may be reading it), valid until <paramref name="nextUpdate"/> (default a week).</summary>
    public void PublishCrl(DateTimeOffset? nextUpdate = null, DateTimeOffset? thisUpdate = null)
    {
        lock (gate)
        {
            crlNumber++;
            var crl = revoked.Build(ca, crlNumber, nextUpdate ?? DateTimeOffset.UtcNow.AddDays(7), HashAlgorithmName.SHA256,
                thisUpdate: thisUpdate ?? DateTimeOffset.UtcNow.AddMinutes(-1));
            var temporary = CrlFile + ".tmp";
            File.WriteAllBytes(temporary, crl);
            File.Move(temporary, CrlFile, overwrite: true);
        }
    }

    private static CertificateRequest Request(string subject, out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        return request;
    }

    public static string HeaderValue(X509Certificate2 certificate) => Convert.ToBase64String(certificate.RawData);

    public void Dispose()
    {
        ca.Dispose();
        caKey.Dispose();
        Directory.Delete(Path.GetDirectoryName(CaFile)!, recursive: true);
    }
}
