using System.Globalization;
using Cms.Application.Common.Documents;
using Cms.Domain.Requests;
using Microsoft.Extensions.Options;
using PdfSharp.Pdf;

namespace Cms.Infrastructure.Documents;

/// <summary>The printed forms of the activation, in Italian, following the wording of the seeds [T 2.2, M 2.3, T 2.2.1].</summary>
public sealed partial class PdfFormRenderer
    : ICodeReleaseForms, IRevocationForms, IReaderForms, ISignatureForms, IConsentForms, ICitizenForms, IReportRenderer, IBlankFormRenderer
{
    private readonly TimeZoneInfo zone;

    public PdfFormRenderer(IOptions<DocumentOptions> options)
    {
        FreeSansFontResolver.Install(options.Value.FontFolders);
        zone = TimeZoneInfo.TryFindSystemTimeZoneById(options.Value.TimeZone, out var z) ? z : TimeZoneInfo.Utc;
    }

    private static readonly CultureInfo Italian = CultureInfo.GetCultureInfo("it-IT");
    private static string D(DateOnly? d) => d?.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) ?? "";

    private const string UsageWarnings =
        "Nel caso in cui il certificato venga utilizzato al fine di inviare un messaggio cifrato (riservatezza del contenuto), la perdita " +
        "della chiave privata da parte del Titolare comporterà l'impossibilità di decifrare il messaggio; non viene effettuato, in nessun " +
        "caso, il backup della chiave privata del Titolare.\nIl soggetto a cui è rilasciata una Carta Nazionale dei Servizi deve:\n" +
        "• controllare la correttezza, la completezza e l'attualità delle informazioni riportate sulla carta;\n" +
        "• proteggere il certificato digitale con la massima accuratezza e diligenza al fine di garantirne l'integrità e la riservatezza;\n" +
        "• proteggere e conservare il codice di attivazione (PIN), il codice di sblocco (PUK) e il codice personale (CIP) utilizzato per " +
        "l'abilitazione delle funzionalità della CNS, con la massima accuratezza e diligenza in luogo sicuro e diverso da quello in cui è custodita la carta;\n" +
        "• adottare ogni altra misura atta ad impedire la perdita, la compromissione o l'utilizzo improprio della chiave privata e della CNS.\n" +
        "Inoltre, è fatto obbligo di richiedere la revoca della Carta Nazionale dei Servizi nel caso in cui si verificano le seguenti:\n" +
        "• compromissione della segretezza della chiave privata o dei codici sopra indicati;\n• smarrimento o furto della carta;\n" +
        "• si verifichi una modifica dei dati del titolare presenti nel certificato;\n• abusi e falsificazioni;\n" +
        "• sia verificata una sostanziale condizione di non conformità con il Manuale Operativo.";

    private const string DeclarationUnderDpr445 =
        "ai sensi e per gli effetti di cui agli articoli 46 e 48 del decreto del Presidente della Repubblica 28 dicembre 2000, " +
        "n. 445 (Disposizioni legislative in materia di documentazione amministrativa) e consapevole della responsabilità penale cui può " +
        "andare incontro per dichiarazioni mendaci, falsità in atti e uso di atti falsi, così come disposto dall'art. 76 del citato d.p.r. 445/2000";

    private const string DeclarationPrivacy =
        "Il/la sottoscritto/a dichiara di aver preso atto dell'informativa ai sensi dell'art. 13 del Regolamento (UE) 2016/679 e " +
        "del decreto legislativo 30 giugno 2003, n. 196 (Codice in materia di protezione dei dati personali) e di essere quindi a " +
        "conoscenza che i dati personali dichiarati saranno trattati, anche avvalendosi di strumenti informatici, esclusivamente " +
        "nell'ambito del procedimento per il quale la presente dichiarazione viene resa.";

    private const string PrivacyConsent =
        "Il titolare della carta, o suo delegato, acconsente al trattamento dei dati personali come previsto dall'art. 13 del Regolamento (UE) " +
        "2016/679 e del d.lgs. 196/2003 (Codice in materia di protezione dei dati personali).";

    public byte[] ActivationRequestForm(ActivationFormModel m)
    {
        using var document = NewDocument("Modulo di richiesta codici personali", m);
        using (var w = new FormWriter(document, Footer(m)))
        {
            var reprint = m.Purpose == "REPRINT";
            foreach (var copy in new[] { "COPIA PER IL TITOLARE", "COPIA PER L'UFFICIO (da firmare e archiviare)" })
            {
                if (copy != "COPIA PER IL TITOLARE") w.NewPage();
                Header(w, m, reprint ? "MODULO DI RICHIESTA RISTAMPA CODICI PERSONALI (PIN/PUK)" : "MODULO DI RICHIESTA CODICI PERSONALI", copy);
                Requester(w, m);
                Holder(w, m);
                w.Section("INVIO DELLA SECONDA PARTE DEI CODICI");
                w.Fields(("Numero tessera", m.CardNumber), ("Scadenza", D(m.CardExpiryDate)));
                w.Fields(m.Delivery.Channel == DeliveryChannel.Email ? ("e-mail", m.Delivery.Email) : ("SMS al numero", m.Delivery.Mobile));
                if (reprint)
                {
                    w.Section("MOTIVO DELLA RISTAMPA");
                    w.Paragraph(m.ReasonLabel ?? "", 9, bold: true);
                    w.Paragraph("I codici eventualmente modificati dal titolare con il software della carta non possono essere recuperati: " +
                        "la ristampa rilascia i codici originari.", 8.5);
                }
                else
                {
                    w.Section("Quadro C  ESITO DELL'ATTIVAZIONE DELLA TS-CNS");
                    w.Checkbox(m.Activated, "Tessera Sanitaria Carta Nazionale dei Servizi attivata");
                    w.Checkbox(false, "Tessera Sanitaria Carta Nazionale dei Servizi non attivata");
                }
                w.Section("MODALITA' D'USO ED AVVERTENZE PER IL TITOLARE");
                w.Paragraph(UsageWarnings, 7.5);
                w.Paragraph(PrivacyConsent, 8, bold: true);
                w.Signatures("Firma del richiedente", "Timbro e firma dell'operatore");
            }
        }
        return Save(document);
    }

    public byte[] PersonalCodes(ActivationFormModel m)
    {
        var first = m.FirstHalves ?? throw new InvalidOperationException("The codes form needs the first halves.");
        using var document = NewDocument("Codici personali", m);
        using (var w = new FormWriter(document, Footer(m)))
        {
            Header(w, m, "CODICI PERSONALI", null);
            CodesBody(w, m, first);
        }
        return Save(document);
    }

    private static void CodesBody(FormWriter w, ActivationFormModel m, Application.Requests.CodeParts first)
    {
        var where = m.Delivery.Channel == DeliveryChannel.Email
            ? $"via e-mail all'indirizzo: {m.Delivery.Email}"
            : $"via SMS al numero: {m.Delivery.Mobile}";
        w.Paragraph("I codici personali della Carta Nazionale dei Servizi devono essere custoditi in luogo sicuro e separatamente dalla carta. " +
            $"Si consiglia, inoltre, di riportare negli appositi spazi bianchi la seconda parte dei codici che verranno inviati {where}", 9.5);
        w.Space(6);
        w.Fields(("Numero tessera", m.CardNumber));
        w.Space(4);
        w.CodeRow("Codice PIN:", first.Pin, 6);
        w.CodeRow("Codice PUK:", first.Puk, 4);
        w.CodeRow("Codice CIP:", first.Cip, 4);
        w.Space(8);
        w.Paragraph("Il codice completo si ottiene scrivendo prima la parte stampata e poi, di seguito, la parte ricevuta. " +
            "Nessun operatore è in grado di conoscere i codici completi: non comunicarli a nessuno.", 8.5);
        w.Paragraph("I codici eventualmente modificati dal titolare con il software della carta non possono essere recuperati.", 8.5);
    }

    public byte[] SubstituteDeclaration(ActivationFormModel m)
    {
        using var document = NewDocument("Dichiarazione sostitutiva di certificazione", m);
        using (var w = new FormWriter(document, Footer(m)))
        {
            var operation = m.Purpose == "REPRINT" ? "RISTAMPA DEI CODICI PERSONALI DELLA TS-CNS" : "ATTIVAZIONE DELLA TS-CNS";
            Header(w, m, operation + "\nDICHIARAZIONE SOSTITUTIVA DI CERTIFICAZIONE\n(artt. 46 e 48 d.p.r. 445/2000)", null);
            var d = m.Requester;
            w.Paragraph("Il/la sottoscritto/a", 9);
            w.Fields(("cognome", d.Surname), ("nome", d.GivenName));
            w.Fields(("codice fiscale", d.CodiceFiscale), ("nato/a", d.BirthPlace ?? "______________"));
            w.Fields(("il", d.BirthDate is null ? "____/____/________" : D(d.BirthDate)), ("residente a", "______________"), ("(provincia)", "____"));
            w.Fields(("indirizzo", "______________________________"), ("C.A.P.", "________"), ("telefono", "______________"));
            w.Paragraph(DeclarationUnderDpr445, 9);
            w.Title("DICHIARA", 11);
            w.Paragraph("la propria qualità di:", 9);
            w.Checkbox(m.DelegationKind == DelegationKind.Parental, "esercente potestà parentale");
            w.Checkbox(m.DelegationKind is DelegationKind.Tutor or DelegationKind.Curator,
                (m.DelegationKind == DelegationKind.Curator ? "curatore" : "tutore") +
                " come risulta da: ____________________________________ (indicare estremi provvedimento di nomina alla tutela)");
            var h = m.Holder;
            w.Paragraph($"del/la minore o Sig./ra {h.Surname} {h.GivenName}", 9, bold: true);
            w.Fields(("codice fiscale", h.CodiceFiscale), ("nato/a", h.BirthPlaceWithState), ("il", D(h.BirthDate)));
            w.Fields(("residente a", h.Municipality), ("(provincia)", h.Province));
            w.Fields(("indirizzo", h.Address), ("C.A.P.", h.Postcode), ("telefono", "______________"));
            w.Paragraph(DeclarationPrivacy, 9);
            w.Space(10);
            w.Paragraph("(indicare luogo e data) ______________________________", 9);
            w.Signatures("Il/la dichiarante");
        }
        return Save(document);
    }

    public byte[] BlankForm(string name, BlankFormModel m)
    {
        var title = BlankForms.All.Single(f => f.Name == name).Title;
        using var document = NewDocument(title, "Modulistica", m.PrintedAt);
        var local = TimeZoneInfo.ConvertTime(m.PrintedAt, zone);
        var footer = $"Cms · {(m.CounterCode is null ? "modulistica" : "sportello " + m.CounterCode)} · stampato il {local:dd/MM/yyyy HH:mm}";
        using (var w = new FormWriter(document, footer))
        {
            w.Paragraph($"TESSERA SANITARIA - CARTA NAZIONALE DEI SERVIZI · Regione {m.RegionName}", 8, bold: true);
            if (m.CounterCode is not null) w.Fields(("Sportello", $"{m.CounterCode} {m.CounterName}"));
            w.Fields(("Data", local.ToString("dd/MM/yyyy", Italian)), ("Ora", local.ToString("HH:mm", Italian)));
            w.Rule();
            switch (name)
            {
                case BlankForms.SubstituteDeclaration: BlankDeclaration(w); break;
                case BlankForms.Delegation: Delegation(w); break;
                default: Privacy(w, m.RegionName); break;
            }
        }
        return Save(document);
    }

    private static void BlankDeclaration(FormWriter w)
    {
        w.Title("ATTIVAZIONE DELLA TS-CNS\nDICHIARAZIONE SOSTITUTIVA DI CERTIFICAZIONE\n(artt. 46 e 48 d.p.r. 445/2000)");
        w.Paragraph("Il/la sottoscritto/a", 9);
        w.Fields(("cognome", "________________________"), ("nome", "________________________"));
        w.Fields(("codice fiscale", "________________________"), ("nato/a", "________________________"), ("il", "____/____/________"));
        w.Fields(("residente a", "________________________"), ("(provincia)", "____"));
        w.Fields(("indirizzo", "______________________________"), ("C.A.P.", "________"), ("telefono", "______________"));
        w.Paragraph(DeclarationUnderDpr445, 9);
        w.Title("DICHIARA", 11);
        w.Paragraph("la propria qualità di:", 9);
        w.Checkbox(false, "esercente potestà parentale");
        w.Checkbox(false, "tutore / curatore come risulta da: ____________________________________ (indicare estremi provvedimento di nomina alla tutela)");
        w.Paragraph("del/la minore o Sig./ra ______________________________________________", 9);
        w.Fields(("codice fiscale", "________________________"), ("nato/a", "________________________"), ("il", "____/____/________"));
        w.Fields(("residente a", "________________________"), ("(provincia)", "____"));
        w.Fields(("indirizzo", "______________________________"), ("C.A.P.", "________"), ("telefono", "______________"));
        w.Paragraph(DeclarationPrivacy, 9);
        w.Space(10);
        w.Paragraph("(indicare luogo e data) ______________________________", 9);
        w.Signatures("Il/la dichiarante");
    }

    private static void Delegation(FormWriter w)
    {
        w.Title("MODELLO DI DELEGA TS-CNS\n(richiesta dei codici personali per gravi motivi di salute)");
        w.Paragraph("Il/la sottoscritto/a (titolare della TS-CNS)", 9);
        w.Fields(("cognome", "________________________"), ("nome", "________________________"));
        w.Fields(("codice fiscale", "________________________"), ("nato/a a", "________________________"), ("il", "____/____/________"));
        w.Fields(("numero della tessera TS-CNS", "80380_______________"), ("scadenza", "____/____/________"));
        w.Paragraph("impossibilitato/a a presentarsi personalmente allo sportello per gravi motivi di salute,", 9);
        w.Title("DELEGA", 11);
        w.Paragraph("il/la Sig./Sig.ra", 9);
        w.Fields(("cognome", "________________________"), ("nome", "________________________"));
        w.Fields(("codice fiscale", "________________________"), ("nato/a a", "________________________"), ("il", "____/____/________"));
        w.Paragraph("a richiedere in sua vece il rilascio dei codici personali (PIN, PUK e CIP) della propria Tessera Sanitaria - Carta Nazionale " +
            "dei Servizi e a ricevere allo sportello la prima parte dei codici; la seconda parte sarà inviata all'indirizzo e-mail o al numero " +
            "di cellulare indicati al momento della richiesta.", 9);
        w.Paragraph("Il delegato si presenta allo sportello con il proprio documento di identità in corso di validità, la TS-CNS del delegante, " +
            "il presente modulo firmato dal delegante e la fotocopia del documento di identità del delegante.", 9);
        w.Paragraph("Il/la delegante dichiara di aver preso visione dell'informativa sul trattamento dei dati personali (art. 13 del Regolamento " +
            "(UE) 2016/679) e acconsente al trattamento dei dati per le finalità della presente richiesta.", 9);
        w.Space(8);
        w.Paragraph("Allegato: fotocopia del documento di identità del delegante.", 8.5, bold: true);
        w.Paragraph("(indicare luogo e data) ______________________________", 9);
        w.Signatures("Firma del delegante", "Firma del delegato");
    }

    private static void Privacy(FormWriter w, string region)
    {
        w.Title("INFORMATIVA SUL TRATTAMENTO DEI DATI PERSONALI\n(art. 13 del Regolamento (UE) 2016/679)");
        w.Paragraph($"Titolare del trattamento è la Regione {region}, ente emettitore della Tessera Sanitaria - Carta Nazionale dei Servizi (TS-CNS).", 9);
        w.Section("Finalità e base giuridica");
        w.Paragraph("I dati personali sono trattati per identificare il titolare della carta o il suo delegato, attivare la funzionalità CNS, " +
            "rilasciare e ristampare i codici personali (PIN, PUK, CIP), revocare la carta, consegnare i lettori di smart card e registrare i " +
            "consensi al Fascicolo Sanitario Elettronico, nell'esecuzione di compiti di interesse pubblico (art. 6, par. 1, lett. e del " +
            "Regolamento) previsti dal d.lgs. 82/2005 (Codice dell'amministrazione digitale) e dalla normativa sulla Tessera Sanitaria.", 9);
        w.Section("Dati trattati e modalità");
        w.Paragraph("Dati anagrafici e codice fiscale del titolare e dell'eventuale delegato, estremi del documento di riconoscimento, indirizzo " +
            "e-mail o numero di cellulare per l'invio della seconda parte dei codici. I codici personali sono conservati cifrati e non sono mai " +
            "visibili per intero ad alcun operatore. Ogni operazione e ogni consultazione dei dati è registrata.", 9);
        w.Section("Destinatari e conservazione");
        w.Paragraph("I dati sono trattati dal personale autorizzato degli sportelli abilitati e dai responsabili del trattamento designati dal " +
            "titolare; sono comunicati al Sistema Tessera Sanitaria, all'autorità di certificazione e, per i consensi, al sistema regionale del " +
            "Fascicolo Sanitario Elettronico. Sono conservati per il tempo necessario alle finalità e agli obblighi di legge.", 9);
        w.Section("Diritti dell'interessato");
        w.Paragraph("L'interessato può chiedere l'accesso ai propri dati e l'elenco degli accessi effettuati (art. 15), la rettifica (art. 16), la " +
            "limitazione (art. 18) e opporsi al trattamento (art. 21), rivolgendosi al titolare o al Responsabile della protezione dei dati; " +
            "ha inoltre diritto di proporre reclamo al Garante per la protezione dei dati personali (art. 77).", 9);
        w.Signatures("Per presa visione (firma dell'interessato)");
    }

    private void Header(FormWriter w, ActivationFormModel m, string title, string? copy, Guid? healthRecordId = null, bool withRecordLine = false)
    {
        var local = TimeZoneInfo.ConvertTime(m.PrintedAt, zone);
        w.Paragraph("TESSERA SANITARIA - CARTA NAZIONALE DEI SERVIZI", 8, bold: true);
        w.Title(title);
        if (copy is not null) w.Paragraph(copy, 8, bold: true);
        w.Fields(("Sportello", $"{m.CounterCode} {m.CounterName}"));
        w.Fields((m.Purpose == "REPRINT" ? "ID richiesta ristampa" : "ID attivazione carta", m.RequestId.ToString()));
        if (withRecordLine) w.Fields(("ID creazione fascicolo", healthRecordId?.ToString() ?? ""));
        w.Fields(("Data", local.ToString("dd/MM/yyyy", Italian)), ("Ora", local.ToString("HH:mm", Italian)));
        w.Rule();
    }

    private static void Requester(FormWriter w, ActivationFormModel m)
    {
        w.Section("DATI DEL RICHIEDENTE");
        var r = m.Requester;
        w.Fields(("Cognome", r.Surname), ("Nome", r.GivenName), ("Cod. Fisc.", r.CodiceFiscale));
        w.Fields(("Tipo Documento", DocumentTypes.Label(m.Document.Type)), ("Numero", m.Document.Number));
        w.Fields(("Rilasciato da", m.Document.IssuedBy));
        w.Fields(("Data di rilascio", D(m.Document.IssueDate)), ("Valido sino al", D(m.Document.ExpiryDate)));
        if (m.Special?.ExpiredDocumentDeclared == true)
        {
            // [TM 8.1.2]: the declaration the requester signs beside the copy of the expired document.
            w.Checkbox(true, "DICHIARAZIONE (art. 45, comma 3, d.p.r. 445/2000): il/la richiedente dichiara che i dati contenuti nel documento " +
                $"di riconoscimento sopra indicato, scaduto il {D(m.Document.ExpiryDate)}, non hanno subito variazioni dalla data del rilascio.");
        }
    }

    private const string EmancipatedMinorDeclaration =
        "DICHIARAZIONE DI MINORE EMANCIPATO/A [S 6.4.2]: il/la titolare, minorenne, dichiara sotto la propria responsabilità (artt. 46 e 76 " +
        "d.p.r. 445/2000) di essere emancipato/a e ne ha dato evidenza all'operatore (documento da cui risulta il matrimonio, copia dell'atto " +
        "che attesta l'emancipazione o autocertificazione); richiede pertanto i codici personali in proprio.";

    private static void Holder(FormWriter w, ActivationFormModel m)
    {
        w.Section("DATI DEL TITOLARE DELLA TS-CNS");
        w.Checkbox(m.Mode == RequestMode.Direct, "B1 in proprio");
        var kind = m.Mode == RequestMode.HealthDelegation ? "delegato per motivi di salute"
            : m.DelegationKind switch
            {
                DelegationKind.Parental => "esercente la potestà genitoriale",
                DelegationKind.Tutor => "tutore",
                DelegationKind.Curator => "curatore",
                _ => "delegato",
            };
        w.Checkbox(m.Mode != RequestMode.Direct,
            "B2 in qualità di esercente la potestà genitoriale, curatore, tutore, delegato, nei confronti di:" +
            (m.Mode != RequestMode.Direct ? $" ({kind})" : ""));
        var h = m.Holder;
        w.Fields(("Cognome", h.Surname), ("Nome", h.GivenName), ("Cod. Fisc.", h.CodiceFiscale));
        // The state as the registry states it (decision 0037): blank when the holder was born abroad in a state nobody named.
        w.Fields(("Luogo di nascita", h.BirthPlace), ("Provincia", h.BirthProvince), ("Stato", h.BirthCountry));
        w.Fields(("Data di nascita", D(h.BirthDate)), ("Cittadinanza", h.Citizenship), ("Sesso", h.Sex?.ToString()));
        if (m.Special?.EmancipatedMinor == true) w.Checkbox(true, EmancipatedMinorDeclaration);
    }

    public byte[] HealthDelegationRequestForm(ActivationFormModel m)
    {
        using var document = NewDocument("Modulo richiesta PIN e Consenso per delega", m);
        using (var w = new FormWriter(document, Footer(m)))
        {
            var reprint = m.Purpose == "REPRINT";
            Header(w, m, (reprint ? "MODULO RICHIESTA RISTAMPA PIN E CONSENSO PER DELEGA" : "MODULO RICHIESTA PIN E CONSENSO PER DELEGA") +
                "\n(delega per gravi motivi di salute)", null);
            Requester(w, m);
            Holder(w, m);
            var h = m.Holder;
            var d = m.Requester;
            w.Section("DELEGA PER MOTIVI DI SALUTE");
            w.Paragraph($"Il/la titolare {h.Surname} {h.GivenName}, Codice Fiscale {h.CodiceFiscale}, impossibilitato/a a presentarsi " +
                "personalmente allo sportello per motivi di salute per un periodo superiore ai tre mesi, delega il/la Sig./Sig.ra " +
                $"{d.Surname} {d.GivenName}, Codice Fiscale {d.CodiceFiscale}, a richiedere in sua vece " +
                (reprint ? "la ristampa dei codici personali (PIN, PUK e CIP)" : "il rilascio dei codici personali (PIN, PUK e CIP)") +
                $" della propria TS-CNS n° {m.CardNumber} e a ricevere allo sportello la prima parte dei codici.", 9);
            var certificate = m.Special?.MedicalCertificate;
            w.Paragraph("Certificato medico (generico) rilasciato da: " + (certificate?.Doctor ?? "______________________") + ", in data " +
                (certificate is null ? "____/____/________" : D(certificate.IssueDate)) + ".", 9, bold: true);
            w.Checkbox(m.Special?.ImpedimentOverThreeMonths == true, "Impedimento a presentarsi allo sportello di durata superiore ai tre mesi");
            w.Paragraph("Documentazione consegnata dal delegato e ritirata dall'operatore: delega sottoscritta dal delegante, fotocopia di un " +
                "documento di identità valido del delegante, certificato medico o analoga documentazione clinica (generico: senza riferimenti " +
                "alla patologia del titolare).", 8.5);
            if (reprint)
            {
                w.Section("MOTIVO DELLA RISTAMPA");
                w.Paragraph(m.ReasonLabel ?? "", 9, bold: true);
            }
            w.Section("INVIO DELLA SECONDA PARTE DEI CODICI");
            w.Fields(("Numero tessera", m.CardNumber), ("Scadenza", D(m.CardExpiryDate)));
            w.Fields(m.Delivery.Channel == DeliveryChannel.Email ? ("e-mail", m.Delivery.Email) : ("SMS al numero", m.Delivery.Mobile));
            w.Section("CONSENSO AL TRATTAMENTO DEI DATI PERSONALI");
            w.Paragraph(PrivacyConsent, 8, bold: true);
            w.Paragraph(DeclarationPrivacy, 8);
            w.Signatures("Firma del delegante", "Firma del delegato", "Timbro e firma dell'operatore");
        }
        return Save(document);
    }

    private static string Footer(ActivationFormModel m) => $"Cms · sportello {m.CounterCode} · richiesta {m.RequestId}";

    private static PdfDocument NewDocument(string title, ActivationFormModel m) => NewDocument(title, $"Richiesta {m.RequestId}", m.PrintedAt);

    private static PdfDocument NewDocument(string title, string subject, DateTimeOffset printedAt)
    {
        var document = new PdfDocument();
        // PDFsharp's deflate output ends its streams in a way qpdf --check warns about ("input stream is complete but output may
        // still be valid"): the forms are written uncompressed (a few hundred KB at most) so that every PDF checks clean.
        document.Options.NoCompression = true;
        document.Options.CompressContentStreams = false;
        document.Info.Title = title;
        document.Info.Author = "Cms - Card Management System TS-CNS";
        document.Info.Subject = subject;
        document.Info.CreationDate = printedAt.UtcDateTime;
        return document;
    }

    /// <summary>
    /// The document's bytes. Written into a buffer the thread keeps between forms: a form is a few hundred KB, and a new stream
    /// grew through every power of two on the large-object heap for each print — the API's generation-2 collections under the
    /// activations benchmark were mostly these (issue 29). Only the result is allocated per form.
    /// </summary>
    private static byte[] Save(PdfDocument document)
    {
        var stream = saveBuffer ??= new MemoryStream(512 * 1024);
        stream.SetLength(0);
        document.Save(stream, false);
        var bytes = stream.ToArray();
        if (stream.Capacity > 4 * 1024 * 1024) saveBuffer = null; // an unusually long form does not pin its buffer
        return bytes;
    }

    [ThreadStatic]
    private static MemoryStream? saveBuffer;
}
