using System.Globalization;
using System.Net;
using System.Text;
using Cms.ReaderSdk;
using Cms.ReaderSdk.Cns;
using Cms.ReaderSdk.Pcsc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cms.ReaderCli;

/// <summary>
/// <c>cms-reader bridge</c>: a small web endpoint on the desk's loopback that lets the operators' web UI use the reader
/// without any script in the page. The UI's reader page posts a form to <c>POST /leggi</c> here (with where to go back and
/// an opaque, signed state); the bridge reads the card in the reader and answers a page that shows whose card it is, with a
/// form that posts the chip's data back to the UI. Nothing is kept: the bridge holds no token and calls nothing but pcscd.
/// </summary>
/// <remarks>
/// Only the web UIs named with <c>--web</c> may use it: the browser's <c>Origin</c> of the request and both addresses it
/// carries must be one of them (another site open in the same browser cannot read the card, nor make the bridge send the
/// card's data anywhere else); requests whose <c>Host</c> is not the loopback are refused (no DNS rebinding); its pages may
/// not be framed and are never cached.
/// </remarks>
public sealed class ReaderBridge
{
    public const int DefaultPort = 5090;

    private readonly IReadOnlyList<string> allowedOrigins;
    private readonly string? reader;
    private readonly Func<string?, ChipReading> read;
    private readonly SemaphoreSlim oneReadAtATime = new(1, 1);

    public ReaderBridge(IEnumerable<string> allowedOrigins, string? reader, Func<string?, ChipReading>? read = null)
    {
        this.allowedOrigins = allowedOrigins.Select(Origin).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (this.allowedOrigins.Count == 0) throw new ArgumentException("Indicare con --web l'indirizzo dell'interfaccia web del CMS.");
        this.reader = reader;
        this.read = read ?? ReadFromPcsc;
    }

    /// <summary>The scheme, host and port of an absolute address, as a browser writes it in the Origin header.</summary>
    public static string Origin(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"Indirizzo non valido: {url}");
        return uri.GetLeftPart(UriPartial.Authority).TrimEnd('/');
    }

    public async Task RunAsync(int port, TextWriter output, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.CacheControl = "no-store";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin"; // its own "read again" form must carry its origin
            headers.ContentSecurityPolicy =
                $"default-src 'none'; style-src 'unsafe-inline'; form-action 'self' {string.Join(' ', allowedOrigins)}; frame-ancestors 'none'; base-uri 'none'";
            if (!IsLoopbackHost(context.Request.Host))
            {
                context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
                return;
            }
            await next();
        });
        app.MapGet("/", () => Html(StatusCodes.Status200OK, "Lettore della postazione",
            $"<p>Il ponte tra il lettore di smart card e il CMS è attivo. Interfacce abilitate: {Encode(string.Join(", ", allowedOrigins))}.</p>"));
        app.MapPost("/leggi", ReadAsync);
        await app.StartAsync(cancellationToken);
        await output.WriteLineAsync($"Ponte del lettore in ascolto su http://127.0.0.1:{port} per {string.Join(", ", allowedOrigins)} (Ctrl+C per uscire).");
        await output.FlushAsync(cancellationToken);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) { }
        await app.StopAsync(CancellationToken.None);
    }

    private async Task<IResult> ReadAsync(HttpRequest request)
    {
        if (!request.HasFormContentType)
            return Html(StatusCodes.Status415UnsupportedMediaType, "Richiesta non valida", "<p>Il lettore si usa dalla pagina del CMS.</p>");
        var form = await request.ReadFormAsync();
        var origin = request.Headers.Origin.ToString();
        string back = form["ritorno"].ToString(), cancel = form["indietro"].ToString(), state = form["stato"].ToString();
        var own = origin.Equals($"http://{request.Host}", StringComparison.OrdinalIgnoreCase); // "Leggi di nuovo" on its own page
        if (!(own || IsAllowed(origin)) || !IsAllowed(back) || !IsAllowed(cancel) || state.Length is 0 or > 4096)
        {
            return Html(StatusCodes.Status403Forbidden, "Richiesta rifiutata",
                "<p>Questa pagina non è autorizzata a usare il lettore della postazione. Il ponte risponde solo all'interfaccia del CMS " +
                "indicata all'avvio (<code>cms-reader bridge --web …</code>).</p>");
        }
        ChipReading chip;
        await oneReadAtATime.WaitAsync(request.HttpContext.RequestAborted);
        try
        {
            chip = read(reader);
        }
        catch (ReaderSdkException e)
        {
            return Html(StatusCodes.Status200OK, "Lettura non riuscita", $"""
                <div role="alert" class="alert"><p><strong>{Encode(e.Message)}.</strong></p>
                <p>Controllare che la tessera sia inserita nel lettore, con il chip verso l'alto, e riprovare.</p></div>
                <form method="post" action="/leggi">
                  {Hidden("ritorno", back)}{Hidden("indietro", cancel)}{Hidden("stato", state)}
                  <button type="submit" autofocus>Leggi di nuovo</button>
                  <a href="{Encode(cancel)}">Torna al CMS</a>
                </form>
                """);
        }
        finally
        {
            oneReadAtATime.Release();
        }
        var holder = chip.Holder;
        return Html(StatusCodes.Status200OK, "Tessera letta", $"""
            <p>Tessera n. <strong>{Encode(chip.CardNumber)}</strong> di <strong>{Encode(holder.Surname)} {Encode(holder.GivenName)}</strong>
               ({Encode(holder.CodiceFiscale)}), letta dal lettore {Encode(chip.Reader)}.</p>
            <form method="post" action="{Encode(back)}">
              {Hidden("stato", state)}{Hidden("numeroTessera", chip.CardNumber)}{Hidden("codiceFiscale", holder.CodiceFiscale)}
              {Hidden("cognome", holder.Surname)}{Hidden("nome", holder.GivenName)}
              {Hidden("dataNascita", Iso(holder.BirthDate))}{Hidden("dataScadenza", Iso(holder.ExpiryDate))}
              <button type="submit" autofocus>Prosegui sul CMS</button>
              <a href="{Encode(cancel)}">Annulla</a>
            </form>
            """);
    }

    private bool IsAllowed(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && allowedOrigins.Contains(uri.GetLeftPart(UriPartial.Authority).TrimEnd('/'), StringComparer.OrdinalIgnoreCase)
        && string.IsNullOrEmpty(uri.UserInfo);

    private static bool IsLoopbackHost(HostString host) =>
        host.Host is "127.0.0.1" or "localhost" or "[::1]";

    private static ChipReading ReadFromPcsc(string? reader)
    {
        using var context = PcscContext.Establish();
        return TsCnsReader.Read(context, reader);
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

    private static string Hidden(string name, string value) => $"""<input type="hidden" name="{name}" value="{Encode(value)}">""";

    private static IResult Html(int status, string title, string body)
    {
        var page = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"it\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(title)).Append(" — lettore CMS</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a}")
            .Append("button{font-size:1rem;padding:.6rem 1.2rem;margin-right:1rem;background:#06c;color:#fff;border:0;border-radius:4px;cursor:pointer}")
            .Append("button:focus{outline:3px solid #f90;outline-offset:2px}a{color:#0047a3}.alert{border-left:4px solid #c00;padding:.5rem 1rem;background:#fff4f4}</style>")
            .Append("</head><body><main><h1>").Append(Encode(title)).Append("</h1>").Append(body).Append("</main></body></html>")
            .ToString();
        return Results.Content(page, "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
