using System.Net;
using System.Net.Http.Json;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// Transport (issue 24 part 4, decision 0032): outside Development and Testing the API refuses to start with SMTP that does
/// not require TLS or an http:// integration address, naming the setting; with TLS everywhere it starts, and a peer region
/// is registered by an https:// address only.
/// </summary>
public class TransportTests(CmsFactory factory) : ApiTest(factory)
{
    /// <summary>A production start with every outbound hop on TLS (nothing is contacted at start).</summary>
    private static Dictionary<string, string> Production(params (string Key, string Value)[] changes)
    {
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Smtp__Security"] = "SslOnConnect",
            ["Sms__GatewayUrl"] = "https://127.0.0.1:9/sms",
            ["Sms__ApiKey"] = FakeSmsGateway.ApiKey,
            ["Integrations__CertificationAuthority__Url"] = "https://127.0.0.1:9/ca",
            ["Integrations__Fse__Url"] = "https://127.0.0.1:9/fse",
            // Only the in-process host sends this suite's messages.
            ["Hangfire__ServerEnabled"] = "false",
        };
        foreach (var (key, value) in changes) settings[key] = value;
        return settings;
    }

    public static TheoryData<string, string, string> Refusals => new()
    {
        { "Smtp__Security", "StartTlsWhenAvailable", "Smtp:Security" },
        { "Smtp__Security", "Auto", "Smtp:Security" },
        { "Smtp__Security", "None", "Smtp:Security" },
        { "Sms__GatewayUrl", "http://127.0.0.1:9/sms", "Sms:GatewayUrl" },
        { "Integrations__CertificationAuthority__Url", "http://127.0.0.1:9/ca", "Integrations:CertificationAuthority:Url" },
        { "Integrations__Fse__Url", "http://127.0.0.1:9/fse", "Integrations:Fse:Url" },
        { "Authentication__ClientCertificate__ForwardingHeader", "X-Client-Cert", "Authentication:ClientCertificate:TrustedProxies" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_production_start_refuses_a_hop_in_clear_naming_the_setting(string key, string value, string setting)
    {
        var (exitCode, output) = await CmsProcess.StartExpectingRefusalAsync(Factory, Factory.SmtpPort, Production((key, value)));
        Assert.NotEqual(0, exitCode);
        Assert.Contains($"Cms refuses to start: {setting}", output);
    }

    [Fact]
    public async Task A_production_start_with_tls_on_every_hop_serves_and_registers_peers_by_https_only()
    {
        await using var cms = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, Production());
        var admin = await cms.SignInAsync(CmsFactory.AdminCf, CmsFactory.AdminPassword);

        var refused = await admin.PutAsJsonAsync("/api/v1/admin/peers/200", RegionPki.For("200").Registration("Regione Sardegna", "http://cms.regione.example"));
        await ProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "peer-url-not-https");
        var registered = await admin.PutAsJsonAsync("/api/v1/admin/peers/200", RegionPki.For("200").Registration("Regione Sardegna", "https://cms.regione.example"));
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.DoesNotContain(cms.Output, l => l.Contains("refuses to start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_web_ui_refuses_to_start_with_an_http_api_on_another_host_and_names_the_setting()
    {
        var (exitCode, output) = await WebUi.StartExpectingRefusalAsync("http://192.0.2.10:5080", new Dictionary<string, string>());
        Assert.Equal(78, exitCode);
        Assert.Contains("Cms.Web refuses to start: Web:ApiUrl", output);
        // The same address in Development starts (the check is on the environment, not on reaching the API).
        await using var development = await WebUi.StartAsync("http://192.0.2.10:5080", new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Development" });
        // Over loopback the hop never leaves the machine: every other browser test starts the UI that way, in Production.
    }
}
