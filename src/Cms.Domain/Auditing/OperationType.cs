namespace Cms.Domain.Auditing;

/// <summary>
/// The catalogue of operations used in reports. Stored by name; <see cref="OperationTypes.Label"/> gives
/// the Italian label printed in reports.
/// </summary>
public enum OperationType
{
    Activation,
    CodeDelivery,
    Reprint,
    Revocation,
    FseConsents,
    ReaderDelivery,
    Suspension,
    Reactivation,
    Interoperability,
    Identification,
    HistoryConsultation,
    SignIn,
    CardFeed,
    CounterManagement,
    OperatorManagement,
    DocumentPrint,
    NoticeManagement,
    AuditConsultation,
    ReportConsultation,
    KeyRotation,
    /// <summary>A session ended by its operator: sign-out, or another session of theirs ended.</summary>
    SignOut,
    /// <summary>A security administrator approves, or revokes the approval of, an address shared by holders of different households (decision 0034).</summary>
    RecipientApproval,
    /// <summary>A request for the digital-signature certificate on the card, sent to the certification authority [S 7].</summary>
    SignatureCertificate,
}

public static class OperationTypes
{
    public static string Label(OperationType type) => type switch
    {
        OperationType.Activation => "ATTIVAZIONE",
        OperationType.CodeDelivery => "INVIO CODICI TS-CNS",
        OperationType.Reprint => "RISTAMPA PIN/PUK",
        OperationType.Revocation => "REVOCA",
        OperationType.FseConsents => "CONSENSI FSE",
        OperationType.ReaderDelivery => "RICHIESTA LETTORE",
        OperationType.Suspension => "SOSPENSIONE",
        OperationType.Reactivation => "RIATTIVAZIONE",
        OperationType.Interoperability => "INTEROPERABILITÀ",
        OperationType.Identification => "IDENTIFICAZIONE TESSERA",
        OperationType.HistoryConsultation => "CONSULTAZIONE STORICO",
        OperationType.SignIn => "ACCESSO",
        OperationType.CardFeed => "CARICAMENTO TESSERE",
        OperationType.CounterManagement => "GESTIONE SPORTELLI",
        OperationType.OperatorManagement => "GESTIONE OPERATORI",
        OperationType.DocumentPrint => "STAMPA MODULO",
        OperationType.NoticeManagement => "GESTIONE AVVISI",
        OperationType.AuditConsultation => "CONSULTAZIONE AUDIT",
        OperationType.ReportConsultation => "CONSULTAZIONE REPORT",
        OperationType.KeyRotation => "ROTAZIONE CHIAVI",
        OperationType.SignOut => "USCITA",
        OperationType.RecipientApproval => "AUTORIZZAZIONE RECAPITO",
        OperationType.SignatureCertificate => "CERTIFICATO DI FIRMA DIGITALE",
        _ => type.ToString().ToUpperInvariant(),
    };

    /// <summary>Reads of personal data, recorded so that a subject-access request can be answered.</summary>
    public static bool IsRead(OperationType type) =>
        type is OperationType.Identification or OperationType.HistoryConsultation;
}
