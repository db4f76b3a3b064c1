using Cms.Domain.Readers;
using Microsoft.Extensions.Options;

namespace Cms.Application.Readers.Common;

/// <summary>
/// How many readers may be handed out, and to whom the limit applies [T 2.6] (section <c>Cms:Readers</c>): <see cref="Limit"/>
/// readers per household (the seeds' rule) or per holder. The Readers module's own setting (decision 0052): the shared
/// kernel's <c>CmsOptions</c> does not name it.
/// </summary>
public sealed class ReaderRuleOptions
{
    public const string Section = "Cms:Readers";

    public ReaderLimitScope Scope { get; set; } = ReaderLimitScope.Household;
    public int Limit { get; set; } = 1;
}

/// <summary>Checked at start-up with the region's other settings: a bad one stops the start with a message naming it.</summary>
public sealed class ReaderRuleOptionsValidator : IValidateOptions<ReaderRuleOptions>
{
    public ValidateOptionsResult Validate(string? name, ReaderRuleOptions o)
    {
        var problems = new List<string>();
        if (o.Limit is < 1 or > 20) problems.Add("Cms:Readers:Limit must be between 1 and 20.");
        if (!Enum.IsDefined(o.Scope)) problems.Add("Cms:Readers:Scope must be Household or Holder.");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
