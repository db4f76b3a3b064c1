namespace Cms.Web.Services;

/// <summary>What the operator reads for the API's values.</summary>
public static class Labels
{
    public static string State(CardState state) => state switch
    {
        CardState.NOT_ACTIVE => "Non attiva",
        CardState.ACTIVE => "Attiva",
        CardState.SUSPENDED => "Sospesa",
        CardState.REVOKED => "Revocata",
        CardState.EXPIRED => "Scaduta",
        _ => state.ToString(),
    };

    public static string Status(RequestStatus status) => status switch
    {
        RequestStatus.PENDING => "in attesa di conferma",
        RequestStatus.COMPLETED => "completata",
        _ => "annullata",
    };

    /// <summary>An optional text field of a form: blank means "not given".</summary>
    public static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public static string Operation(CardOperation operation) => operation switch
    {
        CardOperation.ACTIVATION => "Attivazione",
        CardOperation.FSE_CONSENTS => "Consensi FSE",
        CardOperation.REPRINT => "Ristampa PIN/PUK",
        CardOperation.REVOCATION => "Revoca",
        CardOperation.READER_DELIVERY => "Richiesta lettore",
        CardOperation.SUSPENSION => "Sospensione",
        CardOperation.REACTIVATION => "Riattivazione",
        CardOperation.HISTORY => "Storico",
        CardOperation.SIGNATURE_CERTIFICATE => "Certificato di firma digitale",
        _ => operation.ToString(),
    };

    public static string Mode(RequestMode mode) => mode switch
    {
        RequestMode.DIRECT => "Diretta (titolare presente)",
        RequestMode.DELEGATED => "Delegata (potestà genitoriale, tutore, curatore)",
        RequestMode.HEALTH_DELEGATION => "Delegata per motivi di salute",
        _ => mode.ToString(),
    };

    public static string Delegation(DelegationKind kind) => kind switch
    {
        DelegationKind.PARENTAL => "Potestà genitoriale",
        DelegationKind.TUTOR => "Tutore",
        DelegationKind.CURATOR => "Curatore",
        _ => kind.ToString(),
    };

    public static readonly (string Value, string Label)[] DocumentTypes =
    [
        ("CARTA_IDENTITA", "Carta d'identità"), ("PASSAPORTO", "Passaporto"), ("PATENTE_GUIDA", "Patente di guida"),
        ("PATENTE_NAUTICA", "Patente nautica"), ("LIBRETTO_PENSIONE", "Libretto di pensione"),
        ("PATENTINO_IMPIANTI_TERMICI", "Patentino impianti termici"), ("PORTO_ARMI", "Porto d'armi"),
        ("ALTRO_DOCUMENTO_STATALE", "Altra tessera di riconoscimento statale con foto e timbro"),
    ];

    public static readonly (string Value, string Label)[] CounterTypes =
    [
        ("ASL", "Azienda sanitaria (ASL)"), ("HOSPITAL", "Azienda ospedaliera"), ("MUNICIPALITY", "Comune"),
        ("REGIONAL_OFFICE", "Ufficio regionale"), ("PHARMACY", "Farmacia"),
    ];

    public static readonly (string Value, string Label)[] ReprintReasons =
    [
        ("SMARRIMENTO", "Smarrimento dei codici"), ("DIMENTICANZA", "Dimenticanza dei codici"),
        ("MANCATA_RICEZIONE", "Mancata ricezione della seconda metà"), ("ALTRO", "Altro"),
    ];

    public static readonly (string Value, string Label)[] RevocationReasons =
    [
        ("FURTO", "Furto"), ("SMARRIMENTO", "Smarrimento"), ("DETERIORAMENTO", "Deterioramento"), ("MALFUNZIONAMENTO", "Malfunzionamento"),
        ("COMPROMISSIONE_CODICI", "Compromissione dei codici"), ("VARIAZIONE_DATI_TITOLARE", "Variazione dei dati del titolare"),
    ];

    public static readonly (string Value, string Label)[] SuspensionReasons =
    [
        ("SOSPETTO_FURTO", "Sospetto furto"), ("SOSPETTO_SMARRIMENTO", "Sospetto smarrimento"),
        ("COMPROMISSIONE_CODICI", "Codici personali forse conosciuti da altri"), ("ALTRO", "Altro (indicare nella nota)"),
    ];

    public static readonly (string Value, string Label)[] EvidenceKinds =
    [
        ("POLICE_REPORT", "Denuncia all'autorità"), ("SELF_DECLARATION", "Autocertificazione dello smarrimento"),
    ];

    public static readonly (string Value, string Label)[] PastDataChoices =
    [
        ("NO_RECOVERY", "Nessun recupero dei dati pregressi"), ("RECOVER_WITHOUT_OBSCURING", "Recupero dei dati pregressi"),
        ("RECOVER_WITH_OBSCURING", "Recupero dei dati pregressi con oscuramento"),
    ];

    public static string PastData(PastDataChoice choice) => PastDataChoices.First(c => c.Value == choice.ToString()).Label;

    public static string Document(string name) => name switch
    {
        "dichiarazione-consensi" => "Dichiarazione dei consensi",
        "attivazione-e-consensi" => "Attivazione e consensi",
        "modulo-richiesta-revoca" => "Modulo di richiesta revoca",
        "modulo-richiesta-lettore" => "Modulo di richiesta e consegna lettore",
        "modulo-richiesta-firma-digitale" => "Modulo di richiesta del certificato di firma digitale",
        "modulo-richiesta-codici" => "Modulo di richiesta codici personali",
        "codici-personali" => "Codici personali (prime metà)",
        "dichiarazione-sostitutiva" => "Dichiarazione sostitutiva",
        "modulo-richiesta-pin-delega" => "Modulo richiesta PIN e consenso per delega",
        "codici" => "Stampa dei codici",
        _ => name.Replace('-', ' '),
    };

    /// <summary>Where a signature-certificate request to the certification authority stands.</summary>
    public static string Certificate(CertificateRequestStatus status) => status switch
    {
        CertificateRequestStatus.QUEUED => "in corso (in coda o in attesa di un nuovo tentativo)",
        CertificateRequestStatus.SENT => "ricevuta dal certificatore",
        CertificateRequestStatus.FAILED => "non accettata dal certificatore",
        _ => "non inviata",
    };

    public static string Outcome(OperationOutcome outcome) => outcome switch
    {
        OperationOutcome.SUCCEEDED => "Eseguita",
        OperationOutcome.REJECTED => "Rifiutata",
        OperationOutcome.FAILED => "Non riuscita",
        _ => outcome.ToString(),
    };

    public static string Call(OutboundCallStatus status) => status switch
    {
        OutboundCallStatus.QUEUED or OutboundCallStatus.SENDING => "in corso di invio",
        OutboundCallStatus.SENT => "inviata",
        OutboundCallStatus.FAILED => "non riuscita: verrà gestita dall'assistenza",
        _ => status.ToString(),
    };

    public static string Date(DateOnly d) => d.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture);

    public static string DateTime(DateTimeOffset d) =>
        TimeZoneInfo.ConvertTime(d, Rome).ToString("dd/MM/yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private static readonly TimeZoneInfo Rome = TimeZoneInfo.TryFindSystemTimeZoneById("Europe/Rome", out var tz) ? tz : TimeZoneInfo.Utc;
}
