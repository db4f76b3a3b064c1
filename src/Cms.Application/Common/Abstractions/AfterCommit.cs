namespace Cms.Application.Common.Abstractions;

/// <summary>Work to do once the command's transaction has committed (e.g. wake the delivery job); best effort.</summary>
public sealed class AfterCommit
{
    private readonly List<Func<CancellationToken, Task>> actions = [];

    public void Add(Func<CancellationToken, Task> action) => actions.Add(action);

    internal IReadOnlyList<Func<CancellationToken, Task>> Drain()
    {
        var list = actions.ToList();
        actions.Clear();
        return list;
    }
}
