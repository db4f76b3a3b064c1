using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// Issue 24, parts 5 and 6 (decision 0031): the sign-in rate limit and back-off apply per person behind the web UI. The UI
/// passes the end client's address (after its known proxy's forwarded headers) in <c>X-Cms-Client-Address</c>, which the API
/// believes only from the UI host (<c>Hardening:WebUiAddresses</c>); the UI sends HSTS and Secure cookies over https.
/// </summary>
public partial class ClientAddressTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Header = "X-Cms-Client-Address";

    /// <summary>An HTTP client whose connections leave from <paramref name="source"/> (any 127.x address is loopback on Linux).</summary>
    private static HttpClient From(string baseUrl, string source) => new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task The_client_address_header_is_believed_from_the_web_ui_host_only()
    {
        var cf = NewCf();
        await using var cms = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>
        {
            ["Hardening__SignIn__PermitLimit"] = "4",
            ["Hardening__SignIn__WindowSeconds"] = "300",
            ["Security__PasswordHashing__Iterations"] = "1000",
            ["Hardening__WebUiAddresses__0"] = "127.0.0.2",
        });
        // From 127.0.0.2 (the configured UI host) each header value is its own client: six tries, none limited.
        using var ui = From(cms.Url, "127.0.0.2");
        for (var i = 0; i < 6; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token") { Content = JsonContent.Create(new { codiceFiscale = cf, password = "Sbagliata-Password-1" }) };
            request.Headers.Add(Header, $"192.0.2.{i + 1}");
            await ProblemAsync(await ui.SendAsync(request), HttpStatusCode.Unauthorized, "invalid-credentials");
        }
        // From anyone else (127.0.0.1 here) the header is ignored: a new value on every call does not escape the limit, even
        // when the caller claims through X-Forwarded-For (believed from loopback) to be the UI host: the host check is on the
        // connection's own peer.
        using var direct = From(cms.Url, "127.0.0.1");
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token") { Content = JsonContent.Create(new { codiceFiscale = cf, password = "Sbagliata-Password-1" }) };
            request.Headers.Add(Header, $"198.51.100.{i + 1}");
            request.Headers.Add("X-Forwarded-For", "127.0.0.2");
            var response = await direct.SendAsync(request);
            await ProblemAsync(response, i < 4 ? HttpStatusCode.Unauthorized : HttpStatusCode.TooManyRequests, i < 4 ? "invalid-credentials" : "rate-limited");
        }
    }

    [Fact]
    public async Task Thirty_failed_sign_ins_from_one_client_through_the_web_ui_do_not_block_a_second_client()
    {
        var (_, cf, _) = await ActorAsync("Operator");
        await using var cms = await StartApiForTheUiAsync();
        // The UI behind a reverse proxy at 127.0.0.1, which says who the client is and that it spoke https.
        await using var web = await WebUi.StartAsync(cms.Url, new Dictionary<string, string> { ["Web__KnownProxies__0"] = "127.0.0.1" });

        var attacker = new UiClient(From(web.Url, "127.0.0.1"), "192.0.2.66");
        for (var i = 0; i < 30; i++)
        {
            var page = await attacker.SignInAsync(cf, $"Sbagliata-Password-{i}");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Contains("Codice fiscale o password errati.", page.Body);
        }
        // The attacker's own 31st try is limited: the limit is real, it is just theirs.
        var limited = await attacker.SignInAsync(cf, "Sbagliata-Password-31");
        Assert.Contains("Troppe richieste", limited.Body);

        // A second client signs in to the same account, over https at the proxy: HSTS and a Secure session cookie.
        var colleague = new UiClient(From(web.Url, "127.0.0.1"), "192.0.2.77", https: true);
        var signedIn = await colleague.SignInAsync(cf, OperatorPassword);
        Assert.True(signedIn.Status == HttpStatusCode.Redirect, $"{signedIn.Status}: {SignInError(signedIn.Body)}");
        Assert.Equal("max-age=31536000; includeSubDomains", signedIn.Headers.GetValues("Strict-Transport-Security").Single());
        var session = signedIn.SetCookies.Single(c => c.StartsWith("cms.web=", StringComparison.Ordinal));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.All(colleague.AntiforgeryCookies, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));
        // Plain http: no HSTS.
        Assert.False(attacker.LastHeaders!.Contains("Strict-Transport-Security"));

        // From a host that is not a known proxy the forwarded headers are ignored: every "client" behind it is that host.
        var strangerPage = await TriesWithForwardedForAsync(new UiClient(From(web.Url, "127.0.0.3"), null), cf, 31);
        Assert.Contains("Troppe richieste", strangerPage.Body);
    }

    [Fact]
    public async Task With_no_known_proxy_configured_the_web_ui_believes_no_forwarded_header()
    {
        var (_, cf, _) = await ActorAsync("Operator");
        await using var cms = await StartApiForTheUiAsync();
        // The UI's defaults: Web:KnownProxies empty.
        await using var web = await WebUi.StartAsync(cms.Url);
        var page = await TriesWithForwardedForAsync(new UiClient(From(web.Url, "127.0.0.1"), null), cf, 31);
        // Every "client" was the one connection's address: the 31st try is limited.
        Assert.Contains("Troppe richieste", page.Body);
    }

    /// <summary>
    /// The API as a region runs it behind the UI: the production shape of the sign-in limit (30 per address, here per 5 minutes
    /// so that a test cannot slip out of the window) and the UI's host, 127.0.0.1, believed for the client's address.
    /// </summary>
    private Task<CmsProcess> StartApiForTheUiAsync() => CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>
    {
        ["Hardening__SignIn__PermitLimit"] = "30",
        ["Hardening__SignIn__WindowSeconds"] = "300",
        ["Security__PasswordHashing__Iterations"] = "1000",
        ["Hardening__WebUiAddresses__0"] = "127.0.0.1",
    });

    /// <summary>Wrong passwords, each claiming a new client in <c>X-Forwarded-For</c>; the page of the last try.</summary>
    private static async Task<UiPage> TriesWithForwardedForAsync(UiClient client, string codiceFiscale, int tries)
    {
        UiPage? page = null;
        for (var i = 0; i < tries; i++)
        {
            client.ForwardedFor = $"203.0.113.{i + 1}";
            page = await client.SignInAsync(codiceFiscale, "Sbagliata-Password-1");
        }
        return page!;
    }

    private static string SignInError(string body) =>
        Regex.Match(body, "<div[^>]*alert[^>]*>(.*?)</div>", RegexOptions.Singleline).Groups[1].Value.Trim();

    private sealed record UiPage(HttpStatusCode Status, string Body, System.Net.Http.Headers.HttpResponseHeaders Headers, IReadOnlyList<string> SetCookies);

    /// <summary>A browser reduced to forms and cookies, behind the proxy that forwards its address (and https).</summary>
    private sealed partial class UiClient(HttpClient http, string? forwardedFor, bool https = false)
    {
        private readonly Dictionary<string, string> cookies = [];
        public string? ForwardedFor { get; set; } = forwardedFor;
        public System.Net.Http.Headers.HttpResponseHeaders? LastHeaders { get; private set; }
        public List<string> AntiforgeryCookies { get; } = [];

        private async Task<UiPage> SendAsync(HttpRequestMessage request)
        {
            if (ForwardedFor is not null) request.Headers.Add("X-Forwarded-For", ForwardedFor);
            if (https) request.Headers.Add("X-Forwarded-Proto", "https");
            if (cookies.Count > 0) request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
            using var response = await http.SendAsync(request);
            var setCookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
            foreach (var cookie in setCookies)
            {
                var pair = cookie.Split(';')[0];
                var eq = pair.IndexOf('=');
                cookies[pair[..eq]] = pair[(eq + 1)..];
                if (pair.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)) AntiforgeryCookies.Add(cookie);
            }
            LastHeaders = response.Headers;
            return new UiPage(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers, setCookies);
        }

        public async Task<UiPage> SignInAsync(string codiceFiscale, string password)
        {
            var form = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/accedi"));
            var token = TokenPattern().Match(form.Body);
            Assert.True(token.Success, "no anti-forgery token on /accedi");
            using var post = new HttpRequestMessage(HttpMethod.Post, "/accedi")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["Input.CodiceFiscale"] = codiceFiscale, ["Input.Password"] = password, ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
                }),
            };
            return await SendAsync(post);
        }

        [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
        private static partial Regex TokenPattern();
    }
}
