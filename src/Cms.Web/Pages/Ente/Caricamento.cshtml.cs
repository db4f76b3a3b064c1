using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Cms.Web.Pages.Ente;

/// <summary>
/// The issuer's card feed uploaded from the browser (decision 0048). The file is not bound as a form: the multipart body is read
/// section by section and the file's section is streamed straight into the API's <c>POST /issuer/card-feed</c> as it arrives, so a
/// feed of any size passes through without being held in memory or on disk here. The anti-forgery token therefore travels before
/// the file (the form's first field, or the <c>RequestVerificationToken</c> header the page's script sets) and is checked before a
/// byte goes to the API. The answer — counts and the rejected lines with their number and rule — is the result page.
/// </summary>
[Authorize(Roles = "Issuer")]
[IgnoreAntiforgeryToken] // checked by hand before the file is streamed: the automatic check would read (buffer) the whole form
[RequestSizeLimit(MaxFeedBytes)]
public sealed class CaricamentoModel(CmsApi api, IAntiforgery antiforgery) : PageModel
{
    /// <summary>As the API's limit (Cms.Api CardEndpoints.MaxFeedBytes): 2 GiB.</summary>
    public const long MaxFeedBytes = 2L * 1024 * 1024 * 1024;

    public const string FileField = "Feed";
    public const string MigrationField = "Migration";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public CardFeedResult? Result { get; private set; }
    public bool Migration { get; private set; }
    public string? FileName { get; private set; }
    public string? FileError { get; private set; }
    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    // No parameter, not even a CancellationToken: a handler with one makes Razor Pages build its value providers, and the form's
    // reads the whole form (the file to a temporary file) before the handler runs.
    public async Task<IActionResult> OnPostAsync()
    {
        var ct = HttpContext.RequestAborted;
        try
        {
            return await ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // A body that is not the form a browser sends (broken multipart, headers past the limit): the request's fault.
            return BadRequest();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new EmptyResult(); // the browser went away: nobody reads an answer
        }
    }

    /// <summary>At most this many small fields before the file (the token, the idempotency key, the migration flag and a few more).</summary>
    private const int MaxFields = 8;

    private async Task<IActionResult> ReadFormAsync(CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(Request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return BadRequest();
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) return BadRequest();

        var reader = new MultipartReader(boundary, Request.Body) { HeadersLengthLimit = 16 * 1024 };
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var validated = false;
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                continue;
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
            if (!disposition.IsFileDisposition())
            {
                // The small fields before the file: the token, the idempotency key, the migration flag.
                using var text = new StreamReader(section.Body);
                var buffer = new char[4096];
                var read = await text.ReadBlockAsync(buffer, ct);
                if (read == buffer.Length || fields.Count >= MaxFields) return BadRequest();
                fields.TryAdd(name, new string(buffer, 0, read));
                continue;
            }
            if (name != FileField) continue;
            if (!validated)
            {
                if (!await TokenIsValidAsync(fields)) return BadRequest();
                validated = true;
            }
            Migration = fields.TryGetValue(MigrationField, out var migration) && migration == "true";
            FileName = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "");
            if (string.IsNullOrEmpty(FileName))
            {
                FileError = "Scegliere il file delle tessere da caricare.";
                return Page();
            }
            return await SendAsync(section.Body, ct);
        }
        if (!validated && !await TokenIsValidAsync(fields)) return BadRequest();
        Migration = fields.TryGetValue(MigrationField, out var flag) && flag == "true";
        FileError = "Scegliere il file delle tessere da caricare.";
        return Page();
    }

    /// <summary>The anti-forgery check on the token read from the fields before the file (or the header the script sent).</summary>
    private async Task<bool> TokenIsValidAsync(Dictionary<string, string> fields)
    {
        const string header = "RequestVerificationToken";
        if (string.IsNullOrEmpty(Request.Headers[header]) && fields.TryGetValue("__RequestVerificationToken", out var token))
            Request.Headers[header] = token;
        if (string.IsNullOrEmpty(Request.Headers[header])) return false;
        try
        {
            await antiforgery.ValidateRequestAsync(HttpContext);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }

    private async Task<IActionResult> SendAsync(Stream file, CancellationToken ct)
    {
        using var content = new StreamContent(file, 64 * 1024);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/issuer/card-feed?migration={(Migration ? "true" : "false")}") { Content = content };
        request.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/json"));
        using var http = api.Http();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                return Redirect("/accedi?sessione=scaduta");
            }
            if (response.IsSuccessStatusCode)
            {
                Result = await response.Content.ReadFromJsonAsync<CardFeedResult>(Json, ct);
                return Page();
            }
            Error = await ProblemMessageAsync(response, ct);
        }
        catch (HttpRequestException)
        {
            // The file may have been cut short (the browser, the size limit) after some batches were loaded: loading it again is safe.
            Error = "Il caricamento si è interrotto prima della fine: le righe già inviate potrebbero essere state caricate. " +
                "Il file si può caricare di nuovo: le tessere già presenti non cambiano.";
        }
        return Page();
    }

    /// <summary>The API's problem in Italian (Services/Problems), or a plain message for an answer that is not one.</summary>
    private static async Task<string> ProblemMessageAsync(HttpResponseMessage response, CancellationToken ct) =>
        await Problems.MessageAsync(response, ct) ?? (response.StatusCode == HttpStatusCode.Forbidden
            ? "Il caricamento delle tessere è riservato all'ente emettitore."
            : $"Caricamento non accettato ({(int)response.StatusCode}).");
}
