using System.Globalization;
using System.Text.Json;
using Cms.Application.Identification.ImportCardFeed;
using Cms.Domain.Common;

namespace Cms.Infrastructure.DemoData;

/// <summary>
/// Realistic, deterministic holders and cards (valid codici fiscali, households, minors, old cards) for
/// demos, tests and benchmarks. The same seed always yields the same people.
/// </summary>
public sealed class DemoPopulation(int seed = 2026, string region = "090")
{
    /// <summary>
    /// The demo people of a region: Toscana (090) keeps the seed the demo accounts and screenshots were made with; every
    /// other region gets people of its own (a second instance for another region must not hold the same holders).
    /// </summary>
    public static DemoPopulation ForRegion(string region) =>
        new(region == "090" ? 2026 : 2026 + int.Parse(region, CultureInfo.InvariantCulture), region);

    private static readonly string[] Surnames =
    [
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo",
        "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro",
        "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale",
        "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti", "Parisi", "Villa", "Conte", "Ferraro", "Ferri",
        "Fabbri", "Bianco", "Marini", "Grasso", "Valentini", "Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo",
        "Sanna", "Farina", "Rizzi", "Monti", "Cattaneo", "Morelli", "Amato", "Silvestri", "Mazza", "Testa", "Grassi", "Pellegrino",
        "Carbone", "Giuliani", "Benedetti", "Barone", "Rossetti", "Caputo", "Montanari", "Guerra", "Palmieri", "Bernardi", "Martino",
        "Fiore", "De Rosa", "Ferretti", "Bellini", "Basile", "Riva", "Donati", "Piras", "Vitali", "Battaglia", "Sartori", "Neri",
        "Costantini", "Milani", "Pagano", "Ruggiero", "Sorrentino", "D'Amico", "Orlando", "Damico", "Negri", "Niccolai", "Bartolini",
    ];

    private static readonly string[] MaleNames =
    [
        "Marco", "Giuseppe", "Luca", "Francesco", "Alessandro", "Andrea", "Matteo", "Lorenzo", "Giovanni", "Stefano", "Paolo",
        "Roberto", "Antonio", "Davide", "Simone", "Federico", "Riccardo", "Niccolò", "Tommaso", "Leonardo", "Gabriele", "Pietro",
        "Filippo", "Emanuele", "Jacopo", "Duccio", "Piero", "Cosimo", "Edoardo", "Mattia",
    ];

    private static readonly string[] FemaleNames =
    [
        "Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Alessia", "Elisa", "Federica", "Silvia", "Laura",
        "Anna", "Maria", "Elena", "Beatrice", "Sofia", "Aurora", "Ginevra", "Alice", "Emma", "Lucia", "Caterina", "Irene",
        "Margherita", "Benedetta", "Costanza", "Matilde", "Bianca", "Paola", "Rosa",
    ];

    private static readonly (string Name, string Belfiore, string Province)[] BirthPlaces =
    [
        ("FIRENZE", "D612", "FI"), ("PISA", "G702", "PI"), ("LIVORNO", "E625", "LI"), ("PRATO", "G999", "PO"),
        ("SIENA", "I726", "SI"), ("AREZZO", "A390", "AR"), ("LUCCA", "E715", "LU"), ("PISTOIA", "G713", "PT"),
        ("GROSSETO", "E202", "GR"), ("MASSA", "F023", "MS"), ("ROMA", "H501", "RM"), ("MILANO", "F205", "MI"),
        ("NAPOLI", "F839", "NA"), ("CAGLIARI", "B354", "CA"), ("PERUGIA", "G478", "PG"), ("PALERMO", "G273", "PA"),
    ];

    /// <summary>
    /// States of birth of the holders born abroad: the Italian name, its codice fiscale code (<c>Z…</c>), the citizenship, a few
    /// cities and, where the holders are not Italian emigrants' children, names of the place (null: the drawn Italian names).
    /// </summary>
    private sealed record StateAbroad(string Name, string Code, string Citizenship, string[] Cities, string[]? Surnames = null,
        string[]? MaleNames = null, string[]? FemaleNames = null);

    private static readonly StateAbroad[] StatesAbroad =
    [
        new("ROMANIA", "Z129", "ROMENA", ["BUCAREST", "IASI", "CLUJ-NAPOCA"], ["Popescu", "Ionescu", "Popa", "Dumitru"],
            ["Andrei", "Mihai", "Ionut"], ["Ioana", "Elena", "Andreea"]),
        new("ALBANIA", "Z100", "ALBANESE", ["TIRANA", "DURAZZO", "VALONA"], ["Hoxha", "Shehu", "Gjoka", "Leka"],
            ["Ardit", "Erion", "Klodian"], ["Elona", "Blerina", "Anisa"]),
        new("MAROCCO", "Z330", "MAROCCHINA", ["CASABLANCA", "RABAT", "FES"], ["El Amrani", "Benali", "Lahlou", "Bennani"],
            ["Youssef", "Karim", "Omar"], ["Fatima", "Salma", "Nadia"]),
        new("CINA", "Z210", "CINESE", ["WENZHOU", "SHANGHAI", "PECHINO"], ["Chen", "Wang", "Hu", "Zhou"],
            ["Wei", "Jian", "Hao"], ["Mei", "Xiu", "Lan"]),
        new("UCRAINA", "Z138", "UCRAINA", ["LEOPOLI", "KIEV", "ODESSA"], ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko"],
            ["Oleksandr", "Andriy", "Taras"], ["Oksana", "Iryna", "Olena"]),
        new("PERU'", "Z611", "PERUVIANA", ["LIMA", "AREQUIPA", "CUSCO"], ["Quispe", "Flores", "Huaman", "Rojas"],
            ["Luis", "Jorge", "Carlos"], ["Rosa", "Carmen", "Lucia"]),
        new("SVIZZERA", "Z133", "ITALIANA", ["LUGANO", "ZURIGO", "BASILEA"]),
        new("GERMANIA", "Z112", "ITALIANA", ["STOCCARDA", "MONACO DI BAVIERA", "WOLFSBURG"]),
    ];

    private static readonly (string Municipality, string Postcode, string Province)[] Residences =
    [
        ("FIRENZE", "50122", "FI"), ("FIRENZE", "50137", "FI"), ("PISA", "56125", "PI"), ("LIVORNO", "57123", "LI"),
        ("PRATO", "59100", "PO"), ("SIENA", "53100", "SI"), ("AREZZO", "52100", "AR"), ("LUCCA", "55100", "LU"),
        ("PISTOIA", "51100", "PT"), ("EMPOLI", "50053", "FI"), ("SESTO FIORENTINO", "50019", "FI"), ("VIAREGGIO", "55049", "LU"),
    ];

    private static readonly string[] Streets =
    [
        "Via Roma", "Via Garibaldi", "Via Mazzini", "Piazza della Repubblica", "Via dei Mille", "Viale Europa", "Via Dante Alighieri",
        "Via Verdi", "Corso Italia", "Via San Francesco", "Via Fiorentina", "Via Aurelia", "Borgo Pinti", "Via Pisana",
    ];

    public sealed record Person(CardFeedLine Line, bool Minor, bool HasOldCard);

    /// <summary>
    /// One current card per holder, and for every tenth holder an older card whose expiry has passed.
    /// Card numbers of the current cards run from <paramref name="firstSerial"/>.
    /// </summary>
    public IEnumerable<CardFeedLine> Cards(int holders, DateOnly today, long firstSerial = 1)
    {
        var random = new Random(seed);
        var codes = new HashSet<string>();
        long serial = firstSerial;
        var household = 0;
        var householdLeft = 0;
        (string Municipality, string Postcode, string Province) home = default;
        var street = "";
        for (var i = 0; i < holders; i++)
        {
            if (householdLeft == 0)
            {
                household++;
                householdLeft = 1 + random.Next(4);
                home = Residences[random.Next(Residences.Length)];
                street = $"{Streets[random.Next(Streets.Length)]} {1 + random.Next(180)}";
            }
            householdLeft--;
            var female = random.Next(2) == 0;
            var surname = Surnames[random.Next(Surnames.Length)];
            var givenName = (female ? FemaleNames : MaleNames)[random.Next(female ? FemaleNames.Length : MaleNames.Length)];
            // About one holder in six is a minor.
            var ageDays = random.Next(6) == 0 ? random.Next(1, 18 * 365) : random.Next(18 * 365 + 5, 95 * 365);
            var birthDate = today.AddDays(-ageDays);
            var place = BirthPlaces[random.Next(BirthPlaces.Length)];
            (string Name, string Belfiore, string? Province) birthPlace = place;
            string? birthCountry = null;
            var citizenship = "ITALIANA";
            // One holder in sixteen was born abroad (chosen by position, so the random draws — and every other holder — stay as they
            // were); for one in five of them the feed does not name the state, as happens with old registry records.
            if (i % 16 == 7)
            {
                var k = i / 16;
                var state = StatesAbroad[k % StatesAbroad.Length];
                birthPlace = (state.Cities[k / StatesAbroad.Length % state.Cities.Length], state.Code, null);
                birthCountry = k % 5 == 4 ? null : state.Name;
                citizenship = state.Citizenship;
                if (state.Surnames is { } surnames) surname = surnames[k % surnames.Length];
                if ((female ? state.FemaleNames : state.MaleNames) is { } names) givenName = names[k / 3 % names.Length];
            }
            var cf = CodiceFiscale.Compute(surname, givenName, birthDate, female ? 'F' : 'M', birthPlace.Belfiore);
            for (var level = 1; !codes.Add(cf); level++)
                cf = CodiceFiscale.Compute(surname, givenName, birthDate, female ? 'F' : 'M', birthPlace.Belfiore, level);

            var holder = new CardFeedHolder
            {
                CodiceFiscale = cf, Surname = surname.ToUpperInvariant(), GivenName = givenName.ToUpperInvariant(),
                Sex = female ? "F" : "M", BirthDate = Iso(birthDate), BirthPlace = birthPlace.Name, BirthProvince = birthPlace.Province,
                BirthCountry = birthCountry, Citizenship = citizenship,
                Residence = new CardFeedResidence { Address = street.ToUpperInvariant(), Postcode = home.Postcode, Municipality = home.Municipality, Province = home.Province },
                HouseholdId = $"NF{region}{household:D8}", Entitled = random.Next(50) != 0,
                HealthAuthority = HealthAuthorityOf(home.Province),
            };
            // Cards last six years; some current ones have just expired.
            var expiry = today.AddDays(random.Next(20) == 0 ? -random.Next(1, 200) : random.Next(30, 6 * 365));
            if (i % 10 == 9)
            {
                yield return Line(holder, CardNumberFor(serial + 500_000_000), expiry.AddYears(-6), random);
            }
            yield return Line(holder, CardNumberFor(serial++), expiry, random);
        }
    }

    /// <summary>
    /// The demo holders' health authority by province of residence: Toscana Centro (201, the demo ASL counter's), Nord Ovest
    /// (205), Sud Est (206).
    /// </summary>
    public static string HealthAuthorityOf(string? province) => province switch
    {
        "FI" or "PO" or "PT" => "201",
        "PI" or "LI" or "LU" or "MS" => "205",
        _ => "206",
    };

    public string CardNumberFor(long serial) => $"8038000{region}{serial:D10}";

    private CardFeedLine Line(CardFeedHolder holder, string cardNumber, DateOnly expiry, Random random) => new()
    {
        CardNumber = cardNumber, ExpiryDate = Iso(expiry), IssuerRegion = region, Holder = holder,
        Codes = new CardFeedCodes
        {
            Pin = random.Next(0, 100_000).ToString("D5", CultureInfo.InvariantCulture),
            Puk = random.Next(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture),
            Cip = random.Next(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture),
        },
    };

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string ToNdjsonLine(CardFeedLine line) => JsonSerializer.Serialize(line, Json);

    /// <summary>Writes the feed as NDJSON.</summary>
    public static async Task WriteNdjsonAsync(IEnumerable<CardFeedLine> lines, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, leaveOpen: true) { NewLine = "\n" };
        foreach (var line in lines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(ToNdjsonLine(line));
        }
    }
}
