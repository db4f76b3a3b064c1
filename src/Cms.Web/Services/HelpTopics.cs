namespace Cms.Web.Services;

/// <summary>
/// One page of the "Guida operatore" (decision 0042): an Italian help page per flow of the web UI, at <c>/guida/{slug}</c>.
/// Every page of a flow names its topic in <c>ViewData["Guida"]</c>; the layout shows the link above the page's heading.
/// </summary>
/// <param name="Reference">Where the region's guides describe the flow: T = Toscana's operator guide, TM = Toscana's
/// operating manual (2018), M = MEF's national guide (2012), S = Sardegna's manual (2022).</param>
public sealed record HelpTopic(string Slug, string Title, string Summary, string Audience, string Reference)
{
    public string Url => "/guida/" + Slug;
}

public static class HelpTopics
{
    /// <summary>The ViewData key a page fills with its topic's slug ("" for the guide's index).</summary>
    public const string Key = "Guida";

    public const string Counter = "Operazioni allo sportello";
    public const string Consultation = "Consultazione";
    public const string Administration = "Amministrazione";
    public const string Issuer = "Ente emettitore";
    public const string Everyone = "Per tutti gli utenti";

    public static readonly IReadOnlyList<(string Group, HelpTopic Topic)> All =
    [
        (Counter, new("identificazione", "Identificazione della tessera",
            "Il primo passo di ogni operazione: la tessera si identifica con i dati stampati o con il lettore di smart card.",
            "operatore di sportello", "T 2.1–2.2, M 2.2, TM 10.1 punti 3–5")),
        (Counter, new("attivazione", "Attivazione e rilascio dei codici",
            "Rilascio dei codici PIN, PUK e CIP di una tessera non attiva: di persona, su delega (potestà genitoriale, tutore, curatore) o per motivi di salute.",
            "operatore di sportello", "T 2.2, 2.2.1, 2.2.2; M 2.3, 2.4.1, 2.4.2; TM 10.1–10.3")),
        (Counter, new("consensi", "Consensi al Fascicolo Sanitario Elettronico",
            "Registrazione dei consensi FSE, subito dopo l'attivazione o in un secondo momento.",
            "operatore di sportello", "T 2.3; TM 10.4")),
        (Counter, new("ristampa", "Ristampa PIN/PUK",
            "Nuovi codici per una tessera già attiva, quando il titolare li ha smarriti, dimenticati o non ha ricevuto la seconda metà.",
            "operatore di sportello", "T 2.4; M 2.5; TM 10.6")),
        (Counter, new("revoca", "Revoca della tessera",
            "Blocco definitivo della tessera come Carta Nazionale dei Servizi (furto, smarrimento, deterioramento, malfunzionamento…).",
            "operatore di sportello", "T 2.5, 2.5.1, 2.5.2; M 2.6; TM 10.7")),
        (Counter, new("sospensione", "Sospensione e riattivazione",
            "Blocco temporaneo di una tessera attiva e suo sblocco, dove la Regione li prevede.",
            "operatore di sportello", "S 9.5.3, 9.6 (la guida toscana non li prevede)")),
        (Counter, new("lettore", "Consegna del lettore di smart card",
            "Registrazione della consegna di un lettore al titolare di una tessera attiva.",
            "operatore di sportello", "T 2.6")),
        (Counter, new("firma", "Certificato di firma digitale",
            "Richiesta gratuita del certificato di firma digitale sulla tessera attiva di un titolare maggiorenne, inviata al certificatore.",
            "operatore di sportello (come operatore di registrazione del certificatore)", "S 7, 9.1.3, 9.3.2 punto 8, 9.3.4–9.3.6")),
        (Counter, new("interoperabilita", "Interoperabilità tra Regioni",
            "Attivazione, ristampa o revoca di una tessera emessa da un'altra Regione collegata.",
            "operatore di sportello; amministratore della sicurezza per le Regioni collegate", "T 2.11; S 8")),
        (Counter, new("call-center", "Call center: sospensione e riattivazione per telefono",
            "Il titolare che chiama si identifica con codice fiscale e CIP; l'operatore del call center sospende o riattiva la tessera.",
            "operatore del call center", "TM 8.2; S 6.2, 9.5–9.6")),
        (Consultation, new("storico", "Storico, reportistica e statistiche",
            "Le operazioni di un assistito o di una tessera, il report delle proprie operazioni, il conteggio delle attivazioni.",
            "operatore di sportello", "T 2.7, 2.8, 2.10; M 2.7")),
        (Consultation, new("modulistica", "Modulistica e stampe",
            "I moduli in bianco e le stampe che ogni operazione produce.",
            "operatore di sportello", "T 2.9; TM 9.1.5, riferimenti [1] e [2]")),
        (Consultation, new("revisione", "Revisione delle operazioni",
            "Il registro di chi ha fatto che cosa, la verifica della sua integrità e le segnalazioni.",
            "revisore", "—")),
        (Administration, new("operatori", "Operatori, sportelli e avvisi",
            "Creazione degli sportelli e degli operatori, abilitazione al CMS, avvisi agli operatori.",
            "amministratore della sicurezza", "T 1 (l'Amministratore di Sicurezza), T 2.1 (sezione AVVISO)")),
        (Administration, new("recapiti", "Recapiti autorizzati",
            "Autorizzazione di un indirizzo e-mail o di un cellulare che riceve i codici di assistiti di nuclei familiari diversi.",
            "amministratore della sicurezza", "T 2.2.1 (invio della seconda parte dei codici)")),
        (Issuer, new("caricamento-tessere", "Caricamento delle tessere",
            "Il file delle tessere prodotte (o, una volta sola, quelle del sistema precedente) caricato dal browser: avanzamento, esito e righe rifiutate.",
            "ente emettitore", "S 2.2, 4.2.1 (responsabilità dell'ente emettitore); decisioni 0039 e 0048")),
        (Issuer, new("revoca-d-ufficio", "Revoca d'ufficio",
            "Revoca di una tessera su iniziativa dell'ente emettitore: errori nei dati anagrafici, mancato recapito, decesso, cessato diritto all'assistenza.",
            "ente emettitore", "S 9.7.2; TM 10.7.1")),
        (Everyone, new("accesso", "Accesso, password e sessioni",
            "Accesso al CMS, cambio della password, sessioni aperte e uscita.",
            "tutti gli utenti", "T 2.1")),
    ];

    private static readonly Dictionary<string, HelpTopic> BySlug = All.ToDictionary(t => t.Topic.Slug, t => t.Topic, StringComparer.Ordinal);

    public static HelpTopic? Find(string? slug) => slug is not null && BySlug.TryGetValue(slug, out var topic) ? topic : null;

    public static HelpTopic Get(string slug) => BySlug[slug];
}
