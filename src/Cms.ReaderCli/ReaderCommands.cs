using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cms.Client;
using Cms.ReaderSdk;
using Cms.ReaderSdk.Cns;
using Cms.ReaderSdk.Identification;
using Cms.ReaderSdk.Pcsc;

namespace Cms.ReaderCli;

/// <summary>The commands of cms-reader; what the operator reads is Italian.</summary>
public static class ReaderCommands
{
    public const int Ok = 0, Usage = 2, ServiceDown = 3, NoReader = 4, NoCard = 5, NotCns = 6, BadChip = 7, ApiRefused = 8, Failed = 1;

    private const string Help = """
        Uso: cms-reader <comando> [opzioni]
          list                                   elenca i lettori e dice se contengono una TS-CNS
          read [--reader NOME] [--json]          legge i dati del chip della carta inserita
          identify --api URL [accesso] [--reader NOME] [--json]
                                                 legge la carta e la identifica sul CMS
          watch --api URL [accesso] [--json]     identifica ogni carta man mano che viene inserita (Ctrl+C per uscire)
          bridge --web URL [--web URL…] [--port 5090] [--reader NOME]
                                                 ponte locale per l'interfaccia web del CMS: la pagina del lettore
                                                 legge la carta da qui (solo dagli indirizzi --web; Ctrl+C per uscire)
        Accesso al CMS: --token TOKEN (o variabile CMS_TOKEN), oppure --user CODICEFISCALE con la password nella
        variabile CMS_PASSWORD o su standard input con --password-stdin.
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await output.WriteLineAsync(Help);
            return args.Length == 0 ? Usage : Ok;
        }
        Options options;
        try
        {
            options = Options.Parse(args.Skip(1));
            if (args[0] == "bridge" && options.Web.Count == 0)
                throw new ArgumentException("Indicare con --web l'indirizzo dell'interfaccia web del CMS.");
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync(e.Message + Environment.NewLine + Help);
            return Usage;
        }
        try
        {
            return args[0] switch
            {
                "list" => await ListAsync(output),
                "read" => await ReadAsync(options, output),
                "identify" => await IdentifyAsync(options, input, output, cancellationToken),
                "watch" => await WatchAsync(options, input, output, error, cancellationToken),
                "bridge" => await BridgeAsync(options, output, cancellationToken),
                _ => await UnknownAsync(args[0], error),
            };
        }
        catch (ReaderSdkException e)
        {
            await error.WriteLineAsync(e.Message);
            return ExitCode(e);
        }
        catch (CmsApiException<Problem> e)
        {
            await error.WriteLineAsync($"Il CMS ha rifiutato la richiesta ({e.StatusCode}): {e.Result.Title}{(e.Result.Detail is { } d ? " — " + d : "")}");
            return ApiRefused;
        }
        catch (CmsApiException e)
        {
            await error.WriteLineAsync($"Il CMS ha risposto {e.StatusCode}: {e.Message.Split('\n')[0]}");
            return ApiRefused;
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"CMS non raggiungibile all'indirizzo indicato: {e.Message}");
            return ApiRefused;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Ok;
        }
    }

    private static int ExitCode(ReaderSdkException e) => e switch
    {
        PcscServiceUnavailableException => ServiceDown,
        NoReaderException => NoReader,
        NoCardException => NoCard,
        NotCnsCardException => NotCns,
        MalformedPersonalDataException => BadChip,
        _ when e.InnerException is DllNotFoundException => ServiceDown,
        _ => Failed,
    };

    private static async Task<int> UnknownAsync(string command, TextWriter error)
    {
        await error.WriteLineAsync($"Comando sconosciuto: {command}{Environment.NewLine}{Help}");
        return Usage;
    }

    private static async Task<int> ListAsync(TextWriter output)
    {
        using var context = PcscContext.Establish();
        var readers = context.GetStatus();
        if (readers.Count == 0) throw new NoReaderException(0x8010002E);
        foreach (var reader in readers)
        {
            var card = !reader.CardPresent ? "vuoto"
                : Atr.Parse(reader.Atr) is { CnsVersion: { } v } ? $"TS-CNS (CNS {v})"
                : "carta presente, non TS-CNS";
            await output.WriteLineAsync($"{reader.Reader}\t{card}");
        }
        return Ok;
    }

    private static async Task<int> ReadAsync(Options options, TextWriter output)
    {
        using var context = PcscContext.Establish();
        var reading = TsCnsReader.Read(context, options.Reader);
        await output.WriteLineAsync(options.Json ? JsonSerializer.Serialize(reading, Json) : Describe(reading));
        return Ok;
    }

    private static async Task<int> IdentifyAsync(Options options, TextReader input, TextWriter output, CancellationToken ct)
    {
        using var context = PcscContext.Establish();
        var reading = TsCnsReader.Read(context, options.Reader);
        var client = await SignInAsync(options, input, ct);
        var card = await client.IdentifyAsync(reading, ct);
        await output.WriteLineAsync(options.Json ? JsonSerializer.Serialize(card, Json) : Describe(card));
        return Ok;
    }

    private static async Task<int> WatchAsync(Options options, TextReader input, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var client = await SignInAsync(options, input, ct);
        using var context = PcscContext.Establish();
        await output.WriteLineAsync("In attesa di carte (Ctrl+C per uscire)…");
        await output.FlushAsync(ct);
        await foreach (var e in context.WatchAsync(ct))
        {
            if (!e.Inserted)
            {
                await output.WriteLineAsync($"Carta estratta da {e.Reader}.");
            }
            else
            {
                try
                {
                    // Let the service finish taking the card in (it powers it and reads its ATR) before reading it.
                    await Task.Delay(300, ct);
                    var reading = TsCnsReader.Read(context, e.Reader);
                    var card = await client.IdentifyAsync(reading, ct);
                    await output.WriteLineAsync(options.Json ? JsonSerializer.Serialize(card, Json) : $"Carta inserita in {e.Reader}." + Environment.NewLine + Describe(card));
                }
                catch (Exception x) when (x is ReaderSdkException or CmsApiException or HttpRequestException)
                {
                    // One bad card does not stop the watch.
                    await error.WriteLineAsync(x switch
                    {
                        CmsApiException<Problem> p => $"Il CMS ha rifiutato la carta ({p.StatusCode}): {p.Result.Title}",
                        HttpRequestException h => $"CMS non raggiungibile all'indirizzo indicato: {h.Message}",
                        _ => x.Message,
                    });
                }
            }
            await output.FlushAsync(ct);
        }
        return Ok;
    }

    private static async Task<int> BridgeAsync(Options options, TextWriter output, CancellationToken ct)
    {
        await new ReaderBridge(options.Web, options.Reader).RunAsync(options.Port, output, ct);
        return Ok;
    }

    private static async Task<ICmsClient> SignInAsync(Options options, TextReader input, CancellationToken ct)
    {
        if (options.Api is null) throw new ReaderSdkException("Indicare l'indirizzo del CMS con --api URL.");
        var http = new HttpClient { BaseAddress = new Uri(options.Api), Timeout = TimeSpan.FromSeconds(30) };
        var client = new CmsClient(http);
        var token = options.Token ?? Environment.GetEnvironmentVariable("CMS_TOKEN");
        if (token is null)
        {
            if (options.User is null) throw new ReaderSdkException("Indicare --token (o CMS_TOKEN) oppure --user con la password.");
            var password = options.PasswordFromStdin ? (await input.ReadLineAsync(ct))?.TrimEnd('\r')
                : Environment.GetEnvironmentVariable("CMS_PASSWORD");
            if (string.IsNullOrEmpty(password)) throw new ReaderSdkException("Password mancante: variabile CMS_PASSWORD oppure --password-stdin.");
            token = (await client.CreateAccessTokenAsync(new SignInInput { CodiceFiscale = options.User, Password = password }, ct)).AccessToken;
        }
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string Describe(ChipReading r) => string.Join(Environment.NewLine,
        $"Lettore:            {r.Reader}",
        $"ATR:                {r.Atr} (CNS {r.CnsVersion})",
        $"Numero tessera:     {r.CardNumber}",
        $"Cognome e nome:     {r.Holder.Surname} {r.Holder.GivenName}",
        $"Codice fiscale:     {r.Holder.CodiceFiscale}",
        $"Sesso:              {r.Holder.Sex}",
        $"Data di nascita:    {Date(r.Holder.BirthDate)}",
        $"Rilascio/scadenza:  {Date(r.Holder.IssueDate)} / {Date(r.Holder.ExpiryDate)}",
        $"Emettitore:         {r.Holder.IssuerCode}");

    private static string Describe(Card c) => string.Join(Environment.NewLine, new[]
    {
        $"Numero tessera:     {c.CardNumber}",
        $"Stato:              {c.State}",
        $"Scadenza:           {Date(c.ExpiryDate)}",
        $"Titolare:           {c.Holder.Surname} {c.Holder.GivenName} ({c.Holder.CodiceFiscale}){(c.Holder.Minor ? ", minorenne" : "")}",
        $"Operazioni ammesse: {(c.AllowedOperations.Count == 0 ? "nessuna" : string.Join(", ", c.AllowedOperations))}",
    }.Concat(c.Notes.Select(n => $"Nota:               {n}")));

    private static string Date(DateOnly d) => d.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    private sealed record Options(string? Reader, bool Json, string? Api, string? Token, string? User, bool PasswordFromStdin)
    {
        public IReadOnlyList<string> Web { get; init; } = [];
        public int Port { get; init; } = ReaderBridge.DefaultPort;

        public static Options Parse(IEnumerable<string> args)
        {
            var o = new Options(null, false, null, null, null, false);
            using var e = args.GetEnumerator();
            string Value(string name) => e.MoveNext() ? e.Current : throw new ArgumentException($"Manca il valore di {name}.");
            while (e.MoveNext())
            {
                o = e.Current switch
                {
                    "--reader" => o with { Reader = Value("--reader") },
                    "--json" => o with { Json = true },
                    "--api" => o with { Api = Value("--api") },
                    "--token" => o with { Token = Value("--token") },
                    "--user" => o with { User = Value("--user") },
                    "--password-stdin" => o with { PasswordFromStdin = true },
                    "--web" => o with { Web = [.. o.Web, ReaderBridge.Origin(Value("--web"))] },
                    "--port" => o with { Port = int.TryParse(Value("--port"), out var port) && port is > 0 and < 65536 ? port : throw new ArgumentException("Porta non valida.") },
                    var other => throw new ArgumentException($"Opzione sconosciuta: {other}"),
                };
            }
            return o;
        }
    }
}
