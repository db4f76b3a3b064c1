using System.Globalization;
using Cms.CardEmulator;
using Cms.ReaderSdk.Cns;

// cms-card-emulator: puts an emulated TS-CNS into vpcd's virtual reader until Ctrl+C (see docs/reader-sdk.md).
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"Opzione non riconosciuta: {args[i]}");
        return 2;
    }
    options[args[i][2..]] = args[i + 1];
}
string[] required = ["card-number", "codice-fiscale", "surname", "given-name", "birth-date", "sex", "expiry-date"];
if (args.Length % 2 != 0 || required.Any(r => !options.ContainsKey(r)))
{
    Console.Error.WriteLine("""
        Uso: cms-card-emulator --card-number 80380… --codice-fiscale … --surname … --given-name … --birth-date AAAA-MM-GG
                               --sex M|F --expiry-date AAAA-MM-GG [--issue-date AAAA-MM-GG] [--host 127.0.0.1] [--port 35963]
        Inserisce una TS-CNS emulata nel lettore virtuale di vsmartcard (vpcd) finché non si preme Ctrl+C.
        """);
    return 2;
}

DateOnly Date(string key) => DateOnly.ParseExact(options[key], "yyyy-MM-dd", CultureInfo.InvariantCulture);
var expiry = Date("expiry-date");
var holder = new PersonalData(
    IssuerCode: "MINISTERO DELL'ECONOMIA E DELLE FINANZE",
    IssueDate: options.ContainsKey("issue-date") ? Date("issue-date") : expiry.AddYears(-6),
    ExpiryDate: expiry,
    Surname: options["surname"].ToUpperInvariant(),
    GivenName: options["given-name"].ToUpperInvariant(),
    BirthDate: Date("birth-date"),
    Sex: char.ToUpperInvariant(options["sex"][0]),
    HeightCm: null,
    CodiceFiscale: options["codice-fiscale"].ToUpperInvariant(),
    CitizenshipCode: "100",
    BirthMunicipalityCode: null, BirthCountry: null, BirthCertificate: null, ResidenceMunicipalityCode: null,
    ResidenceAddress: null, ExpatriationNotes: null);
var card = TsCnsCardEmulator.For(options["card-number"], holder);
var port = options.TryGetValue("port", out var p) ? int.Parse(p, CultureInfo.InvariantCulture) : VpcdCard.DefaultPort;
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
await using var inserted = await VpcdCard.InsertAsync(card, options.GetValueOrDefault("host", "127.0.0.1"), port, stop.Token);
Console.WriteLine($"Carta {options["card-number"]} inserita nel lettore virtuale (porta {port}). Ctrl+C per estrarla.");
try
{
    await inserted.Completion.WaitAsync(stop.Token);
    Console.WriteLine("Il lettore virtuale ha chiuso la connessione.");
    return 1;
}
catch (OperationCanceledException)
{
    Console.WriteLine("Carta estratta.");
    return 0;
}
