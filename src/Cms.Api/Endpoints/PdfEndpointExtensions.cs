using Cms.Application.Common.Documents;

namespace Cms.Api.Endpoints;

internal static class PdfEndpointExtensions
{
    /// <summary>
    /// A 200 answer of a PDF, declared with its binary schema so that the contract says what comes back and the
    /// generated clients hand it out as a file (a stream) rather than dropping it.
    /// </summary>
    public static RouteHandlerBuilder ProducesPdf(this RouteHandlerBuilder builder) =>
        builder.Produces<Stream>(StatusCodes.Status200OK, RenderedDocument.ContentType);
}
