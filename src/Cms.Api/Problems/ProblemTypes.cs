namespace Cms.Api.Problems;

/// <summary>Problem <c>type</c> URIs: one stable URN per rule, e.g. <c>urn:cms:problem:card-not-found</c>.</summary>
public static class ProblemTypes
{
    public const string Prefix = "urn:cms:problem:";
    public const string Validation = Prefix + "validation";
    public const string MalformedRequest = Prefix + "malformed-request";
    public const string Unexpected = Prefix + "unexpected";
    public const string Unauthenticated = Prefix + "unauthenticated";
    public const string Forbidden = Prefix + "forbidden";
    public const string NotFound = Prefix + "not-found";

    public static string For(string rule) => Prefix + rule;
}
