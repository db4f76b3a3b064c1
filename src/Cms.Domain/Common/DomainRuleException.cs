namespace Cms.Domain.Common;

/// <summary>How a broken rule is reported to the caller; the API maps it to an HTTP status.</summary>
public enum RuleKind
{
    /// <summary>The request is well-formed but breaks a business rule (422).</summary>
    Unprocessable,
    /// <summary>The thing named does not exist (404).</summary>
    NotFound,
    /// <summary>The state of the system does not allow it now (409).</summary>
    Conflict,
    /// <summary>The caller is not allowed to do it (403).</summary>
    Forbidden,
    /// <summary>The caller could not be authenticated (401).</summary>
    Unauthenticated,
    /// <summary>The thing is locked for a while (423), e.g. a card after too many wrong CIPs.</summary>
    Locked,
}

/// <summary>
/// A business rule was broken. <see cref="Rule"/> is a stable, kebab-case name that becomes the
/// problem <c>type</c> of the HTTP answer; <see cref="Message"/> is Italian text for the operator.
/// </summary>
public class DomainRuleException(string rule, string message, RuleKind kind = RuleKind.Unprocessable)
    : Exception(message)
{
    public string Rule { get; } = rule;
    public RuleKind Kind { get; } = kind;
    public IDictionary<string, object?> Extensions { get; } = new Dictionary<string, object?>();

    /// <summary>
    /// The refusal is itself a fact to keep: the work done so far (a wrong CIP attempt) is committed together with
    /// the audit entry of the refusal, instead of being rolled back.
    /// </summary>
    public bool KeepsWork { get; private set; }

    public DomainRuleException With(string key, object? value)
    {
        Extensions[key] = value;
        return this;
    }

    public DomainRuleException KeepingWork()
    {
        KeepsWork = true;
        return this;
    }
}
