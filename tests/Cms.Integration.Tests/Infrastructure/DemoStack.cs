using Cms.Infrastructure.DemoData;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>
/// One API process and one UI process (with its browser) with the demo data's settings, shared by the browser tests of a class
/// that need no other settings (a class fixture): starting the two processes was most of such a test's time. Each test still
/// starts from an empty database: the base class empties it, <see cref="StartAsync"/> loads the demo data again (in the test
/// host, as the API process would on an empty database), and <see cref="EndTestAsync"/> closes the test's browser contexts.
/// </summary>
public sealed class DemoStack : IAsyncLifetime
{
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["DemoData__Enabled"] = "true",
        ["Security__PasswordHashing__Iterations"] = "1000",
    };

    private readonly SemaphoreSlim gate = new(1, 1);
    private (CmsProcess Cms, WebUi Ui)? stack;

    /// <summary>The demo data in the emptied database, then the processes (started on the first call of the class).</summary>
    public async Task<(CmsProcess Cms, WebUi Ui)> StartAsync(CmsFactory factory)
    {
        await gate.WaitAsync();
        try
        {
            using (var scope = factory.Services.CreateScope())
            {
                await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>()
                    .SeedAsync(new DemoDataOptions { Enabled = true, Holders = CmsProcess.DemoHolders }, CancellationToken.None);
            }
            stack ??= await WebUi.StartWithApiAsync(apiUrl => CmsProcess.StartAsync(factory, factory.SmtpPort, ProcessSettings(factory), url: apiUrl));
            return stack.Value;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The demo settings, and the outside systems of the test host: the shared process lives beside the processes other tests
    /// of the class start, and sends whatever outbox item it claims as the test host would.
    /// </summary>
    private static Dictionary<string, string> ProcessSettings(CmsFactory factory) => new(Settings)
    {
        ["Sms__GatewayUrl"] = factory.SmsGateway.Url,
        ["Sms__ApiKey"] = FakeSmsGateway.ApiKey,
        ["Integrations__CertificationAuthority__Url"] = factory.CertificationAuthority.Url,
        ["Integrations__CertificationAuthority__ApiKey"] = FakeExternalSystem.ApiKey,
        ["Integrations__Fse__Url"] = factory.Fse.Url,
        ["Integrations__Fse__ApiKey"] = FakeExternalSystem.ApiKey,
        ["Integrations__RetryBaseSeconds"] = "1",
        ["Integrations__RetryMaxSeconds"] = "2",
    };

    /// <summary>The test's pages and cookies go: the next test opens its own.</summary>
    public async Task EndTestAsync()
    {
        if (stack is { } s) await s.Ui.CloseContextsAsync();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (stack is { } s)
        {
            await s.Ui.DisposeAsync();
            await s.Cms.DisposeAsync();
        }
        gate.Dispose();
    }
}
