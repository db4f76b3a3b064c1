using System.Diagnostics;
using System.Globalization;
using Cms.Application.Common.Options;
using Cms.Domain.Common;
using Cms.Infrastructure.DemoData;
using Cms.Infrastructure.Identification;
using Cms.Infrastructure.Security;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Bench;

/// <summary>
/// One counter benchmark's running set-up (identification, messages): the bench database emptied, a real Cms.Api process with
/// <see cref="CounterSetup.ApiSettings"/> (and the benchmark's own), the cards loaded, the operator signed in. Disposing stops the API.
/// </summary>
public sealed class CounterBench : IAsyncDisposable
{
    private CounterBench(Process api, HttpClient http, NpgsqlDataSource dataSource)
    {
        Api = api;
        Http = http;
        DataSource = dataSource;
    }

    public Process Api { get; }
    public HttpClient Http { get; }
    /// <summary>The bench database, as its owner.</summary>
    public NpgsqlDataSource DataSource { get; }
    public List<BenchCard> Cards { get; private set; } = [];
    public string Token { get; private set; } = "";

    /// <param name="holders">Holders whose cards are loaded (see <see cref="CounterSetup.LoadCardsAsync"/>).</param>
    /// <param name="configure">Changes the API's settings (e.g. SMTP instead of the pickup folder).</param>
    public static async Task<CounterBench> StartAsync(int holders, Action<Dictionary<string, string>>? configure = null)
    {
        var connectionString = Environment.GetEnvironmentVariable("CMS_BENCH_CONNECTION")!;
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        await BenchDatabase.DropEverythingAsync(dataSource);
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        return await StartAsync(connectionString, dataSource, key, holders, configure);
    }

    /// <summary>
    /// The API on a database that already holds its cards (cards at scale: <c>cms_scale</c>, kept between runs), sealed under
    /// <paramref name="key"/>; the counter and its operator are made on the first run and signed in on the next ones.
    /// </summary>
    public static Task<CounterBench> StartOnLoadedAsync(string connectionString, string key) =>
        StartAsync(connectionString, new NpgsqlDataSourceBuilder(connectionString).Build(), key, holders: 0, configure: null);

    private static async Task<CounterBench> StartAsync(string connectionString, NpgsqlDataSource dataSource, string key, int holders,
        Action<Dictionary<string, string>>? configure)
    {
        var work = BenchWork.Folder();
        await ProcFs.FollowClusterAsync(dataSource);
        var settings = CounterSetup.ApiSettings(connectionString, key, work);
        configure?.Invoke(settings);
        var url = BenchApi.Url(5099);
        var api = CounterSetup.StartApi(BenchApi.StartInfo(Environment.GetEnvironmentVariable("CMS_API_DLL")!, url, settings));
        var bench = new CounterBench(api, new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri(url) }, dataSource);
        try
        {
            await BenchApi.WaitReadyAsync(bench.Http, api);
            if (holders > 0) bench.Cards = await CounterSetup.LoadCardsAsync(dataSource, key, holders);
            bench.Token = holders > 0 ? await CounterSetup.OperatorTokenAsync(bench.Http) : await CounterSetup.ExistingOperatorTokenAsync(bench.Http);
            return bench;
        }
        catch
        {
            await bench.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api.Kill(entireProcessTree: true);
        await Api.WaitForExitAsync();
        Api.Dispose();
        Http.Dispose();
        await DataSource.DisposeAsync();
    }
}

/// <summary>A card the benchmark loaded, with what an operator reads off its face for a manual identification.</summary>
public sealed record BenchCard(string Number, string CodiceFiscale, DateOnly Expiry);

/// <summary>
/// The set-up the counter benchmarks share (activations, soak, identification, messages): the API's settings, the cards loaded
/// through the card-feed importer, and one counter with one operator made through the API by the bootstrap administrator.
/// </summary>
public static class CounterSetup
{
    public const string AdminCf = "SCRMNS80A01D612M", AdminPassword = "Bench-Admin-Pwd-1", OperatorPassword = "Bench-Operator-Pwd-1";

    /// <summary>The warm-up before a measured window: CMS_BENCH_WARMUP seconds, 90 by default (the tiered JIT's minute under load).</summary>
    public static int WarmUpSeconds => int.TryParse(Environment.GetEnvironmentVariable("CMS_BENCH_WARMUP"), out var w) ? w : 90;

    /// <summary>
    /// The API's settings of the counter benchmarks: the bench database (as its owner), a fresh code key and JWT key, the bootstrap
    /// administrator, messages to the pickup folder under <paramref name="work"/>, the region's recipient proof off.
    /// </summary>
    public static Dictionary<string, string> ApiSettings(string connectionString, string key, string work) => new()
    {
        ["ConnectionStrings__Cms"] = connectionString + ";Maximum Pool Size=100",
        ["CodeEncryption__ActiveKeyId"] = "bench",
        ["CodeEncryption__Keys__bench"] = key,
        ["Jwt__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Bootstrap__AdminCodiceFiscale"] = AdminCf,
        ["Bootstrap__AdminPassword"] = AdminPassword,
        ["Delivery__PickupFolder"] = Path.Combine(work, "pickup"),
        ["Security__PasswordHashing__Iterations"] = "600000",
        ["MALLOC_ARENA_MAX"] = "2", // as the Docker image and docs/production.md run it (decision 0021)
        // The region's recipient proof (decision 0036, on by default since issue 24) adds a message and a step per activation;
        // off here so that the figures stay comparable with the earlier ones (every confirm was refused with it on).
        ["Cms__RecipientProof__Required"] = "false",
    };

    /// <summary>Starts the API; its log lines with "fail" go to the benchmark's standard error, the rest is dropped.</summary>
    public static Process StartApi(ProcessStartInfo start)
    {
        var api = Process.Start(start)!;
        api.OutputDataReceived += (_, _) => { };
        api.ErrorDataReceived += (_, e) => { if (e.Data is not null && e.Data.Contains("fail", StringComparison.Ordinal)) Console.Error.WriteLine(e.Data); };
        api.BeginOutputReadLine();
        api.BeginErrorReadLine();
        return api;
    }

    /// <summary>
    /// Loads <paramref name="count"/> holders' cards through the card-feed importer (the demo population, seed 7) and gives those of
    /// adults with a card not yet expired — each can be identified and activated directly — ordered by card number.
    /// </summary>
    public static async Task<List<BenchCard>> LoadCardsAsync(NpgsqlDataSource dataSource, string key, int count)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var cipher = new AesGcmCodeCipher(Options.Create(new CodeEncryptionOptions { ActiveKeyId = "bench", Keys = new() { ["bench"] = key } }));
        using (var feed = new MemoryStream())
        {
            // Adults only, so that every card can be activated directly.
            var lines = new DemoPopulation(seed: 7).Cards(count, today)
                .Where(l => !Age.IsMinorOn(DateOnly.Parse(l.Holder!.BirthDate!, CultureInfo.InvariantCulture), today)
                    && DateOnly.Parse(l.ExpiryDate!, CultureInfo.InvariantCulture) > today);
            await DemoPopulation.WriteNdjsonAsync(lines, feed, CancellationToken.None);
            feed.Position = 0;
            await new CardFeedImporter(dataSource, cipher, Options.Create(new CmsOptions())).ImportNdjsonAsync(feed, 0, CancellationToken.None);
        }
        var cards = new List<BenchCard>();
        await using var c = await dataSource.OpenConnectionAsync();
        await using var q = new NpgsqlCommand("SELECT card_number, holder_codice_fiscale, expiry_date FROM identification.cards ORDER BY card_number", c);
        await using var r = await q.ExecuteReaderAsync();
        while (await r.ReadAsync()) cards.Add(new BenchCard(r.GetString(0), r.GetString(1), r.GetFieldValue<DateOnly>(2)));
        return cards;
    }

    /// <summary>Makes the counter 090-201-BE001 and its operator through the API as the bootstrap administrator; the operator's token.</summary>
    public static async Task<string> OperatorTokenAsync(HttpClient http)
    {
        var admin = await BenchApi.TokenAsync(http, AdminCf, AdminPassword);
        await BenchApi.PostAsync(http, admin, "/api/v1/admin/counters", new { code = "090-201-BE001", name = "Bench", type = "ASL", region = "090" });
        await BenchApi.PostAsync(http, admin, "/api/v1/admin/operators", new
        {
            codiceFiscale = OperatorCf, givenName = "Bench", surname = "Operatore", counterCode = "090-201-BE001",
            roles = new[] { "Operator" }, password = OperatorPassword, enabledForCms = true,
        });
        return await BenchApi.TokenAsync(http, OperatorCf, OperatorPassword);
    }

    /// <summary>The operator's token on a database kept between runs: signed in when an earlier run made it, else made now.</summary>
    public static async Task<string> ExistingOperatorTokenAsync(HttpClient http)
    {
        try
        {
            return await BenchApi.TokenAsync(http, OperatorCf, OperatorPassword);
        }
        catch (InvalidOperationException)
        {
            return await OperatorTokenAsync(http);
        }
    }

    private static string OperatorCf => CodiceFiscale.Compute("Bench", "Operatore", new DateOnly(1980, 1, 1), 'M', "D612");

    /// <summary>The q-quantile (0..1) of sorted values, 0 when there are none.</summary>
    public static double Quantile(double[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    /// <summary>CPU time per unit of work in milliseconds, as the benchmarks print it.</summary>
    public static string Ms(TimeSpan cpu, double units) => (cpu.TotalMilliseconds / Math.Max(units, 1)).ToString("0.00", CultureInfo.InvariantCulture);
}
