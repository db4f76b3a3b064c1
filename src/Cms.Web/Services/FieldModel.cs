namespace Cms.Web.Services;

/// <summary>One labelled form field; its error (from the API's problem) is shown under it and tied to it for screen readers.</summary>
public sealed record FieldModel(string Name, string Label, string? Value, string Type = "text", string? Hint = null,
    bool Required = false, string? Autocomplete = null, IReadOnlyList<(string Value, string Label)>? Options = null, string? InputMode = null)
{
    public string Id => Name.Replace('.', '_');
}
