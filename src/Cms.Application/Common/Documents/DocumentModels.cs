using Cms.Application.Common.Requests;
using Cms.Domain.Requests;

namespace Cms.Application.Common.Documents;

/// <summary>A generated PDF.</summary>
public sealed record RenderedDocument(string FileName, byte[] Content)
{
    public const string ContentType = "application/pdf";
}

public sealed record PersonOnForm(
    string Surname, string GivenName, string CodiceFiscale, string? BirthPlace = null, string? BirthProvince = null,
    DateOnly? BirthDate = null, string? Citizenship = null, char? Sex = null, string? Address = null, string? Postcode = null,
    string? Municipality = null, string? Province = null);

/// <summary>Everything the activation forms print: counter, request id, date and time, the people and the first halves.</summary>
public sealed record ActivationFormModel(
    string CounterCode, string CounterName, Guid RequestId, DateTimeOffset PrintedAt, string CardNumber, DateOnly CardExpiryDate,
    PersonOnForm Holder, PersonOnForm Requester, RequestMode Mode, DelegationKind? DelegationKind, IdentityDocument Document,
    DeliveryAddress Delivery, bool Activated, CodeParts? FirstHalves, string Purpose = "ACTIVATION", string? ReasonLabel = null);

/// <summary>Renders the printed forms (PDFsharp in the infrastructure).</summary>
public interface IFormRenderer
{
    /// <summary>Modulo di richiesta codici personali, two copies (holder's and office's).</summary>
    byte[] ActivationRequestForm(ActivationFormModel model);
    /// <summary>Codici personali: the first halves, with the warnings [T 2.2.1].</summary>
    byte[] PersonalCodes(ActivationFormModel model);
    /// <summary>Dichiarazione sostitutiva di certificazione (artt. 46 e 48 d.p.r. 445/2000), pre-filled.</summary>
    byte[] SubstituteDeclaration(ActivationFormModel model);

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
