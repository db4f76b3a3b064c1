namespace Cms.Web.Pages;

/// <summary>A request's printable PDF, fetched from the API and shown inline (the browser opens it in a new tab for printing).</summary>
public sealed class DocumentoModel(CmsApi api) : PageModel
{
    /// <summary>Why the PDF is not given (already printed), shown instead of it.</summary>
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string tipo, Guid id, string nome, CancellationToken ct)
    {
        FileResponse file;
        try
        {
            if (tipo == "revoca") file = await api.Client.GetRevocationDocumentAsync(id, nome, ct);
            else if (tipo == "consensi") file = await api.Client.GetConsentRequestDocumentAsync(id, nome, ct);
            else if (tipo == "lettore") file = await api.Client.GetReaderDeliveryDocumentAsync(id, nome, ct);
            else if (tipo == "firma") file = await api.Client.GetSignatureRequestDocumentAsync(id, nome, ct);
            else if (tipo == "interoperabilita") file = await api.Client.GetInteropRequestDocumentAsync(id, nome, ct);
            else if (CodeRequestFlow.BySlug.TryGetValue(tipo, out var flow)) file = await flow.DocumentAsync(api.Client, id, nome, ct);
            else return NotFound();
        }
        catch (CmsApiException e) when (e.StatusCode == 409)
        {
            // Printed once (or no longer kept): say so in Italian instead of an empty page; the print is never fetched again here.
            Message = e is CmsApiException<Problem> p ? p.Result.Detail : null;
            Response.StatusCode = StatusCodes.Status409Conflict;
            Response.Headers.CacheControl = "no-store";
            return Page();
        }
        catch (CmsApiException e) when (e.StatusCode is 404 or 409 or 422)
        {
            return NotFound();
        }
        HttpContext.Response.RegisterForDispose(file);
        Response.Headers.CacheControl = "no-store";
        Response.Headers.ContentDisposition = $"inline; filename=\"{nome}.pdf\"";
        return File(file.Stream, "application/pdf");
    }
}
