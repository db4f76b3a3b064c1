using Cms.Domain.Common;

namespace Cms.Domain.Administration;

/// <summary>A front-office counter (sportello), e.g. <c>090-201-EM001</c>.</summary>
public sealed class Counter
{
    private Counter() { }

    public Counter(string code, string name, CounterType type, string region)
    {
        Code = code;
        Name = name;
        Type = type;
        Region = region;
        Active = true;
    }

    public string Code { get; private set; } = null!;
    public string Name { get; private set; } = null!;
    public CounterType Type { get; private set; }
    public string Region { get; private set; } = null!;
    public bool Active { get; private set; }

    public void Update(string name, CounterType type, bool active)
    {
        Name = name;
        Type = type;
        Active = active;
    }
}
