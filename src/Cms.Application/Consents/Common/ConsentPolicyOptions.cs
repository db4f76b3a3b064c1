using Cms.Domain.Consents.Contracts;
using Microsoft.Extensions.Options;

namespace Cms.Application.Consents.Common;

/// <summary>
/// The FSE consent model as a dated policy (section <c>Cms:ConsentPolicies</c>, a list): the entry with the latest
/// <c>EffectiveFrom</c> not after the request date applies. When none is configured: the seeds' legacy set (with feeding)
/// until 18 May 2020, the current law (DL 34/2020 art. 11) since. The Consents module's own setting (decision 0052): the
/// shared kernel's <c>CmsOptions</c> does not name it. (Empty by default: the configuration binder appends to a list, it
/// never replaces it.)
/// </summary>
public sealed class ConsentPolicyOptions
{
    public const string Section = "Cms:ConsentPolicies";

    public List<ConsentPolicy> Policies { get; set; } = [];

    public static readonly IReadOnlyList<ConsentPolicy> Defaults =
    [
        new() { EffectiveFrom = new DateOnly(2000, 1, 1), Model = ConsentModel.Legacy },
        new() { EffectiveFrom = new DateOnly(2020, 5, 19), Model = ConsentModel.Current },
    ];

    /// <summary>The consent model in effect on a date.</summary>
    public ConsentModel ModelOn(DateOnly date)
    {
        var policies = Policies.Count > 0 ? Policies : Defaults;
        return policies.Where(p => p.EffectiveFrom <= date).OrderByDescending(p => p.EffectiveFrom).Select(p => p.Model)
            .DefaultIfEmpty(policies.OrderBy(p => p.EffectiveFrom).First().Model).First();
    }
}

/// <summary>One dated entry of the consent policy.</summary>
public sealed class ConsentPolicy
{
    public DateOnly EffectiveFrom { get; set; }
    public ConsentModel Model { get; set; }
}

/// <summary>Checked at start-up with the region's other settings: a bad one stops the start with a message naming it.</summary>
public sealed class ConsentPolicyOptionsValidator : IValidateOptions<ConsentPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsentPolicyOptions o)
    {
        var problems = new List<string>();
        var policies = o.Policies;
        if (policies.Count > 0)
        {
            if (policies.Any(p => !Enum.IsDefined(p.Model))) problems.Add("Cms:ConsentPolicies: Model must be Current or Legacy.");
            if (policies.Any(p => p.EffectiveFrom == default)) problems.Add("Cms:ConsentPolicies: every entry needs its EffectiveFrom date.");
            if (policies.GroupBy(p => p.EffectiveFrom).Any(g => g.Count() > 1))
                problems.Add("Cms:ConsentPolicies: two entries take effect on the same date.");
            if (policies.All(p => p.EffectiveFrom > DateOnly.FromDateTime(DateTime.UtcNow)))
                problems.Add("Cms:ConsentPolicies: no consent model is in effect today (every EffectiveFrom is in the future).");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
