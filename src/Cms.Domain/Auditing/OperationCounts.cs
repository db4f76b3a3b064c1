namespace Cms.Domain.Auditing;

// Roll-ups of the operations trail, kept by the database itself (a trigger on every new entry, see
// docs/decisions/0012-operation-counts.md): the counter operations done, counted per UTC day or month.
// The application only reads them; an empty region or counter code stands for "none".

/// <summary>Operations done at one counter on one day, by type.</summary>
public sealed class CounterDayCount
{
    private CounterDayCount() { }
    public DateOnly Day { get; private set; }
    public string Region { get; private set; } = "";
    public string CounterCode { get; private set; } = "";
    public OperationType Type { get; private set; }
    public int Operations { get; private set; }
}

/// <summary>Operations done at one counter in one calendar month (its first day), by type.</summary>
public sealed class CounterMonthCount
{
    private CounterMonthCount() { }
    public DateOnly Month { get; private set; }
    public string Region { get; private set; } = "";
    public string CounterCode { get; private set; } = "";
    public OperationType Type { get; private set; }
    public int Operations { get; private set; }
}

/// <summary>Operations done in one region on one day, by type.</summary>
public sealed class RegionDayCount
{
    private RegionDayCount() { }
    public DateOnly Day { get; private set; }
    public string Region { get; private set; } = "";
    public OperationType Type { get; private set; }
    public int Operations { get; private set; }
}
