using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Cms.Domain.Common;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// Client certificates (issue 24 part 2, decision 0032): the codice fiscale only from the subject's SERIALNUMBER, revoked
/// (offline CRL of the test CA) and expired certificates refused, and the forwarded-certificate header honoured only from the
/// trusted proxies.
/// </summary>
public class ClientCertificateTests(CmsFactory factory) : ApiTest(factory)
{
    private HttpClient WithCertificate(X509Certificate2 certificate)
    {
        var client = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        client.DefaultRequestHeaders.Add(CmsFactory.ClientCertificateHeader, TestCertificates.HeaderValue(certificate));
        return client;
    }

    private Task<HttpResponseMessage> SignInAsync(X509Certificate2 certificate) => WithCertificate(certificate).PostAsync("/api/v1/auth/certificate-token", null);

    [Fact]
    public async Task The_codice_fiscale_comes_only_from_the_subjects_serialnumber_in_a_cns_form()
    {
        var (_, cf, _) = await ActorAsync("Operator");
        var certificates = Factory.Certificates;

        // Both CNS forms of SERIALNUMBER sign the operator in.
        using (var tinit = certificates.Issue(TestCertificates.CnsSubject(cf, "TINIT-{0}")))
            Assert.Equal(cf, (await OkAsync(await SignInAsync(tinit))).GetProperty("operator").GetProperty("codiceFiscale").GetString());
        using (var it = certificates.Issue(TestCertificates.CnsSubject(cf, "IT:{0}")))
            Assert.Equal(HttpStatusCode.OK, (await SignInAsync(it)).StatusCode);

        // The operator's codice fiscale in the CN (or an OU) only: nobody.
        using (var cnOnly = certificates.Issue(TestCertificates.CnsSubject(cf, serialNumber: null)))
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(cnOnly)).StatusCode);
        using (var inOu = certificates.Issue($"OU={cf}, CN=MARIO ROSSI, C=IT"))
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(inOu)).StatusCode);
        // SERIALNUMBER without a CNS prefix, or with a wrong check character.
        using (var bare = certificates.Issue(TestCertificates.CnsSubject(cf, "{0}")))
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(bare)).StatusCode);
        var wrongCheck = cf[..15] + (cf[15] == 'A' ? 'B' : 'A');
        using (var broken = certificates.Issue(TestCertificates.CnsSubject(cf, "TINIT-" + wrongCheck)))
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(broken)).StatusCode);

        // SERIALNUMBER names someone else, the CN names the operator: the certificate is the other person's.
        var stranger = CodiceFiscale.Compute("BIANCHI", "ANNA", new DateOnly(1970, 2, 2), 'F', "D612");
        using (var other = certificates.Issue($"SERIALNUMBER=TINIT-{stranger}, CN={cf}/7420000000000001.abcdef, C=IT"))
            await ProblemAsync(await SignInAsync(other), HttpStatusCode.Unauthorized, "unknown-operator");

        var logs = string.Join("\n", Factory.Logs.Lines);
        Assert.Contains("Client certificate refused: its subject has no SERIALNUMBER", logs);
    }

    [Fact]
    public async Task A_revoked_or_expired_certificate_is_refused_and_a_good_one_signs_in()
    {
        var (_, cf, _) = await ActorAsync("Operator");
        var certificates = Factory.Certificates;
        using var good = certificates.SmartCard(cf);
        using var lost = certificates.SmartCard(cf);
        using var expired = certificates.Expired(cf);

        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(good)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(lost)).StatusCode);

        // The card is lost: the CA revokes its certificate and publishes its CRL; the API reads the new file.
        certificates.Revoke(lost);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(lost)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(good)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(expired)).StatusCode);

        // A CRL past its next update proves nothing: every certificate of that CA is refused until a fresh one is published.
        try
        {
            certificates.PublishCrl(nextUpdate: DateTimeOffset.UtcNow.AddMinutes(-1), thisUpdate: DateTimeOffset.UtcNow.AddDays(-8));
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(good)).StatusCode);
        }
        finally
        {
            certificates.PublishCrl();
        }
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(good)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(lost)).StatusCode);

        var logs = string.Join("\n", Factory.Logs.Lines);
        Assert.Contains("Client certificate refused: an offline CRL lists it", logs);
        Assert.Contains("is not current", logs);
        Assert.DoesNotContain(TestCertificates.HeaderValue(lost)[..40], logs);
    }

    [Fact]
    public async Task The_certificate_of_a_card_the_registry_knows_as_revoked_signs_nobody_in()
    {
        var (_, cf, _) = await ActorAsync("Operator");
        using var certificate = Factory.Certificates.SmartCard(cf);
        const string Number = "80380000900000088001";
        var line = Card(Number, cf);
        line.CertificateSerial = certificate.SerialNumber;
        line.CertificateIssuer = Factory.Certificates.IssuerName;
        await FeedAsync(line);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(certificate)).StatusCode);

        await Factory.ExecuteAsync("UPDATE identification.cards SET state = 'REVOKED', revoked_at = now() WHERE card_number = @n", ("n", Number));
        await ProblemAsync(await SignInAsync(certificate), HttpStatusCode.Unauthorized, "certificate-card-revoked");
    }

    /// <summary>
    /// A real Kestrel process trusting 127.0.0.1 as its proxy: the header sent from 127.0.0.1 signs in, the same header sent
    /// from 127.0.0.2 (another source on the host) is ignored and logged as such.
    /// </summary>
    [Fact]
    public async Task The_forwarded_certificate_is_honoured_only_from_a_trusted_proxy()
    {
        var (_, cf, _) = await ActorAsync("Operator");
        using var certificate = Factory.Certificates.SmartCard(cf);
        await using var cms = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>
        {
            ["Authentication__ClientCertificate__ForwardingHeader"] = CmsFactory.ClientCertificateHeader,
            ["Authentication__ClientCertificate__TrustedProxies__0"] = "127.0.0.1",
            ["Authentication__ClientCertificate__TrustedCaFiles__0"] = Factory.Certificates.CaFile,
            ["Authentication__ClientCertificate__CrlFiles__0"] = Factory.Certificates.CrlFile,
        });

        async Task<HttpStatusCode> FromAsync(IPAddress source)
        {
            using var client = ClientFrom(source, cms.Url);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/certificate-token");
            request.Headers.Add(CmsFactory.ClientCertificateHeader, TestCertificates.HeaderValue(certificate));
            request.Headers.Add("X-Forwarded-Proto", "https"); // TLS ended at the proxy
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await FromAsync(IPAddress.Loopback));
        Assert.Equal(HttpStatusCode.Unauthorized, await FromAsync(IPAddress.Parse("127.0.0.2")));
        var output = string.Join("\n", cms.Output);
        Assert.Contains("came from a source that is not a trusted proxy", output);
        Assert.DoesNotContain(TestCertificates.HeaderValue(certificate)[..40], output);
        Assert.DoesNotContain("127.0.0.2", output);
    }

    /// <summary>An HTTP client whose connections leave from <paramref name="source"/> (any 127.x address is this host).</summary>
    private static HttpClient ClientFrom(IPAddress source, string url) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
}
