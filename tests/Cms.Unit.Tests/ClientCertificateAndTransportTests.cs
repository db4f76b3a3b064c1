using Cms.Domain.Identification.Contracts;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cms.Domain.Identification;
using Cms.Infrastructure.Security;
using Cms.Infrastructure.Startup;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cms.Unit.Tests;

/// <summary>Decision 0032: the CNS certificate's codice fiscale, offline CRLs, and the start-up check of the outbound hops.</summary>
public sealed class ClientCertificateAndTransportTests : IDisposable
{
    private const string Cf = "RSSMRA80A01H501U";
    private readonly ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 ca;
    private readonly string folder = Directory.CreateTempSubdirectory("cms-unit-crl-").FullName;

    public ClientCertificateAndTransportTests()
    {
        ca = Ca("CN=Unit CA, C=IT", caKey);
    }

    private static X509Certificate2 Ca(string name, ECDsa key)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddYears(-1), DateTimeOffset.UtcNow.AddYears(5));
    }

    private X509Certificate2 Issue(string subject, X509Certificate2? issuer = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256)
            .Create(issuer ?? ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), RandomNumberGenerator.GetBytes(8));
    }

    [Theory]
    [InlineData($"SERIALNUMBER=TINIT-{Cf}, CN=MARIO ROSSI, C=IT", Cf)]
    [InlineData($"SERIALNUMBER=IT:{Cf}, CN={Cf}/7420000000000001.abcdef, C=IT", Cf)]
    [InlineData($"CN={Cf}/7420000000000001.abcdef, C=IT", null)]                        // only in the CN
    [InlineData($"OU={Cf}, CN=MARIO ROSSI, C=IT", null)]                               // only in an OU
    [InlineData($"SERIALNUMBER={Cf}, CN=MARIO ROSSI, C=IT", null)]                     // no CNS prefix
    [InlineData("SERIALNUMBER=TINIT-RSSMRA80A01H501X, CN=MARIO ROSSI, C=IT", null)]    // wrong check character
    public void The_codice_fiscale_comes_only_from_serialnumber_in_a_cns_form(string subject, string? expected) =>
        Assert.Equal(expected, CnsCertificate.CodiceFiscale(new X500DistinguishedName(subject)));

    [Fact]
    public void Two_serialnumbers_naming_different_people_name_nobody()
    {
        var other = Cms.Domain.Common.CodiceFiscale.Compute("BIANCHI", "ANNA", new DateOnly(1970, 2, 2), 'F', "D612");
        Assert.Null(CnsCertificate.CodiceFiscale(new X500DistinguishedName($"SERIALNUMBER=TINIT-{Cf}, SERIALNUMBER=IT:{other}, C=IT")));
        Assert.Equal(Cf, CnsCertificate.CodiceFiscale(new X500DistinguishedName($"SERIALNUMBER=TINIT-{Cf}, SERIALNUMBER=IT:{Cf}, C=IT")));
    }

    [Theory]
    [InlineData("00:0a:1B:2c", "A1B2C")]
    [InlineData("0x00FF", "FF")]
    [InlineData("000", "0")]
    [InlineData("XYZ", null)]
    [InlineData("", null)]
    public void Certificate_serials_are_compared_normalised(string serial, string? expected) =>
        Assert.Equal(expected, CertificateNames.NormalizeSerial(serial));

    [Theory]
    [InlineData("CN=Test CNS CA, O=Cms tests, C=IT", "CN=Test CNS CA, O=Cms tests, C=IT")]
    [InlineData("cn=Test CNS CA,o=Cms tests,c=IT", "CN=Test CNS CA, O=Cms tests, C=IT")]
    [InlineData("not a name", null)]
    [InlineData("", null)]
    public void Certificate_issuers_are_compared_with_canonical_attribute_names(string issuer, string? expected) =>
        Assert.Equal(expected, CertificateNames.NormalizeIssuer(issuer));

    private string Publish(X509Certificate2 issuer, DateTimeOffset nextUpdate, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var certificate in revoked) builder.AddEntry(certificate, DateTimeOffset.UtcNow.AddMinutes(-1));
        var file = Path.Combine(folder, Guid.NewGuid().ToString("N") + ".crl");
        File.WriteAllBytes(file, builder.Build(issuer, 1, nextUpdate, HashAlgorithmName.SHA256, thisUpdate: nextUpdate.AddDays(-8)));
        return file;
    }

    private OfflineRevocationLists Lists(params string[] files) =>
        new(files, [ca], TimeProvider.System, NullLogger<OfflineRevocationLists>.Instance);

    [Fact]
    public void An_offline_crl_signed_by_the_ca_refuses_the_serials_it_lists_and_only_while_it_is_current()
    {
        var good = Issue($"SERIALNUMBER=TINIT-{Cf}, C=IT");
        var lost = Issue($"SERIALNUMBER=TINIT-{Cf}, C=IT");
        var fresh = Publish(ca, DateTimeOffset.UtcNow.AddDays(7), lost);
        var list = RevocationList.Parse(File.ReadAllBytes(fresh));
        Assert.True(list.IsSignedBy(ca));
        Assert.Contains(CertificateNames.NormalizeSerial(lost.SerialNumber)!, list.RevokedSerials);

        Assert.Equal(RevocationVerdict.Revoked, Lists(fresh).Check(lost));
        Assert.Equal(RevocationVerdict.NotRevoked, Lists(fresh).Check(good));
        Assert.Empty(Lists(fresh).Problems());
        // Past its next update: nothing of that CA is admitted.
        Assert.Equal(RevocationVerdict.Unknown, Lists(Publish(ca, DateTimeOffset.UtcNow.AddMinutes(-1))).Check(good));
        // PEM is read too.
        var pem = Path.Combine(folder, "fresh.pem");
        File.WriteAllText(pem, PemEncoding.WriteString("X509 CRL", File.ReadAllBytes(fresh)));
        Assert.Equal(RevocationVerdict.Revoked, Lists(pem).Check(lost));
    }

    [Fact]
    public void A_crl_not_signed_by_a_trusted_ca_or_unreadable_admits_nobody_of_its_issuer()
    {
        var good = Issue($"SERIALNUMBER=TINIT-{Cf}, C=IT");
        // Same name as the trusted CA, another key: a forged list.
        using var forgerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forger = Ca("CN=Unit CA, C=IT", forgerKey);
        var forged = Publish(forger, DateTimeOffset.UtcNow.AddDays(7));
        Assert.False(RevocationList.Parse(File.ReadAllBytes(forged)).IsSignedBy(ca));
        Assert.Equal(RevocationVerdict.Unknown, Lists(forged).Check(good));
        Assert.Single(Lists(forged).Problems());

        var garbage = Path.Combine(folder, "garbage.crl");
        File.WriteAllText(garbage, "not a crl");
        Assert.Equal(RevocationVerdict.Unknown, Lists(garbage).Check(good));

        // Another CA's list says nothing about this CA's certificates.
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var other = Ca("CN=Other CA, C=IT", otherKey);
        var ofOther = Publish(other, DateTimeOffset.UtcNow.AddDays(7), Issue($"SERIALNUMBER=TINIT-{Cf}, C=IT", other));
        Assert.Equal(RevocationVerdict.NotRevoked, Lists(ofOther).Check(good));
    }

    private static IConfiguration Settings(params (string Key, string? Value)[] values) =>
        // The last value of a key wins, as in layered configuration.
        new ConfigurationBuilder().AddInMemoryCollection(values.GroupBy(v => v.Key).Select(g => new KeyValuePair<string, string?>(g.Key, g.Last().Value)))
            .Build();

    private static readonly (string, string?)[] TlsEverywhere =
    [
        ("Smtp:Host", "smtp.regione.example"), ("Smtp:Security", "SslOnConnect"), ("Sms:GatewayUrl", "https://sms.example/send"),
        ("Integrations:CertificationAuthority:Url", "https://ca.example/revoke"), ("Integrations:Fse:Url", "https://fse.example/consents"),
        ("Audit:CheckpointUrl", "https://log.example/checkpoints"),
    ];

    [Fact]
    public void Production_settings_with_tls_on_every_hop_are_accepted_and_an_unset_smtp_mode_requires_starttls()
    {
        Assert.Empty(TransportSettings.Problems(Settings(TlsEverywhere), tlsRequired: true));
        Assert.Empty(TransportSettings.Problems(Settings([.. TlsEverywhere, ("Smtp:Security", "StartTls")]), tlsRequired: true));
        Assert.Empty(TransportSettings.Problems(Settings([.. TlsEverywhere, ("Smtp:Security", null)]), tlsRequired: true));
        Assert.Equal("StartTls", TransportSettings.SmtpSecurity(null, tlsRequired: true));
        Assert.Equal("Auto", TransportSettings.SmtpSecurity(null, tlsRequired: false));
        // Nothing configured (pickup folders): nothing to refuse.
        Assert.Empty(TransportSettings.Problems(Settings(), tlsRequired: true));
    }

    [Theory]
    [InlineData("Smtp:Security", "StartTlsWhenAvailable")]
    [InlineData("Smtp:Security", "Auto")]
    [InlineData("Smtp:Security", "None")]
    [InlineData("Sms:GatewayUrl", "http://sms.example/send")]
    [InlineData("Integrations:CertificationAuthority:Url", "http://ca.example/revoke")]
    [InlineData("Integrations:Fse:Url", "http://fse.example/consents")]
    [InlineData("Audit:CheckpointUrl", "http://log.example/checkpoints")]
    public void Production_refuses_a_hop_in_clear_naming_its_setting_and_development_allows_it(string setting, string value)
    {
        var settings = Settings([.. TlsEverywhere, (setting, value)]);
        var problem = Assert.Single(TransportSettings.Problems(settings, tlsRequired: true));
        Assert.StartsWith(setting + " ", problem);
        Assert.Empty(TransportSettings.Problems(settings, tlsRequired: false));
    }

    [Fact]
    public void An_unknown_smtp_mode_or_a_relative_address_is_refused_everywhere()
    {
        Assert.StartsWith("Smtp:Security", Assert.Single(TransportSettings.Problems(Settings(("Smtp:Security", "Tls")), tlsRequired: false)));
        Assert.StartsWith("Sms:GatewayUrl", Assert.Single(TransportSettings.Problems(Settings(("Sms:GatewayUrl", "sms/send")), tlsRequired: false)));
    }

    public void Dispose()
    {
        ca.Dispose();
        caKey.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
