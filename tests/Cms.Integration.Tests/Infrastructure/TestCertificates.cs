using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>A test certification authority (standing in for the CNS CA) and the smart-card certificates it issues.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly X509Certificate2 ca;
    private readonly ECDsa caKey;

    public TestCertificates()
    {
        caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Test CNS CA, O=Cms tests, C=IT", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        CaFile = Path.Combine(Path.GetTempPath(), $"cms-test-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(CaFile, ca.ExportCertificatePem());
    }

    public string CaFile { get; }

    /// <summary>A CNS-style authentication certificate: SERIALNUMBER=IT:CF, CN=CF/serial.hash.</summary>
    public X509Certificate2 SmartCard(string codiceFiscale, bool selfSigned = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = $"SERIALNUMBER=IT:{codiceFiscale}, CN={codiceFiscale}/7420000000000001.abcdef, G=MARIO, SN=ROSSI, C=IT";
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (selfSigned) return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var serial = RandomNumberGenerator.GetBytes(12);
        return request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), serial);
    }

    public static string HeaderValue(X509Certificate2 certificate) => Convert.ToBase64String(certificate.RawData);

    public void Dispose()
    {
        ca.Dispose();
        caKey.Dispose();
        File.Delete(CaFile);
    }
}
