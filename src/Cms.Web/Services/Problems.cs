using System.Net.Http.Json;
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

    /// <summary>
    /// The rule a problem names: the contract's typed <c>rule</c> (1.2.0 on), else the extension member an older
    /// contract's client kept among its additional properties.
    /// </summary>
    public static string? Rule(CmsApiException e) =>
        e is CmsApiException<Problem> p ? RuleOf(p.Result) : null;

    public static string? RuleOf(Problem problem) =>
        problem.Rule is { Length: > 0 } rule ? rule
        : problem.AdditionalProperties?.TryGetValue("rule", out var r) == true && r is JsonElement { ValueKind: JsonValueKind.String } s ? s.GetString()
        : null;

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
        foreach (var (field, message) in Errors(problem.Result))
        {
            state.AddModelError(FieldKey(prefix, field), message);
            added = true;
        }
        if (added) return;
        var detail = problem.Result.Detail ?? problem.Result.Title ?? "Richiesta non accettata.";
        var rule = Rule(e);
        state.AddModelError(rule is not null && ruleFields?.TryGetValue(rule, out var target) == true ? FieldKey(prefix, target) : "", detail);
    }

    /// <summary>
    /// A problem answer read by hand (a page that calls the API without the generated client, such as the card feed's
    /// upload) as one message: its validation messages, else its detail or title; <see cref="Unavailable"/> for a server
    /// error; null when the answer is no problem.
    /// </summary>
    public static async Task<string?> MessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if ((int)response.StatusCode >= 500) return Unavailable;
        Problem? problem;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<Problem>(cancellationToken);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return null;
        }
        if (problem is null) return null;
        var messages = Errors(problem).Select(e => e.Message).ToList();
        return messages.Count > 0 ? string.Join(" ", messages)
            : problem.Detail is { Length: > 0 } detail ? detail
            : problem.Title is { Length: > 0 } title ? title
            : null;
    }

    /// <summary>A validation problem's messages, with the path of the field each concerns.</summary>
    public static IEnumerable<(string Field, string Message)> Errors(Problem problem)
    {
        if (problem.Errors is { Count: > 0 } typed)
        {
            foreach (var (field, messages) in typed)
            foreach (var message in (messages ?? []).Where(m => !string.IsNullOrEmpty(m)))
                yield return (field, message);
            yield break;
        }
        if (problem.AdditionalProperties?.TryGetValue("errors", out var errors) != true || errors is not JsonElement { ValueKind: JsonValueKind.Object } map)
            yield break;
        foreach (var field in map.EnumerateObject())
        {
            var messages = field.Value.ValueKind == JsonValueKind.Array ? field.Value.EnumerateArray().Select(m => m.GetString() ?? "") : [field.Value.ToString()];
            foreach (var message in messages.Where(m => m.Length > 0))
                yield return (field.Name, message);
        }
    }

    /// <summary><c>document.issueDate</c> → <c>Input.Document.IssueDate</c>.</summary>
    public static string FieldKey(string prefix, string path)
    {
        if (string.IsNullOrEmpty(path) || path == "identification") return "";
        var parts = path.Split('.').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]);
        return string.IsNullOrEmpty(prefix) ? string.Join('.', parts) : prefix + "." + string.Join('.', parts);
    }
}
