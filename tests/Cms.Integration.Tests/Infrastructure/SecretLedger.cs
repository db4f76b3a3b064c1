using System.Collections.Concurrent;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Cms.Integration.Tests.Infrastructure.LastCollectionOrderer", "Cms.Integration.Tests")]

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>
/// Every secret the suite hands to Cms — passwords, keys, peer secrets, the PUKs and CIPs of the card feeds — and every log
/// line Cms writes in the whole run (in-process hosts and separate processes), kept in a file, so that
/// <see cref="SecretsAfterTheSuiteTests"/> can look for each secret in each line once the other tests are done.
/// </summary>
public static class SecretLedger
{
    private static readonly ConcurrentDictionary<string, string> Secrets = new(StringComparer.Ordinal);
    private static readonly object Gate = new();
    private static StreamWriter? writer;
    private static long lines;

    public static string LogFile { get; } = Path.Combine(Path.GetTempPath(), $"cms-test-log-{Environment.ProcessId}.log");

    /// <summary>Short values (a 5-digit PIN) would be found by chance in any log; only secrets of 8 characters or more are kept.</summary>
    public static void Register(string what, string? secret)
    {
        if (!string.IsNullOrEmpty(secret) && secret.Length >= 8) Secrets.TryAdd(secret, what);
    }

    public static void Log(string line)
    {
        lock (Gate)
        {
            writer ??= new StreamWriter(LogFile, append: false);
            writer.WriteLine(line.Replace('\n', ' '));
            lines++;
        }
    }

    public static (IReadOnlyDictionary<string, string> Secrets, long Lines) Snapshot()
    {
        lock (Gate)
        {
            writer?.Flush();
            return (new Dictionary<string, string>(Secrets), lines);
        }
    }
}

/// <summary>Runs the collection named <see cref="Name"/> after all the others (the suite runs one collection at a time).</summary>
public sealed class LastCollectionOrderer : ITestCollectionOrderer
{
    public const string Name = "After the whole suite";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName.Contains(Name, StringComparison.Ordinal) ? 1 : 0);
}

[CollectionDefinition(LastCollectionOrderer.Name)]
public sealed class LastCollection;
