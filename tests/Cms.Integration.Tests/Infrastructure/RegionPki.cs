using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cms.Infrastructure.Interop.Modi;
using Microsoft.Extensions.Options;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>
/// The ModI signing identities of the regions in the tests (decision 0059): per region a root CA and a signing certificate
/// (RSA 2048, subject <c>CN=cms.regione-&lt;code&gt;.test, O=Regione &lt;code&gt;, C=IT</c>), written as PEM files that a Cms
/// process reads through Interop:Signing. <see cref="Other"/> makes identities from a CA no region is registered with.
/// </summary>
public sealed class RegionPki
{
    private static readonly ConcurrentDictionary<string, RegionPki> Regions = new();

    private RegionPki(string region, string? subject = null, bool ecdsa = false)
    {
        Region = region;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest($"CN=CA di prova {region} {Guid.NewGuid():N}, O=Cms tests, C=IT", caKey, HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(5));
        Subject = subject ?? $"CN=cms.regione-{region}.test, O=Regione {region}, C=IT";
        X509Certificate2 leaf;
        string keyPem;
        if (ecdsa)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            leaf = Issue(new CertificateRequest(Subject, key, HashAlgorithmName.SHA256)).CopyWithPrivateKey(key);
            keyPem = key.ExportPkcs8PrivateKeyPem();
        }
        else
        {
            using var key = RSA.Create(2048);
            leaf = Issue(new CertificateRequest(Subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)).CopyWithPrivateKey(key);
            keyPem = key.ExportPkcs8PrivateKeyPem();
        }
        Leaf = leaf;
        var folder = Directory.CreateTempSubdirectory($"cms-test-modi-{region}-").FullName;
        CertificatePath = Path.Combine(folder, "cert.pem");
        KeyPath = Path.Combine(folder, "key.pem");
        File.WriteAllText(CertificatePath, Leaf.ExportCertificatePem() + "\n" + Ca.ExportCertificatePem());
        File.WriteAllText(KeyPath, keyPem);
        SecretLedger.Register($"ModI key of {region}", keyPem.Split('\n')[1]);
        Tokens = new ModiTokens(new RegionSigningIdentity(Options.Create(new SigningIdentityOptions { CertificatePath = CertificatePath, KeyPath = KeyPath })),
            TimeProvider.System);

        X509Certificate2 Issue(CertificateRequest request)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            var serial = RandomNumberGenerator.GetBytes(12);
            serial[0] &= 0x7F;
            return request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1), DateTimeOffset.UtcNow.AddDays(-1),
                DateTimeOffset.UtcNow.AddYears(2), serial);
        }
    }

    public static RegionPki For(string region) => Regions.GetOrAdd(region, r => new RegionPki(r));

    /// <summary>An identity for <paramref name="region"/> from a CA no peer was registered with (a stranger, or a stolen name).</summary>
    public static RegionPki Other(string region, string? subject = null, bool ecdsa = false) => new(region, subject, ecdsa);

    public string Region { get; }
    public X509Certificate2 Ca { get; }
    public X509Certificate2 Leaf { get; }
    public string Subject { get; }
    public string CertificatePath { get; }
    public string KeyPath { get; }
    public string LeafPem => Leaf.ExportCertificatePem();
    public string CaPem => Ca.ExportCertificatePem();
    public ModiTokens Tokens { get; }

    /// <summary>The settings a Cms process of this region signs with (and the address peers call it at).</summary>
    public IDictionary<string, string> Settings(string publicUrl) => new Dictionary<string, string>
    {
        ["Interop__Signing__CertificatePath"] = CertificatePath, ["Interop__Signing__KeyPath"] = KeyPath, ["Interop__PublicUrl"] = publicUrl,
    };

    /// <summary>What a security administrator registers for this region: its certificate (pinned), or its CA with the subject.</summary>
    public object Registration(string name, string baseUrl, bool viaCa = false, bool enabled = true) => viaCa
        ? new { name, baseUrl, certificates = CaPem, certificateSubject = Subject, enabled }
        : new { name, baseUrl, certificates = LeafPem, enabled };

    /// <summary>Signs <paramref name="request"/> (its body <paramref name="body"/>) as this region calling <paramref name="publicUrl"/>.</summary>
    public SignedRequest Sign(HttpRequestMessage request, byte[] body, string publicUrl, TrackingClaims? tracking = null)
    {
        var path = request.RequestUri!.IsAbsoluteUri ? request.RequestUri.AbsolutePath : request.RequestUri.OriginalString.Split('?')[0];
        var contentType = request.Content?.Headers.ContentType?.ToString() ?? "";
        var signed = Tokens.SignRequest(Region, publicUrl + path, body, contentType,
            tracking ?? new TrackingClaims("RSSMRA80A01H501U", $"{Region}-201-AS001", "low"), withIdAuth: true);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", signed.IdAuth);
        request.Headers.TryAddWithoutValidation(ModiProfile.DigestHeader, signed.Digest);
        request.Headers.TryAddWithoutValidation(ModiProfile.SignatureHeader, signed.Signature);
        request.Headers.TryAddWithoutValidation(ModiProfile.TrackingEvidenceHeader, signed.TrackingEvidence);
        return signed;
    }
}
