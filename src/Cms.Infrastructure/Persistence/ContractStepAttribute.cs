namespace Cms.Infrastructure.Persistence;

/// <summary>
/// Marks a migration as the <em>contract</em> half of an expand/contract change (decision 0058): it drops, renames or tightens
/// something the previous release still used. Every other migration after the baseline must be an <em>expand</em> step, which
/// the previous release runs against unchanged during a rolling upgrade; an architecture test holds that. A contract step ships
/// only in a release whose previous release no longer reads or writes what it removes, and <see cref="Reason"/> says which
/// release stopped using it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ContractStepAttribute(string reason) : Attribute
{
    /// <summary>What is removed or tightened, and since which release nothing reads or writes it.</summary>
    public string Reason { get; } = reason;
}
