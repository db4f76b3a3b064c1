using Cms.Infrastructure.Outbox;

namespace Cms.Architecture.Tests;

/// <summary>Decision 0049: one outbox engine claims, leases, backs off, retries and sweeps; the kinds plug in their send only.</summary>
public class OutboxTests
{
    [Fact]
    public void Every_outbox_sender_is_a_kind_of_the_one_engine()
    {
        var senders = LayerTests.Infrastructure.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetMethod("SweepAsync") is not null && t.Name.EndsWith("Sender", StringComparison.Ordinal))
            .ToList();
        Assert.Equal(["CodeMessageSender", "InteropSender", "OutboundCallSender"], senders.Select(t => t.Name).Order());
        Assert.All(senders, t => Assert.True(t.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == typeof(OutboxSender<,>),
            $"{t.Name} does not derive from OutboxSender<,>"));
    }

    [Fact]
    public void Only_the_engine_writes_an_outbox_lease()
    {
        // Sources are read: the claim's SQL is text. A lease written anywhere else is a copy of the engine's skeleton.
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Cms.sln"))) root = root.Parent!;
        var infrastructure = Path.Combine(root.FullName, "src", "Cms.Infrastructure");
        var sep = Path.DirectorySeparatorChar;
        var copies = Directory.EnumerateFiles(infrastructure, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{sep}obj{sep}", StringComparison.Ordinal) && !f.Contains($"{sep}bin{sep}", StringComparison.Ordinal)
                && !f.Contains($"{sep}Migrations{sep}", StringComparison.Ordinal) && !f.Contains($"{sep}Outbox{sep}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("lease_until", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(infrastructure, f))
            .ToList();
        Assert.True(copies.Count == 0, "outbox leases handled outside Infrastructure/Outbox: " + string.Join(", ", copies));
    }
}
