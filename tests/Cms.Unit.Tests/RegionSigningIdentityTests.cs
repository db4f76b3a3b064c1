using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cms.Application.Interop.Contracts;
using Cms.Infrastructure.Interop.Modi;
using Microsoft.Extensions.Options;

namespace Cms.Unit.Tests;

/// <summary>
/// This region's ModI signing identity (decision 0059): from PEM files or a PKCS#12 file, read again when the files change
/// (a rotation), and what it signs checks against its certificate only.
/// </summary>
public class RegionSigningIdentityTests
{
    private static X509Certificate2 Certificate(string subject, ECDsa? ecdsa = null)
    {
        if (ecdsa is not null)
            return new CertificateRequest(subject, ecdsa, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        using var rsa = RSA.Create(2048);
        return new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private static PeerCredentials Trusting(X509Certificate2 certificate) =>
        new(Guid.NewGuid(), "090", "Toscana", "https://cms.example", true, [X509CertificateLoader.LoadCertificate(certificate.RawData)], null, null, null, true);

    private static async Task<string?> RefusalAsync(ModiTokens tokens, X509Certificate2 trusted)
    {
        var signed = tokens.SignAnswer("090", "200", "{}"u8, "application/json", null, 200);
        var (_, refusal) = await tokens.CheckAsync(signed.Signature, Trusting(trusted), "200", subject: true, "test");
        return refusal?.Rule;
    }

    [Fact]
    public async Task A_PEM_identity_is_read_again_when_its_files_are_replaced()
    {
        var folder = Directory.CreateTempSubdirectory("cms-signing-").FullName;
        var (certificatePath, keyPath) = (Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"));
        var first = Certificate("CN=prima");
        File.WriteAllText(certificatePath, first.ExportCertificatePem());
        File.WriteAllText(keyPath, first.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var identity = new RegionSigningIdentity(Options.Create(new SigningIdentityOptions { CertificatePath = certificatePath, KeyPath = keyPath }));
        var tokens = new ModiTokens(identity, TimeProvider.System);
        Assert.Null(await RefusalAsync(tokens, first));

        // Rotation: an ECDSA key and its certificate in place of the RSA ones; the next signature is the new identity's.
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var second = Certificate("CN=seconda", ec);
        File.WriteAllText(certificatePath, second.ExportCertificatePem());
        File.WriteAllText(keyPath, ec.ExportPkcs8PrivateKeyPem());
        // Copied in with an older time (cp -p): still seen as a change.
        File.SetLastWriteTimeUtc(certificatePath, DateTime.UtcNow.AddDays(-30));
        Assert.Equal("CN=seconda", identity.Current.Certificate.Subject);
        Assert.Null(await RefusalAsync(tokens, second));
        Assert.Equal("modi-certificate-untrusted", await RefusalAsync(tokens, first));
    }

    [Fact]
    public async Task A_PKCS12_identity_signs_and_a_missing_or_unreadable_one_says_so_without_its_secrets()
    {
        var folder = Directory.CreateTempSubdirectory("cms-signing-").FullName;
        var certificate = Certificate("CN=pkcs12");
        var path = Path.Combine(folder, "identity.p12");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, "parola-chiave"));
        var tokens = new ModiTokens(new RegionSigningIdentity(Options.Create(new SigningIdentityOptions { Pkcs12Path = path, Pkcs12Password = "parola-chiave" })),
            TimeProvider.System);
        Assert.Null(await RefusalAsync(tokens, certificate));

        var wrong = new RegionSigningIdentity(Options.Create(new SigningIdentityOptions { Pkcs12Path = path, Pkcs12Password = "sbagliata" }));
        var error = Assert.Throws<SigningIdentityMissingException>(() => wrong.Current);
        Assert.DoesNotContain("sbagliata", error.Message);
        Assert.False(new RegionSigningIdentity(Options.Create(new SigningIdentityOptions())).Configured);
        Assert.Throws<SigningIdentityMissingException>(() => new RegionSigningIdentity(Options.Create(new SigningIdentityOptions())).Current);
    }
}
