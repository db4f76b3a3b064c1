using Cms.Application.Administration.Contracts;
using System.Diagnostics;
using System.Globalization;
using Cms.Application;
using Cms.Application.Common.Abstractions;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Domain.Auditing;
using Cms.Infrastructure;
using Cms.Infrastructure.DemoData;
using Cms.Infrastructure.Persistence;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cms.Cli;

/// <summary>
/// Command-line tools for the issuer and for operations:
///   cms import-cards FILE.ndjson   loads a card feed of any size (same rules as POST /api/v1/issuer/card-feed)
///   cms import-cards --migration FILE.ndjson
///                                  loads a region's cards from its previous CMS, with their state, activation, consents, reader
///                                  deliveries and past operations (same rules as POST /api/v1/issuer/card-feed?migration=true)
///   cms demo-feed N FILE.ndjson    writes a realistic feed of N holders (valid codici fiscali) for tests and benchmarks
///   cms migrate                    applies the database migrations as the owner role (ConnectionStrings__CmsMigrations, else
///                                  ConnectionStrings__Cms) and grants the runtime role (Database__RuntimeRole) its rights
///   cms reseal                     seals every sealed value again under the active key (the last step of a key rotation)
///   cms audit verify --checkpoints DIR [--public-key FILE]
///                                  recomputes the trail's hash chain and compares it with the signed checkpoints of DIR
///                                  (exit code 0 intact, 4 broken)
/// Configuration comes from the environment (ConnectionStrings__Cms, CodeEncryption__…), as for the API.
/// </summary>
public static class CliApp
{
    private const string UsageText = "usage: cms import-cards [--migration] FILE.ndjson | cms demo-feed HOLDERS FILE.ndjson | cms migrate | cms reseal | " +
        "cms audit verify --checkpoints DIR [--public-key FILE]";

    /// <summary>How many rejected lines <c>cms import-cards</c> lists (all are counted).</summary>
    private const int MaxListedRejections = 100;

    /// <summary>The exit code of <c>cms audit verify</c> when the trail is not intact.</summary>
    public const int TrailBroken = 4;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken,
        IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            await output.WriteLineAsync(UsageText);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            return args[0] switch
            {
                "import-cards" when args.Length == 2 => await ImportAsync(args[1], migration: false, output, settings, cancellationToken),
                "import-cards" when args.Length == 3 && args[1] == "--migration" =>
                    await ImportAsync(args[2], migration: true, output, settings, cancellationToken),
                "demo-feed" when args.Length == 3 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var holders) =>
                    await DemoFeedAsync(holders, args[2], output, cancellationToken),
                "migrate" => await MigrateAsync(output, settings, cancellationToken),
                "reseal" when args.Length == 1 => await ResealAsync(output, settings, cancellationToken),
                "audit" when args.Length >= 4 && args[1] == "verify" && Options(args[2..]) is { } options && options.ContainsKey("--checkpoints") =>
                    await VerifyTrailAsync(options, output, settings, cancellationToken),
                _ => await Usage(error),
            };
        }
        catch (FluentValidation.ValidationException ex)
        {
            // Refused by the use case's validator, as the API would answer 400.
            foreach (var failure in ex.Errors) await error.WriteLineAsync($"cms: {failure.PropertyName}: {failure.ErrorMessage}");
            return 1;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"cms: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> Usage(TextWriter error)
    {
        await error.WriteLineAsync(UsageText);
        return 2;
    }

    private static ServiceProvider Services(IEnumerable<KeyValuePair<string, string?>>? settings)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddScoped<ICurrentUser, CliUser>();
        services.AddCmsApplication();
        services.AddCmsInfrastructure(configuration);
        services.AddSingleton<IAccessTokenIssuer, NoTokens>();
        return services.BuildServiceProvider();
    }

    private static async Task<int> ImportAsync(string file, bool migration, TextWriter output, IEnumerable<KeyValuePair<string, string?>>? settings, CancellationToken cancellationToken)
    {
        await using var provider = Services(settings);
        await using var scope = provider.CreateAsyncScope();
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var started = Stopwatch.GetTimestamp();
        // Through the mediator, as the API's feed (decision 0050): the same validation, and the trail's entry written by the pipeline.
        var result = await scope.ServiceProvider.GetRequiredService<IMediator>()
            .Send(new ImportCardFeedCommand(stream, migration, Path.GetFileName(file), MaxListedRejections), cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"accepted {result.Accepted}, created {result.CardsCreated}, already present {result.CardsAlreadyPresent}, rejected {result.RejectedCount} in {elapsed.TotalSeconds:0.0} s ({result.Accepted / Math.Max(elapsed.TotalSeconds, 0.001):0} cards/s)"));
        foreach (var rejected in result.Rejected)
            await output.WriteLineAsync($"line {rejected.Line}: {string.Join("; ", rejected.Errors)}");
        return result.RejectedCount == 0 ? 0 : 3;
    }

    private static async Task<int> DemoFeedAsync(int holders, string file, TextWriter output, CancellationToken cancellationToken)
    {
        await using var stream = File.Create(file);
        var lines = new DemoPopulation().Cards(holders, DateOnly.FromDateTime(DateTime.UtcNow));
        await DemoPopulation.WriteNdjsonAsync(lines, stream, cancellationToken);
        await output.WriteLineAsync($"wrote {file}");
        return 0;
    }

    private static async Task<int> MigrateAsync(TextWriter output, IEnumerable<KeyValuePair<string, string?>>? settings, CancellationToken cancellationToken)
    {
        // Only the owner's connection is needed: not the whole application (which wants the runtime connection and the keys).
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(settings ?? []).Build();
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        await new Cms.Infrastructure.Startup.DatabaseMigrator(configuration, logging.CreateLogger<Cms.Infrastructure.Startup.DatabaseMigrator>())
            .MigrateAsync(cancellationToken);
        await output.WriteLineAsync("migrated");
        return 0;
    }

    private static async Task<int> ResealAsync(TextWriter output, IEnumerable<KeyValuePair<string, string?>>? settings, CancellationToken cancellationToken)
    {
        await using var provider = Services(settings);
        await using var scope = provider.CreateAsyncScope();
        var counts = await scope.ServiceProvider.GetRequiredService<Cms.Infrastructure.Security.Resealer>().ResealAllAsync(cancellationToken);
        var cipher = scope.ServiceProvider.GetRequiredService<ICodeCipher>();
        foreach (var count in counts)
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{count.What}: {count.Resealed} sealed again, {count.AlreadyActive} now under key {cipher.ActiveKeyId}"));
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        db.Operations.Add(new OperationEntry(Guid.CreateVersion7(), DateTimeOffset.UtcNow, OperationType.KeyRotation, OperationOutcome.Succeeded,
            null, null, null, null, null, null, null, $"cli reseal key={cipher.ActiveKeyId} resealed={counts.Sum(c => c.Resealed)}"));
        await db.SaveChangesAsync(cancellationToken);
        return 0;
    }

    /// <summary><c>--name value</c> pairs; null when the arguments are not such pairs.</summary>
    private static Dictionary<string, string>? Options(string[] args)
    {
        if (args.Length % 2 != 0) return null;
        var options = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i += 2)
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || !options.TryAdd(args[i], args[i + 1])) return null;
        return options;
    }

    private static async Task<int> VerifyTrailAsync(Dictionary<string, string> options, TextWriter output,
        IEnumerable<KeyValuePair<string, string?>>? settings, CancellationToken cancellationToken)
    {
        var folder = options["--checkpoints"];
        if (!Directory.Exists(folder)) throw new IOException($"the checkpoint folder {folder} does not exist");
        List<KeyValuePair<string, string?>> verifySettings = [.. settings ?? [], new("Audit:CheckpointFolder", folder)];
        if (options.TryGetValue("--public-key", out var publicKey)) verifySettings.Add(new("Audit:CheckpointPublicKeyFile", publicKey));
        await using var provider = Services(verifySettings);
        await using var scope = provider.CreateAsyncScope();
        if (!scope.ServiceProvider.GetRequiredService<Cms.Infrastructure.Auditing.AuditCheckpointKeys>().CanVerify)
            throw new InvalidOperationException("no public key to verify the checkpoints with: --public-key FILE or Audit__CheckpointPublicKeyFile");
        var report = await scope.ServiceProvider.GetRequiredService<Cms.Application.Common.Auditing.IAuditTrail>()
            .VerifyAsync(null, null, cancellationToken);
        await output.WriteLineAsync(report.Intact
            ? $"Registro integro: {report.EntriesChecked} voci verificate, testa in posizione {report.Head.ChainIndex} (hash {report.Head.Hash})."
            : $"Registro NON integro: {report.FirstBreak?.Explanation ?? "vedi i punti di controllo."}");
        if (report.FirstBreak is { } found)
            await output.WriteLineAsync($"Prima voce in disaccordo: posizione {found.ChainIndex}{(found.Sequence is { } s ? $" (n. {s})" : "")}.");
        if (report.Checkpoints is { } checkpoints)
        {
            await output.WriteLineAsync($"Punti di controllo: {checkpoints.Matching} su {checkpoints.Checked} corrispondono. {checkpoints.Explanation}");
            if (checkpoints.FirstMismatch is { } mismatch)
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Finestra: dopo la posizione {checkpoints.LastMatching?.ChainIndex ?? 0} ({checkpoints.LastMatching?.SignedAt.UtcDateTime:u}) " +
                    $"e fino alla posizione {mismatch.ChainIndex} ({mismatch.SignedAt.UtcDateTime:u})."));
        }

        // The check is recorded in the trail like the API's.
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        db.Operations.Add(new OperationEntry(Guid.CreateVersion7(), DateTimeOffset.UtcNow, OperationType.AuditConsultation, OperationOutcome.Succeeded,
            null, null, null, null, null, null, null,
            report.FirstBreak is { } broken ? $"cli integrity broken at={broken.ChainIndex} {broken.Finding}"
            : report.Intact ? $"cli integrity intact head={report.Head.ChainIndex}" : "cli integrity checkpoint signatures"));
        await db.SaveChangesAsync(cancellationToken);
        return report.Intact ? 0 : TrailBroken;
    }

    private sealed class CliUser : ICurrentUser
    {
        public bool IsAuthenticated => false;
        public Guid? OperatorId => null;
        public Guid? SessionId => null;
        public string? ClientAddress => null;
        public string? CodiceFiscale => null;
        public string? CounterCode => null;
        public string? Region => null;
        public Cms.Domain.Common.CounterType? CounterType => null;
        public IReadOnlyCollection<string> Roles => [];
        public bool IsInRole(string role) => false;
    }

    private sealed class NoTokens : IAccessTokenIssuer
    {
        public AccessToken Issue(Cms.Domain.Administration.Operator op, Cms.Domain.Administration.Counter? counter,
            Cms.Domain.Administration.OperatorSession session) =>
            throw new InvalidOperationException("The command line issues no tokens.");
    }
}
