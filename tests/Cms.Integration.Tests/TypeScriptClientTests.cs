using System.Diagnostics;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// The TypeScript client of contracts/typescript (openapi-typescript + openapi-fetch), run under Node against a real Cms
/// process with the demo data: sign in, identify a demo card, activate it.
/// </summary>
public class TypeScriptClientTests(CmsFactory factory) : ApiTest(factory)
{
    [Fact]
    public async Task The_typescript_client_activates_a_demo_card_against_a_running_api()
    {
        await using var cms = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>
        {
            ["DemoData__Enabled"] = "true",
            ["Security__PasswordHashing__Iterations"] = "1000",
        });
        var folder = Path.Combine(TestDatabase.RepositoryRoot(), "contracts", "typescript");
        var install = await RunAsync(folder, "npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], []);
        Assert.True(install.ExitCode == 0, "npm ci failed:\n" + install.Output);
        var test = await RunAsync(folder, "npm", ["test"], new() { ["CMS_API_URL"] = cms.Url });
        Assert.True(test.ExitCode == 0, "npm test failed:\n" + test.Output);
        Assert.Contains("# pass 1", test.Output);
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>(
            "SELECT state FROM identification.cards WHERE card_number = '80380000900000000001'"));
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string folder, string file, string[] args, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo(file, args) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) start.Environment[k] = v;
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
