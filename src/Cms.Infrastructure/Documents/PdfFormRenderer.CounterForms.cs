using System.Globalization;
using Cms.Application.Common.Documents;
using Cms.Domain.Requests;

namespace Cms.Infrastructure.Documents;

/// <summary>The forms of revocation, reader delivery and FSE consents, with the wording of the seeds [T 2.5, 2.6, 2.2.1, 2.3].</summary>
public sealed partial class PdfFormRenderer
{
    public byte[] RevocationRequestForm(RevocationFormModel m)
    {
        var b = m.Basics;
        using var document = NewDocument("Modulo di richiesta revoca del certificato di autenticazione", $"Richiesta {m.RequestId}", b.PrintedAt);
        using (var w = new FormWriter(document, RequestFooter(b, m.RequestId)))
        {
            RequestHeader(w, b, "MODULO DI RICHIESTA REVOCA DEL CERTIFICATO DI AUTENTICAZIONE", "ID richiesta revoca", m.RequestId);
            var h = b.Holder;
            var holderName = $"{h.Surname} {h.GivenName}";
            var card = b.CardNumber;
            if (m.Mode == RequestMode.Direct || m.Delegate is null)
            {
                w.Paragraph($"Il/La sottoscritto/a {h.GivenName} {h.Surname}, Codice Fiscale {h.CodiceFiscale}, in qualità di TITOLARE della TS/CNS " +
                    $"n°{card}, chiede la revoca del certificato di autenticazione per il seguente motivo: {m.ReasonLabel}", 10);
            }
            else
            {
                var d = m.Delegate;
                var role = m.DelegationKind switch
                {
                    DelegationKind.Parental => "esercente la potestà genitoriale",
                    DelegationKind.Tutor => "tutore",
                    DelegationKind.Curator => "curatore",
                    _ => "delegato",
                };
                w.Paragraph($"Il/La sottoscritto/a {d.Surname} {d.GivenName}, Codice Fiscale {d.CodiceFiscale}, in qualità di delegato ({role}) per " +
                    $"{holderName}, consapevole delle sanzioni penali nel caso di dichiarazioni non veritiere, di formazione o uso di atti falsi, " +
                    "ai sensi degli artt. 46 e 76 del D.P.R. 28 dicembre 2000, n. 445, preso atto di quanto previsto dall'Informativa, ai sensi " +
                    "dell'art. 13 del Regolamento (UE) 2016/679 e del d.lgs. 196/2003, acconsente al trattamento dei dati personali " +
                    $"dell'interessato/a, secondo quanto previsto dalla vigente normativa e chiede la revoca del certificato di autenticazione " +
                    $"rilasciato a {holderName}, Codice Fiscale {h.CodiceFiscale}, TS/CNS n°{card}, per il seguente motivo: {m.ReasonLabel}", 10);
            }
            if (m.EvidenceText is not null) w.Fields(("Documentazione presentata", m.EvidenceText));
            if (m.CipNote is not null)
            {
                w.Space(2);
                w.Paragraph(m.CipNote, 9);
            }
            w.Space(4);
            w.Section("DOCUMENTO DI RICONOSCIMENTO DEL RICHIEDENTE");
            w.Fields(("Tipo Documento", DocumentTypes.Label(m.Document.Type)), ("Numero", m.Document.Number));
            w.Fields(("Rilasciato da", m.Document.IssuedBy), ("Valido sino al", D(m.Document.ExpiryDate)));
            w.Space(4);
            w.Paragraph("La revoca è definitiva: il certificato di autenticazione non potrà più essere utilizzato e la carta non consentirà " +
                "l'accesso ai servizi in rete; la carta conserva le sole funzionalità \"a vista\" di tessera sanitaria. " +
                "Dopo la revoca il titolare può richiedere la riemissione della TS-CNS.", 8.5);
            w.Fields(("Data", Local(b.PrintedAt).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)));
            w.Signatures("Firma del richiedente", "Timbro e firma dell'operatore");
        }
        return Save(document);
    }

    public byte[] ReaderDeliveryForm(ReaderFormModel m)
    {
        var b = m.Basics;
        using var document = NewDocument("Modulo di richiesta e consegna lettore smart-card", $"Richiesta {m.RequestId}", b.PrintedAt);
        using (var w = new FormWriter(document, RequestFooter(b, m.RequestId)))
        {
            RequestHeader(w, b, "MODULO DI RICHIESTA E CONSEGNA LETTORE SMART-CARD", "ID consegna lettore", m.RequestId);
            var h = b.Holder;
            w.Paragraph($"Il/La sottoscritto/a {h.Surname} {h.GivenName}, Codice Fiscale {h.CodiceFiscale}, a seguito dell'attivazione della propria " +
                $"TS-CNS n° {b.CardNumber}, richiede la contestuale consegna a mano di un lettore di smart card e dichiara, sotto la propria " +
                "responsabilità, che la presente richiesta è unica per la propria famiglia anagrafica.", 10);
            w.Space(4);
            w.Fields(("Lettori già consegnati al titolare", m.HolderReaders.ToString(CultureInfo.InvariantCulture)),
                ("al nucleo familiare", m.HouseholdReaders.ToString(CultureInfo.InvariantCulture)));
            if (m.OverrideReason is not null)
            {
                w.Section("CONSEGNA IN DEROGA");
                w.Paragraph("Motivo: " + m.OverrideReason, 9);
            }
            w.Fields(("Data", Local(b.PrintedAt).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)));
            w.Signatures("Firma del richiedente", "Timbro e firma dell'operatore");
        }
        return Save(document);
    }

    public byte[] SignatureRequestForm(SignatureFormModel m)
    {
        var b = m.Basics;
        using var document = NewDocument("Modulo di richiesta del certificato di firma digitale", $"Richiesta {m.RequestId}", b.PrintedAt);
        using (var w = new FormWriter(document, RequestFooter(b, m.RequestId)))
        {
            RequestHeader(w, b, "MODULO DI RICHIESTA DEL CERTIFICATO DI FIRMA DIGITALE", "ID richiesta firma digitale", m.RequestId);
            var h = b.Holder;
            w.Paragraph($"Il/La sottoscritto/a {h.Surname} {h.GivenName}, Codice Fiscale {h.CodiceFiscale}" +
                (h.BirthDate is { } born ? $", nato/a a {h.BirthPlaceWithState ?? ""} il {D(born)}" : "") +
                $", in qualità di TITOLARE maggiorenne della TS-CNS n° {b.CardNumber}, identificato/a di persona allo sportello, " +
                $"chiede a {m.CertificationAuthority} il rilascio gratuito del certificato di firma digitale, da installare a bordo della propria TS-CNS.", 10);
            w.Space(4);
            w.Section("DOCUMENTO DI RICONOSCIMENTO DEL TITOLARE");
            w.Fields(("Tipo Documento", DocumentTypes.Label(m.Document.Type)), ("Numero", m.Document.Number));
            w.Fields(("Rilasciato da", m.Document.IssuedBy), ("Valido sino al", D(m.Document.ExpiryDate)));
            w.Space(4);
            w.Paragraph("Il certificato di firma digitale permette di firmare digitalmente i documenti informatici: la firma digitale ha il " +
                "valore legale di una firma autografa. Non può essere rilasciato a minori o tutelati né richiesto per delega. " +
                "L'operatore di sportello agisce in qualità di Operatore di registrazione del certificatore.", 8.5);
            w.Fields(("Data", Local(b.PrintedAt).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture)));
            w.Signatures("Firma del titolare", "Timbro e firma dell'operatore di registrazione");
        }
        return Save(document);
    }

    public byte[] ConsentDeclaration(ConsentFormModel m)
    {
        using var document = NewDocument("Dichiarazione consensi", $"Richiesta {m.RequestId}", m.Basics.PrintedAt);
        using (var w = new FormWriter(document, RequestFooter(m.Basics, m.RequestId)))
        {
            RequestHeader(w, m.Basics, "DICHIARAZIONE CONSENSI\nFASCICOLO SANITARIO ELETTRONICO", "ID richiesta consensi", m.RequestId);
            ConsentsBody(w, m);
        }
        return Save(document);
    }

    public byte[] ActivationAndConsents(ActivationFormModel activation, ConsentFormModel consents)
    {
        var first = activation.FirstHalves ?? throw new InvalidOperationException("The combined print needs the first halves.");
        using var document = NewDocument("Attivazione e consensi", $"Richiesta {consents.RequestId}", consents.Basics.PrintedAt);
        using (var w = new FormWriter(document, RequestFooter(consents.Basics, consents.RequestId)))
        {
            // What the seed's print carries [T 2.2.1]: the ids of the activation and of the health record's creation, the requester, B1/B2,
            // Quadro C and the warnings, then the first halves and the consents.
            Header(w, activation, "ATTIVAZIONE E RICHIESTA CONSENSI", null, consents.HealthRecordReference, withRecordLine: true);
            w.Fields(("Carta", activation.CardNumber), ("Stato", activation.Activated ? "ATTIVA" : "NON ATTIVA"), ("Scadenza", D(activation.CardExpiryDate)));
            Requester(w, activation);
            Holder(w, activation);
            w.Section("Quadro C  ESITO DELL'ATTIVAZIONE DELLA TS-CNS");
            w.Checkbox(activation.Activated, "Tessera Sanitaria Carta Nazionale dei Servizi attivata");
            w.Checkbox(!activation.Activated, "Tessera Sanitaria Carta Nazionale dei Servizi non attivata");
            w.Section("MODALITA' D'USO ED AVVERTENZE PER IL TITOLARE");
            w.Paragraph(UsageWarnings, 7.5);
            w.Section("CODICI PERSONALI");
            CodesBody(w, activation, first);
            w.NewPage();
            RequestHeader(w, consents.Basics, "CONSENSI AL FASCICOLO SANITARIO ELETTRONICO", "ID richiesta consensi", consents.RequestId);
            ConsentsBody(w, consents);
        }
        return Save(document);
    }

    public byte[] TableReport(TableReportModel m)
    {
        var local = Local(m.GeneratedAt);
        using var document = NewDocument(m.Title, "Reportistica", m.GeneratedAt);
        using (var w = new FormWriter(document, $"Cms · {m.Title.ToLowerInvariant()} · generato il {local:dd/MM/yyyy HH:mm}"))
        {
            w.Paragraph("TESSERA SANITARIA - CARTA NAZIONALE DEI SERVIZI", 8, bold: true);
            w.Title(m.Title);
            foreach (var (label, value) in m.Header) w.Fields((label, value));
            w.Fields(("Data di generazione", local.ToString("dd/MM/yyyy HH:mm", Italian)));
            w.Rule();
            w.TableRow(m.Columns, m.ColumnWeights, header: true);
            foreach (var row in m.Rows) w.TableRow(row, m.ColumnWeights);
            if (m.Rows.Count == 0) w.Paragraph("Nessuna operazione nel periodo.", 9);
        }
        return Save(document);
    }

    private static void ConsentsBody(FormWriter w, ConsentFormModel m)
    {
        var h = m.Basics.Holder;
        w.Section("DATI ANAGRAFICI ASSISTITO");
        w.Fields(("Codice Fiscale", h.CodiceFiscale), ("Cognome e Nome", $"{h.Surname} {h.GivenName}"));
        w.Fields(("Nato il", D(h.BirthDate)), ("a", h.BirthPlaceWithState));
        w.Fields(("Residenza", $"{h.Address} - {h.Postcode} - {h.Municipality} ({h.Province})"));
        w.Section(m.Mode == RequestMode.Direct ? "RICHIEDENTE: IL TITOLARE" : "RICHIEDENTE: DELEGATO");
        var r = m.Requester;
        w.Fields(("Cognome", r.Surname), ("Nome", r.GivenName), ("Cod. Fisc.", r.CodiceFiscale));
        w.Fields(("Documento", DocumentTypes.Label(m.Document.Type)), ("Numero", m.Document.Number), ("Ente Rilascio", m.Document.IssuedBy));
        w.Fields(("Data Emissione", D(m.Document.IssueDate)), ("Data Scadenza", D(m.Document.ExpiryDate)));
        w.Section("CONSENSI FSE");
        w.Paragraph(m.PolicyLabel, 8, bold: true);
        foreach (var line in m.Lines)
        {
            w.Paragraph(line.Title, 9, bold: true);
            foreach (var (text, chosen) in line.Options) w.Checkbox(chosen, text, indent: 8);
            if (line.Note is not null) w.Paragraph(line.Note, 8.5, indent: 8);
        }
        w.Space(4);
        w.Checkbox(true, "Il titolare della carta (o suo delegato) dichiara di aver preso visione dei consensi indicati");
        if (m.OutcomeText is not null) w.Paragraph(m.OutcomeText, 9, bold: true);
        w.Signatures("Firma del titolare o del delegato", "Timbro e firma dell'operatore");
    }

    private void RequestHeader(FormWriter w, FormBasics b, string title, string idLabel, Guid requestId)
    {
        var local = Local(b.PrintedAt);
        w.Paragraph($"Regione {b.RegionName}", 9, bold: true);
        w.Paragraph("TESSERA SANITARIA - CARTA NAZIONALE DEI SERVIZI", 8, bold: true);
        w.Title(title);
        w.Fields(("Sportello", $"{b.CounterCode} {b.CounterName}"));
        w.Fields((idLabel, requestId.ToString()));
        w.Fields(("Data", local.ToString("dd/MM/yyyy", Italian)), ("Ora", local.ToString("HH:mm", Italian)));
        w.Rule();
    }

    private DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone);

    private static string RequestFooter(FormBasics b, Guid requestId) => $"Cms · sportello {b.CounterCode} · richiesta {requestId}";
}

public sealed partial class PdfFormRenderer
{
    /// <summary>The seed's "Riepilogo codici" of the citizen's application [C]: who activated what, when, with which protocol, and the codes.</summary>
    public byte[] CitizenRenewalSummary(CitizenRenewalModel m)
    {
        var local = Local(m.ActivatedAt);
        using var document = NewDocument("Riepilogo codici", $"Protocollo {m.Protocol}", m.ActivatedAt);
        using (var w = new FormWriter(document, $"Cms · attivazione da parte del titolare · protocollo {m.Protocol}"))
        {
            w.Paragraph($"Regione: {m.RegionName}", 9, bold: true);
            w.Title("TESSERA SANITARIA\nCARTA NAZIONALE DEI SERVIZI");
            w.Paragraph($"In data {local.ToString("dd/MM/yyyy", Italian)} è stata attivata dal titolare {m.Holder.Surname} {m.Holder.GivenName} la propria " +
                $"TS-CNS utilizzando l'applicazione di attivazione con protocollo n° {m.Protocol}.", 9.5);
            w.Paragraph("Di seguito i codici personali per l'utilizzo della tessera sanitaria come strumento di autenticazione ai servizi " +
                "offerti dalla Pubblica Amministrazione.", 9.5);
            w.Fields(("Codice fiscale", m.Holder.CodiceFiscale), ("Nato/a il", D(m.Holder.BirthDate)));
            w.Fields(("Codice TEAM della tessera", m.CardNumber), ("Data di scadenza", D(m.CardExpiryDate)));
            w.Section("CODICI PERSONALI");
            w.Paragraph("Tali codici personali devono essere conservati in luogo sicuro e separatamente dalla carta.", 9);
            w.Fields(("Protocollo", m.Protocol));
            w.Fields(("Codice PIN", m.Codes.Pin));
            w.Fields(("Codice PUK", m.Codes.Puk));
            w.Fields(("Codice CIP", m.Codes.Cip));
            w.Space(8);
            w.Paragraph("Attenzione! Si raccomanda di NON chiudere l'applicazione prima di aver stampato e/o salvato opportunamente il " +
                "documento in formato pdf di riepilogo dei codici personali: i codici non potranno essere mostrati di nuovo.", 9, bold: true);
        }
        return Save(document);
    }
}
