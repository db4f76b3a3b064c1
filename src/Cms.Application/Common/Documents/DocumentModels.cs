using Cms.Application.Requests;
using Cms.Domain.Requests;

namespace Cms.Application.Common.Documents;

/// <summary>A generated PDF.</summary>
public sealed record RenderedDocument(string FileName, byte[] Content)
{
    public const string ContentType = "application/pdf";
}

/// <summary>A person as a form prints them; what is null is left blank.</summary>
/// <param name="BirthCountry">
/// The state of birth as stated by <see cref="Cms.Domain.Identification.StateOfBirth.Stated"/> (decision 0037): null leaves it blank — a
/// form never guesses it.
/// </param>
public sealed record PersonOnForm(
    string Surname, string GivenName, string CodiceFiscale, string? BirthPlace = null, string? BirthProvince = null,
    DateOnly? BirthDate = null, string? Citizenship = null, char? Sex = null, string? Address = null, string? Postcode = null,
    string? Municipality = null, string? Province = null, string? BirthCountry = null)
{
    /// <summary>
    /// The place of birth with its state when that is not Italy (<c>BUCAREST (ROMANIA)</c>), for the forms that print one "nato/a"
    /// line; the place alone when the state is Italy or not known.
    /// </summary>
    public string? BirthPlaceWithState => BirthPlace is null || BirthCountry is null || BirthCountry == Cms.Domain.Identification.StateOfBirth.Italy
        || string.Equals(BirthPlace, BirthCountry, StringComparison.OrdinalIgnoreCase)
        ? BirthPlace
        : $"{BirthPlace} ({BirthCountry})";
}

/// <summary>Everything the activation forms print: counter, request id, date and time, the people and the first halves.</summary>
public sealed record ActivationFormModel(
    string CounterCode, string CounterName, Guid RequestId, DateTimeOffset PrintedAt, string CardNumber, DateOnly CardExpiryDate,
    PersonOnForm Holder, PersonOnForm Requester, RequestMode Mode, DelegationKind? DelegationKind, IdentityDocument Document,
    DeliveryAddress Delivery, bool Activated, CodeParts? FirstHalves, string Purpose = "ACTIVATION", string? ReasonLabel = null,
    SpecialCases? Special = null);

/// <summary>The card number, its holder as printed, the counter and the moment: what every form of a request starts from.</summary>
public sealed record FormBasics(
    string CounterCode, string CounterName, string RegionName, DateTimeOffset PrintedAt, string CardNumber, PersonOnForm Holder);

/// <summary>
/// Modulo di richiesta revoca del certificato di autenticazione [T 2.5.1, 2.5.2]: the direct and the delegated wording. CipNote: why
/// the CIP was not verified (a card never activated, decision 0040), printed on the form.
/// </summary>
public sealed record RevocationFormModel(
    FormBasics Basics, Guid RequestId, PersonOnForm? Delegate, RequestMode Mode, DelegationKind? DelegationKind, IdentityDocument Document,
    string ReasonLabel, string? EvidenceText, string? CipNote = null);

/// <summary>
/// Modulo di richiesta del certificato di firma digitale [S 7, S 9.3.2 point 8]: the holder, present in person with the document, asks
/// the certification authority (named by the region's settings) for the certificate; the operator signs as its registration officer.
/// </summary>
public sealed record SignatureFormModel(FormBasics Basics, Guid RequestId, IdentityDocument Document, string CertificationAuthority);

/// <summary>Modulo di richiesta e consegna lettore smart-card [T 2.6].</summary>
public sealed record ReaderFormModel(FormBasics Basics, Guid RequestId, int HolderReaders, int HouseholdReaders, string? OverrideReason);

/// <summary>One line of the consents as printed: the question and the answer chosen.</summary>
public sealed record ConsentLine(string Title, IReadOnlyList<(string Text, bool Chosen)> Options, string? Note = null);

/// <summary>Dichiarazione consensi [T 2.2.1, 2.3]: the holder, the person present and every consent as chosen.</summary>
/// <param name="HealthRecordReference">
/// "ID creazione fascicolo" of the combined print [T 2.2.1]: the consents' version id, the reference the FSE receives; null until confirmed.
/// </param>
public sealed record ConsentFormModel(
    FormBasics Basics, Guid RequestId, PersonOnForm Requester, RequestMode Mode, IdentityDocument Document, string PolicyLabel,
    IReadOnlyList<ConsentLine> Lines, string? OutcomeText, Guid? HealthRecordReference = null);

/// <summary>A report to print: header lines (operator, period, generation date…), then the table.</summary>
public sealed record TableReportModel(string Title, IReadOnlyList<(string Label, string Value)> Header, IReadOnlyList<string> Columns,
    IReadOnlyList<double> ColumnWeights, IReadOnlyList<IReadOnlyList<string>> Rows, DateTimeOffset GeneratedAt);

/// <summary>Riepilogo codici of a card the citizen activated themselves [C]: the protocol number and the whole codes.</summary>
public sealed record CitizenRenewalModel(
    string RegionName, string Protocol, DateTimeOffset ActivatedAt, PersonOnForm Holder, string CardNumber, DateOnly CardExpiryDate,
    Cms.Application.Common.Abstractions.CardCodes Codes);

// The printed forms, one interface for each module (or family of modules) that prints them, so that a handler is given only
// the forms it prints; PDFsharp's PdfFormRenderer in the infrastructure implements them all (decision 0053).

/// <summary>The forms of a request that releases codes: the activation's, and the reprint's and the interop's that print the same.</summary>
public interface ICodeReleaseForms
{
    /// <summary>Modulo di richiesta codici personali, two copies (holder's and office's).</summary>
    byte[] ActivationRequestForm(ActivationFormModel model);
    /// <summary>Codici personali: the first halves, with the warnings [T 2.2.1].</summary>
    byte[] PersonalCodes(ActivationFormModel model);
    /// <summary>Dichiarazione sostitutiva di certificazione (artt. 46 e 48 d.p.r. 445/2000), pre-filled.</summary>
    byte[] SubstituteDeclaration(ActivationFormModel model);
    /// <summary>Modulo richiesta PIN e Consenso per delega [M 2.4.2]: the delegation for health reasons, with the medical certificate [S 6.4.4].</summary>
    byte[] HealthDelegationRequestForm(ActivationFormModel model);
}

/// <summary>The revocation's form (printed by the revocation and by the interop revocation).</summary>
public interface IRevocationForms
{
    /// <summary>Modulo di richiesta revoca del certificato di autenticazione.</summary>
    byte[] RevocationRequestForm(RevocationFormModel model);
}

/// <summary>The reader delivery's form.</summary>
public interface IReaderForms
{
    /// <summary>Modulo di richiesta e consegna lettore smart-card.</summary>
    byte[] ReaderDeliveryForm(ReaderFormModel model);
}

/// <summary>The digital-signature certificate's form.</summary>
public interface ISignatureForms
{
    /// <summary>Modulo di richiesta del certificato di firma digitale.</summary>
    byte[] SignatureRequestForm(SignatureFormModel model);
}

/// <summary>The FSE consents' forms.</summary>
public interface IConsentForms
{
    /// <summary>Dichiarazione consensi FSE.</summary>
    byte[] ConsentDeclaration(ConsentFormModel model);
    /// <summary>Attivazione e consensi: the activation summary with the first halves, then the consents [T 2.2.1].</summary>
    byte[] ActivationAndConsents(ActivationFormModel activation, ConsentFormModel consents);
}

/// <summary>The citizen's print.</summary>
public interface ICitizenForms
{
    /// <summary>Riepilogo codici of the citizen's own activation of a renewed card [C].</summary>
    byte[] CitizenRenewalSummary(CitizenRenewalModel model);
}

/// <summary>The printed reports.</summary>
public interface IReportRenderer
{
    /// <summary>A printed report (Reportistica [M 2.7, T 2.8]): a title, the header lines, a table.</summary>
    byte[] TableReport(TableReportModel report);
}

/// <summary>The Modulistica's blank forms.</summary>
public interface IBlankFormRenderer
{
    /// <summary>A blank form of the Modulistica [T 2.9]: see <see cref="BlankForms"/>.</summary>
    byte[] BlankForm(string name, BlankFormModel model);
}

/// <summary>What a blank form prints besides its text: the counter and the moment.</summary>
public sealed record BlankFormModel(string? CounterCode, string? CounterName, string RegionName, DateTimeOffset PrintedAt);

public sealed record BlankFormInfo(string Name, string Title);

/// <summary>The blank forms of the Modulistica [T 2.9, SPEC §3.13].</summary>
public static class BlankForms
{
    public const string SubstituteDeclaration = "dichiarazione-sostitutiva";
    public const string Delegation = "modello-delega";
    public const string PrivacyNotice = "informativa-privacy";

    public static readonly IReadOnlyList<BlankFormInfo> All =
    [
        new(SubstituteDeclaration, "Dichiarazione sostitutiva di certificazione (potestà genitoriale, tutela, curatela)"),
        new(Delegation, "Modello di delega TS-CNS (delega per gravi motivi di salute)"),
        new(PrivacyNotice, "Informativa sul trattamento dei dati personali"),
    ];
}
