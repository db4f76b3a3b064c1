using System.Text.Json;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cms.Web.Services;

/// <summary>
/// Puts the API's problem answers beside the fields they concern: a validation problem's <c>errors</c> by field path
/// (<c>document.number</c> → <c>Input.Document.Number</c>), a broken rule by the field the page names for it, anything
/// else at the top of the form. Messages are the API's own, in Italian.
/// </summary>
public static class Problems
{
    public const string Unavailable = "Il servizio CMS non risponde: riprovare tra qualche istante.";

    public static string? Rule(CmsApiException e) =>
        e is CmsApiException<Problem> p && p.Result.AdditionalProperties.TryGetValue("rule", out var r) && r is JsonElement { ValueKind: JsonValueKind.String } s
            ? s.GetString() : null;

    /// <summary>Every message at the top of the form: for a page whose data the operator did not type (the chip's).</summary>
    public static void AddToTop(ModelStateDictionary state, CmsApiException e)
    {
        var byField = new ModelStateDictionary();
        AddTo(byField, e);
        foreach (var message in byField.Values.SelectMany(v => v.Errors).Select(x => x.ErrorMessage).Distinct())
            state.AddModelError("", message);
    }

    public static void AddTo(ModelStateDictionary state, CmsApiException e, string prefix = "Input",
        IReadOnlyDictionary<string, string>? ruleFields = null)
    {
        if (e is not CmsApiException<Problem> problem)
        {
            state.AddModelError("", e.StatusCode >= 500 ? Unavailable : $"Richiesta non riuscita ({e.StatusCode}).");
            return;
        }
        var added = false;
        if (problem.Result.AdditionalProperties.TryGetValue("errors", out var errors) && errors is JsonElement { ValueKind: JsonValueKind.Object } map)
        {
            foreach (var field in map.EnumerateObject())
            {
                var messages = field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray().Select(m => m.GetString() ?? "") : [field.Value.ToString()];
                foreach (var message in messages)
                {
                    state.AddModelError(FieldKey(prefix, field.Name), message);
                    added = true;
                }
            }
        }
        if (added) return;
        var detail = problem.Result.Detail ?? problem.Result.Title ?? "Richiesta non accettata.";
        var rule = Rule(e);
        state.AddModelError(rule is not null && ruleFields?.TryGetValue(rule, out var target) == true ? FieldKey(prefix, target) : "", detail);
    }

    /// <summary><c>document.issueDate</c> → <c>Input.Document.IssueDate</c>.</summary>
    public static string FieldKey(string prefix, string path)
    {
        if (string.IsNullOrEmpty(path) || path == "identification") return "";
        var parts = path.Split('.').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]);
        return string.IsNullOrEmpty(prefix) ? string.Join('.', parts) : prefix + "." + string.Join('.', parts);
    }
}
