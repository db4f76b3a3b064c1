namespace Cms.Domain.Common;

/// <summary>
/// The counter types whose operators may send an operation on another region's card to the issuing region [T 2.11, S 8]: a
/// region policy (decision 0038). Toscana lets every counter but pharmacies (the default); Sardegna only its health
/// authorities and its regional offices (URP). Pharmacies never: both seeds exclude them from the service, and the issuing
/// region cannot tell which kind of counter sent a request, so one region may not open it to them for its peers.
/// </summary>
public sealed class InteropCounterPolicy
{
    /// <summary>Every counter type but <see cref="CounterType.Pharmacy"/>.</summary>
    public static readonly IReadOnlyList<CounterType> DefaultTypes =
        [CounterType.Asl, CounterType.Hospital, CounterType.Municipality, CounterType.RegionalOffice];

    public static InteropCounterPolicy Default { get; } = new(DefaultTypes);

    private readonly HashSet<CounterType> types;

    public InteropCounterPolicy(IEnumerable<CounterType> types)
    {
        this.types = [.. types];
        if (this.types.Count == 0) throw new ArgumentException("At least one counter type works in interoperability.", nameof(types));
        if (this.types.Contains(CounterType.Pharmacy))
            throw new ArgumentException("Pharmacies do not work in interoperability [T 2.11, S 8].", nameof(types));
    }

    /// <summary>The allowed types, in the enum's order.</summary>
    public IReadOnlyList<CounterType> Types => [.. types.Order()];

    /// <summary>Whether an operator at a counter of this type may work in interoperability (no counter: no).</summary>
    public bool Allows(CounterType? type) => type is { } t && types.Contains(t);
}

public enum CounterType
{
    Asl,
    Hospital,
    Municipality,
    RegionalOffice,
    Pharmacy,
}
