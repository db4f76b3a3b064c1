using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Cms.Infrastructure.Persistence;

/// <summary>
/// How the change tracker compares, hashes and snapshots a <c>text[]</c> column held as <c>string[]</c> (the forms printed for a
/// request). EF Core's own comparer for a primitive collection passes its element comparer as a nested lambda: every comparison,
/// snapshot and acceptance of such an entity built a new delegate over a dynamic method (under the activations benchmark a
/// steady share of the API's CPU, and dynamic methods for the finaliser to destroy; issue 29). This one calls plain methods.
/// </summary>
public sealed class TextArrayComparer() : ValueComparer<string[]>(
    (a, b) => AreEqual(a, b),
    v => HashOf(v),
    v => Copy(v))
{
    public static readonly TextArrayComparer Instance = new();

    public static bool AreEqual(string[]? a, string[]? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.AsSpan().SequenceEqual(b));

    public static int HashOf(string[] value)
    {
        var hash = new HashCode();
        foreach (var item in value) hash.Add(item, StringComparer.Ordinal);
        return hash.ToHashCode();
    }

    public static string[] Copy(string[] value) => [.. value];
}
