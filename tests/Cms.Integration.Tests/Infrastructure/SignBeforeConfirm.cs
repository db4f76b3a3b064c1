using System.Net.Http.Json;
using System.Text.Json;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>
/// Sign before confirm (decision 0043), as a counter does it: print every form of the pending request (GET documents/{name}),
/// then confirm with <c>formPrintedAndSigned: true</c>.
/// </summary>
public static class SignBeforeConfirm
{
    /// <summary>Prints the forms a request offers (all but the codes) and answers the names printed.</summary>
    /// <param name="kind"><c>activations</c>, <c>reprints</c> or <c>interop</c>.</param>
    public static async Task<IReadOnlyList<string>> PrintFormsAsync(this HttpClient client, string kind, object? id)
    {
        var path = kind == "interop" ? $"/api/v1/interop/requests/{id}" : $"/api/v1/{kind}/{id}";
        using var got = await client.GetAsync(path);
        if (!got.IsSuccessStatusCode) return []; // the confirm answers the request's own problem (not found, another counter…)
        var view = await got.Content.ReadFromJsonAsync<JsonElement>();
        var documents = kind == "interop" ? view.GetProperty("documents") : view.GetProperty("summary").GetProperty("documents");
        var printed = new List<string>();
        foreach (var name in documents.EnumerateArray().Select(d => d.GetString()!).Where(n => n != "codici-personali"))
        {
            using var form = await client.GetAsync($"{path}/documents/{name}");
            if (!form.IsSuccessStatusCode) throw new InvalidOperationException($"printing {name} of {path}: {(int)form.StatusCode} {await form.Content.ReadAsStringAsync()}");
            printed.Add(name);
        }
        return printed;
    }

    /// <summary>The confirm's body once the forms are signed, with the recipient-proof code when there is one.</summary>
    public static object SignedBody(string? recipientProof = null) => new { formPrintedAndSigned = true, recipientProof };

    /// <summary>Prints the forms, then gives the confirm's body.</summary>
    public static async Task<object> SignedBodyAsync(this HttpClient client, string kind, object? id, string? recipientProof = null)
    {
        await client.PrintFormsAsync(kind, id);
        return SignedBody(recipientProof);
    }

    /// <summary>Prints the forms, then gives the confirm's body as content.</summary>
    public static async Task<HttpContent> SignedAsync(this HttpClient client, string kind, object? id, string? recipientProof = null) =>
        JsonContent.Create(await client.SignedBodyAsync(kind, id, recipientProof));
}
