using System.Security.Cryptography.X509Certificates;
using System.Diagnostics;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>
/// The operators' web UI (src/Cms.Web) as a real process in front of a real API process, and Debian's Chromium driven by
/// Playwright (no browser download: /usr/bin/chromium, see ../shared/STACK-NOTES.md).
/// </summary>
public sealed class WebUi : IAsyncDisposable
{
    private readonly Process process;
    private readonly IPlaywright playwright;

    private WebUi(Process process, string url, IPlaywright playwright, IBrowser browser)
    {
        this.process = process;
        this.playwright = playwright;
        Url = url;
        Browser = browser;
    }

    public string Url { get; }
    public IBrowser Browser { get; }

    /// <summary>Starts the UI's process (in the Production environment unless the settings say otherwise); its output lines.</summary>
    private static (Process Process, string Url, List<string> Lines) Launch(string apiUrl, IDictionary<string, string>? settings, bool https = false)
    {
        var url = $"{(https ? "https" : "http")}://127.0.0.1:{FakeSmsGateway.FreePort()}";
        // Built with the tests (a project reference without its assembly), in the same configuration.
        var project = Path.Combine(TestDatabase.RepositoryRoot(), "src", "Cms.Web");
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "Cms.Web.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", url, "--contentRoot", project])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = project,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Web__ApiUrl"] = apiUrl;
        if (https)
        {
            // Kestrel serves https with a throw-away certificate for 127.0.0.1 (the browser is told to accept it).
            var pfx = ServerCertificatePfx();
            start.Environment["Kestrel__Certificates__Default__Path"] = pfx;
            start.Environment["Kestrel__Certificates__Default__Password"] = "cms-web-test";
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var process = Process.Start(start)!;
        var lines = new List<string>();
        void Keep(string? line)
        {
            if (line is null) return;
            SecretLedger.Log(line);
            lock (lines) lines.Add(line);
        }
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, url, lines);
    }

    /// <summary>Starts the UI with settings it must refuse: its exit code and output (it is killed if it starts after all).</summary>
    public static async Task<(int ExitCode, string Output)> StartExpectingRefusalAsync(string apiUrl, IDictionary<string, string> settings)
    {
        var (process, _, lines) = Launch(apiUrl, settings);
        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("Cms.Web did not refuse to start.");
            }
            process.WaitForExit(); // drains the output
            lock (lines) return (process.ExitCode, string.Join("\n", lines));
        }
    }

    /// <summary>A self-signed server certificate for 127.0.0.1, as a PFX file (password <c>cms-web-test</c>).</summary>
    private static string ServerCertificatePfx()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension(
            [new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var file = Path.Combine(Directory.CreateTempSubdirectory("cms-web-tls-").FullName, "web.pfx");
        File.WriteAllBytes(file, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "cms-web-test"));
        return file;
    }

    /// <summary>An HTTP client of the UI that accepts its test server certificate (https) and presents <paramref name="certificate"/>, if any.</summary>
    public HttpClient HttpClient(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null, bool allowRedirect = true)
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
            CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = allowRedirect,
        };
        if (certificate is not null)
        {
            handler.ClientCertificateOptions = ClientCertificateOption.Manual;
            handler.ClientCertificates.Add(certificate);
        }
        return new HttpClient(handler) { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(60) };
    }

    public static async Task<WebUi> StartAsync(string apiUrl, IDictionary<string, string>? settings = null, bool https = false)
    {
        var (process, url, _) = Launch(apiUrl, settings, https);
        // The browser starts while the UI warms up (one wait instead of two).
        var browserStart = LaunchBrowserAsync();
        try
        {
            using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator });
            var until = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                if (process.HasExited) throw new InvalidOperationException($"Cms.Web exited with {process.ExitCode}");
                try
                {
                    if ((await http.GetAsync(url + "/health/live")).IsSuccessStatusCode) break;
                }
                catch (HttpRequestException) { }
                if (DateTime.UtcNow > until) throw new TimeoutException("Cms.Web did not start.");
                await Task.Delay(100);
            }
        }
        catch
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            var (p, b) = await browserStart;
            await b.CloseAsync();
            p.Dispose();
            throw;
        }
        var (playwright, browser) = await browserStart;
        return new WebUi(process, url, playwright, browser);
    }

    /// <summary>
    /// The API process and the UI started side by side (the UI needs only the API's address, not the API itself, to start): the
    /// slower of the two is waited for, not both one after the other.
    /// </summary>
    public static async Task<(CmsProcess Cms, WebUi Ui)> StartWithApiAsync(Func<string, Task<CmsProcess>> startApi,
        IDictionary<string, string>? settings = null, bool https = false)
    {
        var apiUrl = $"http://127.0.0.1:{FakeSmsGateway.FreePort()}";
        var uiStart = StartAsync(apiUrl, settings, https);
        var apiStart = startApi(apiUrl);
        try
        {
            await Task.WhenAll(uiStart, apiStart);
        }
        catch
        {
            if (uiStart.IsCompletedSuccessfully) await uiStart.Result.DisposeAsync();
            if (apiStart.IsCompletedSuccessfully) await apiStart.Result.DisposeAsync();
            throw;
        }
        return (apiStart.Result, uiStart.Result);
    }

    private static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchBrowserAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }

    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Url, Locale = "it-IT", ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        return await context.NewPageAsync();
    }

    /// <summary>
    /// A page whose browser presents <paramref name="certificate"/> (with its private key) to the UI's https origin, as a citizen's
    /// browser presents the card's certificate (Playwright's client certificates; the test server certificate is accepted).
    /// </summary>
    public async Task<IPage> NewCitizenPageAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        var key = (System.Security.Cryptography.AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new ArgumentException("the certificate has no private key", nameof(certificate));
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Url, Locale = "it-IT", ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, IgnoreHTTPSErrors = true,
            ClientCertificates =
            [
                new ClientCertificate
                {
                    Origin = Url, Cert = System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()),
                    Key = System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()),
                },
            ],
        });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the page, as an operator would.</summary>
    public static async Task SignInAsync(IPage page, string codiceFiscale, string password)
    {
        await page.GotoAsync("/accedi");
        await page.GetByLabel("Codice fiscale").FillAsync(codiceFiscale);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Accedi" }).ClickAsync();
    }

    /// <summary>
    /// Sign before confirm (decision 0043) on a pending request's summary: prints every form still "da stampare" (its PDF, fetched
    /// in the page's session as the link's new tab does), shows the summary again (keeping a typed recipient-proof code) and ticks
    /// "I moduli sono stati stampati e firmati".
    /// </summary>
    public static async Task PrintFormsAndAcknowledgeAsync(IPage page)
    {
        var toPrint = page.GetByTestId("forms-to-sign").Locator("li", new() { HasText = "da stampare" }).Locator("a");
        var links = await toPrint.EvaluateAllAsync<string[]>("links => links.map(a => a.href)");
        if (links.Length > 0)
        {
            var proof = page.Locator("#RecipientProof");
            var typed = await proof.CountAsync() > 0 ? await proof.InputValueAsync() : "";
            foreach (var link in links)
            {
                var pdf = await page.Context.APIRequest.GetAsync(link);
                if (pdf.Status != 200 || pdf.Headers["content-type"] != "application/pdf")
                    throw new InvalidOperationException($"printing {link}: {pdf.Status} {pdf.Headers.GetValueOrDefault("content-type")}");
            }
            await page.GotoAsync(new Uri(page.Url).AbsolutePath);
            await Assertions.Expect(page.GetByTestId("forms-to-sign")).Not.ToContainTextAsync("da stampare");
            if (typed.Length > 0) await page.Locator("#RecipientProof").FillAsync(typed);
        }
        var box = page.Locator("#FormPrintedAndSigned");
        if (await box.CountAsync() > 0 && !await box.IsCheckedAsync()) await page.Locator("label[for=FormPrintedAndSigned]").ClickAsync();
    }

    /// <summary>axe-core on the page as it is now: no violation of WCAG 2.0/2.1 A and AA.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        var violations = result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} — {string.Join("; ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}").ToList();
        Assert.True(violations.Count == 0, $"{page.Url}: accessibility violations:\n{string.Join('\n', violations)}");
    }

    /// <summary>Keeps a screenshot under docs/screenshots when CMS_SCREENSHOTS=1 (to refresh the README's pictures).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("CMS_SCREENSHOTS") == "1"
            ? Path.Combine(TestDatabase.RepositoryRoot(), "docs", "screenshots")
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    /// <summary>Closes every browser context (pages, cookies) of the UI's browser: a shared UI's next test starts with none.</summary>
    public async Task CloseContextsAsync()
    {
        foreach (var context in Browser.Contexts.ToList()) await context.CloseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }

    /// <summary>
    /// Clicks a link that opens a PDF in a new tab and answers the tab's one document response (the browser's PDF viewer loads
    /// the same bytes into a child frame from the stream it already has: only the top frame's response went to the server).
    /// </summary>
    private static bool IsChildFrame(IResponse response)
    {
        try
        {
            return response.Frame.ParentFrame is not null;
        }
        catch (PlaywrightException)
        {
            return false;
        }
    }

    public static async Task<IResponse> OpenPdfAsync(IPage page, ILocator link)
    {
        var responses = new List<IResponse>();
        void Seen(object? sender, IResponse response)
        {
            if (response.Url.Contains("/documento/", StringComparison.Ordinal)) lock (responses) responses.Add(response);
        }
        page.Context.Response += Seen;
        try
        {
            var popup = await page.RunAndWaitForPopupAsync(() => link.ClickAsync());
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (DateTime.UtcNow < deadline && responses.Count == 0) await Task.Delay(100);
            await Task.Delay(1000); // room for a second fetch, which must not come
            await popup.CloseAsync();
            List<IResponse> seen;
            lock (responses) seen = [.. responses];
            return Assert.Single(seen, r => !IsChildFrame(r));
        }
        finally
        {
            page.Context.Response -= Seen;
        }
    }
}
