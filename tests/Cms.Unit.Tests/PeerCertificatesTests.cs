using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cms.Application.Interop.Common;

namespace Cms.Unit.Tests;

/// <summary>What a peer region is trusted by (decision 0059): a pinned certificate, or a root CA with the subject.</summary>
public class PeerCertificatesTests
{
    private static (X509Certificate2 Ca, X509Certificate2 Leaf) Issue(string subject)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest($"CN=CA {Guid.NewGuid():N}, C=IT", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(5));
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var leaf = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), [1, 2, 3, 4]);
        return (X509CertificateLoader.LoadCertificate(ca.RawData), X509CertificateLoader.LoadCertificate(leaf.RawData));
    }

    private const string Subject = "CN=cms.regione-200.test, O=Regione 200, C=IT";

    [Fact]
    public void A_root_CA_with_the_subject_trusts_its_certificate_and_nothing_else()
    {
        var (ca, leaf) = Issue(Subject);
        var trusted = PeerCertificates.Parse(ca.ExportCertificatePem(), out var problem)!;
        Assert.Null(problem);
        var now = DateTimeOffset.UtcNow;
        Assert.Null(PeerCertificates.Check(leaf, [ca], trusted, PeerCertificates.Normalise(Subject), now));
        Assert.Null(PeerCertificates.Check(leaf, [], trusted, "CN=cms.regione-200.test,O=Regione 200,C=IT", now));
        Assert.NotNull(PeerCertificates.Check(leaf, [ca], trusted, "CN=cms.regione-190.test, O=Regione 190, C=IT", now));
        Assert.NotNull(PeerCertificates.Check(leaf, [ca], trusted, null, now));
        var (_, impostor) = Issue(Subject);
        Assert.NotNull(PeerCertificates.Check(impostor, [], trusted, Subject, now));
        Assert.NotNull(PeerCertificates.Check(leaf, [ca], trusted, Subject, now.AddYears(2)));
    }

    [Fact]
    public void A_pinned_certificate_trusts_itself_only()
    {
        var (ca, leaf) = Issue(Subject);
        var (_, other) = Issue(Subject);
        var pinned = PeerCertificates.Parse(leaf.ExportCertificatePem(), out _)!;
        Assert.Null(PeerCertificates.Check(leaf, [ca], pinned, null, DateTimeOffset.UtcNow));
        Assert.NotNull(PeerCertificates.Check(other, [], pinned, Subject, DateTimeOffset.UtcNow));
        Assert.Null(PeerCertificates.Parse("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" + leaf.ExportCertificatePem(), out var problem));
        Assert.NotNull(problem);
    }
}
