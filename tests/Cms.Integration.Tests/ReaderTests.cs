using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Cms.CardEmulator;
using Cms.Infrastructure.DemoData;
using Cms.Integration.Tests.Infrastructure;
using Cms.ReaderSdk.Cns;

namespace Cms.Integration.Tests;

/// <summary>
/// The reader SDK end to end: the cms-reader CLI talks to a real pcscd (started by scripts/pcscd.sh), whose virtual reader
/// (vsmartcard's vpcd) holds the emulated TS-CNS of a demo card, and identifies it against a running Cms with the demo data.
/// </summary>
public class ReaderTests(CmsFactory factory) : ApiTest(factory)
{
    private const string DemoCard = DemoChip.Card;
    private const string Reader = DemoChip.Reader;
    private const string OperatorCodiceFiscale = "BNCMRA75C12D612R"; // the demo ASL operator, Mario Bianchi

    private static async Task<(int ExitCode, string Output, string Error)> ReaderAsync(params string[] args) =>
        await RunAsync(args, new Dictionary<string, string> { ["CMS_PASSWORD"] = DemoAccounts.Password });

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args, Dictionary<string, string> env)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "cms-reader.dll"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var (k, v) in env) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task The_cli_reads_the_emulated_card_through_pcscd_and_identifies_it_and_watch_sees_it_again()
    {
        await using var cms = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>
        {
            ["DemoData__Enabled"] = "true",
            ["Security__PasswordHashing__Iterations"] = "1000",
        });
        var holder = await Factory.HolderAsync();
        string[] signIn = ["--api", cms.Url, "--user", OperatorCodiceFiscale];

        // No card yet: a clear message and its own exit code.
        var empty = await ReaderAsync("read");
        Assert.Equal(5, empty.ExitCode);
        Assert.Contains("Nessuna carta nel lettore", empty.Error);

        var emulator = TsCnsCardEmulator.For(DemoCard, holder);
        await using (await VpcdCard.InsertAsync(emulator))
        {
            var list = await ReaderAsync("list");
            Assert.True(list.ExitCode == 0, list.Error);
            Assert.Contains($"{Reader}\tTS-CNS (CNS 1.0)", list.Output);

            var read = await ReaderAsync("read", "--json");
            Assert.True(read.ExitCode == 0, read.Error);
            var chip = JsonDocument.Parse(read.Output).RootElement;
            Assert.Equal(DemoCard, chip.GetProperty("cardNumber").GetString());
            Assert.Equal(holder.CodiceFiscale, chip.GetProperty("holder").GetProperty("codiceFiscale").GetString());
            Assert.Equal(Reader, chip.GetProperty("reader").GetString());

            var identified = await ReaderAsync(["identify", .. signIn, "--json"]);
            Assert.True(identified.ExitCode == 0, identified.Error);
            var card = JsonDocument.Parse(identified.Output).RootElement;
            Assert.Equal(DemoCard, card.GetProperty("cardNumber").GetString());
            Assert.Equal("NOT_ACTIVE", card.GetProperty("state").GetString());
            Assert.Contains("ACTIVATION", card.GetProperty("allowedOperations").EnumerateArray().Select(o => o.GetString()));
            Assert.Equal(1L, await Factory.ScalarAsync<long>(
                "SELECT count(*) FROM audit.operations WHERE type = 'IDENTIFICATION' AND detail = 'chip' AND card_number = @n", ("n", DemoCard)));

            var text = await ReaderAsync(["identify", .. signIn]);
            Assert.Contains("Stato:              NOT_ACTIVE", text.Output);
        }

        // watch: the card inserted, removed, inserted again — identified each time it goes in.
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "cms-reader.dll"), "watch", .. signIn])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["CMS_PASSWORD"] = DemoAccounts.Password;
        using var watch = Process.Start(start)!;
        var lines = new System.Collections.Concurrent.BlockingCollection<string>();
        var errors = new StringBuilder();
        watch.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Add(e.Data); };
        watch.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        watch.BeginOutputReadLine();
        watch.BeginErrorReadLine();
        try
        {
            WaitForLine(lines, "In attesa di carte", errors);
            await using (await VpcdCard.InsertAsync(TsCnsCardEmulator.For(DemoCard, holder)))
            {
                WaitForLine(lines, $"Carta inserita in {Reader}.", errors);
                WaitForLine(lines, $"Numero tessera:     {DemoCard}", errors);
            }
            WaitForLine(lines, $"Carta estratta da {Reader}.", errors);
            await using (await VpcdCard.InsertAsync(TsCnsCardEmulator.For(DemoCard, holder)))
            {
                WaitForLine(lines, $"Carta inserita in {Reader}.", errors);
                WaitForLine(lines, "Stato:              NOT_ACTIVE", errors);
            }
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
        }
        // Two identifications by the identify command, two by watch.
        Assert.Equal(4L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'IDENTIFICATION' AND detail = 'chip' AND card_number = @n", ("n", DemoCard)));
    }

    [Fact]
    public async Task The_cli_names_what_is_wrong_a_foreign_card_a_chip_that_differs_from_the_registry_and_no_pcscd()
    {
        await using var cms = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, new Dictionary<string, string>
        {
            ["DemoData__Enabled"] = "true",
            ["Security__PasswordHashing__Iterations"] = "1000",
        });
        var holder = await Factory.HolderAsync();

        await using (await VpcdCard.InsertAsync(TsCnsCardEmulator.For(DemoCard, holder, TsCnsCardEmulator.OtherAtr)))
        {
            var foreign = await ReaderAsync("read");
            Assert.Equal(6, foreign.ExitCode);
            Assert.Contains("non è una TS-CNS", foreign.Error);
            Assert.Contains("carta presente, non TS-CNS", (await ReaderAsync("list")).Output);
        }

        await using (await VpcdCard.InsertAsync(TsCnsCardEmulator.For(DemoCard, holder with { Surname = "ALTRO" })))
        {
            var mismatch = await ReaderAsync("identify", "--api", cms.Url, "--user", OperatorCodiceFiscale);
            Assert.Equal(8, mismatch.ExitCode);
            Assert.Contains("(409)", mismatch.Error);
        }

        var noService = await RunAsync(["list"], new Dictionary<string, string> { ["PCSCLITE_CSOCK_NAME"] = "/nonexistent/pcscd.comm" });
        Assert.Equal(3, noService.ExitCode);
        Assert.Contains("Il servizio PC/SC non è in esecuzione", noService.Error);
    }

    private static void WaitForLine(System.Collections.Concurrent.BlockingCollection<string> lines, string expected, StringBuilder errors)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var seen = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            if (lines.TryTake(out var line, TimeSpan.FromMilliseconds(200)))
            {
                seen.Add(line);
                if (line.Contains(expected, StringComparison.Ordinal)) return;
            }
        }
        Assert.Fail($"watch did not print \"{expected}\"; it printed:\n{string.Join('\n', seen)}\nerrors:\n{errors}");
    }
}
