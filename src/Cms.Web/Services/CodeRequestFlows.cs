namespace Cms.Web.Services;

/// <summary>A code-releasing request as the pages show it, whichever operation it is.</summary>
public sealed record CodeRequestView(
    Guid Id, RequestStatus Status, string CardNumber, DateOnly CardExpiryDate, Holder Holder, RequestMode Mode,
    DelegationKind? DelegationKind, DelegatePerson? Delegate, Document Document, CodeDelivery Delivery, bool PrivacyConsent,
    bool HealthDocuments, string? Reason, string? ReasonLabel, string? ReasonNote, DateTimeOffset ExpiresAt,
    IReadOnlyList<string> Documents, IReadOnlyList<string> Warnings, bool RecipientProofRequired, DateTimeOffset? CodesPrintedAt = null,
    string? OutsideHealthAuthorityReason = null, IReadOnlyList<string>? FormsPrinted = null, SpecialCases? SpecialCases = null);

/// <summary>What the confirm hands out once: the first halves, the prints and any notes.</summary>
public sealed record CodeRequestOutcome(CodeParts FirstHalves, IReadOnlyList<string> Documents, IReadOnlyList<string> Notes);

/// <summary>The API calls and the words of one code-releasing operation; the pages under /{slug}/ are shared.</summary>
public abstract class CodeRequestFlow
{
    public abstract string Slug { get; }
    public abstract string Title { get; }
    public abstract CardOperation Operation { get; }
    public abstract string StartLabel { get; }
    public abstract string ConfirmLabel { get; }
    public abstract string OutcomeTitle { get; }
    public abstract string Done(string cardNumber);
    public virtual bool HasReason => false;

    public abstract Task<Guid> CreateAsync(ICmsClient api, string cardNumber, CodeRequestForm form, CancellationToken ct);
    public abstract Task<CodeRequestView> GetAsync(ICmsClient api, Guid id, CancellationToken ct);
    public abstract Task UpdateAsync(ICmsClient api, Guid id, CodeRequestForm form, CancellationToken ct);
    public abstract Task<CodeRequestOutcome> ConfirmAsync(ICmsClient api, Guid id, string? recipientProof, bool formPrintedAndSigned, CancellationToken ct);
    public abstract Task<RecipientProofSent> SendRecipientProofAsync(ICmsClient api, Guid id, CancellationToken ct);
    public abstract Task CancelAsync(ICmsClient api, Guid id, CancellationToken ct);
    public abstract Task<FileResponse> DocumentAsync(ICmsClient api, Guid id, string name, CancellationToken ct);

    public static readonly IReadOnlyDictionary<string, CodeRequestFlow> BySlug =
        new CodeRequestFlow[] { new ActivationFlow(), new ReprintFlow() }.ToDictionary(f => f.Slug, StringComparer.Ordinal);
}

public sealed class ActivationFlow : CodeRequestFlow
{
    public override string Slug => "attivazione";
    public override string Title => "Attivazione";
    public override CardOperation Operation => CardOperation.ACTIVATION;
    public override string StartLabel => "Procedi con l'attivazione";
    public override string ConfirmLabel => "Conferma l'attivazione";
    public override string OutcomeTitle => "Esito dell'attivazione";
    public override string Done(string cardNumber) => $"Operazione effettuata correttamente. La tessera {cardNumber} è attiva.";

    public override async Task<Guid> CreateAsync(ICmsClient api, string cardNumber, CodeRequestForm f, CancellationToken ct) =>
        (await api.CreateActivationAsync(new ActivationRequestInput
        {
            CardNumber = cardNumber, Mode = f.ParsedMode, DelegationKind = f.ParsedDelegationKind, Delegate = f.DelegatePersonInput, DelegateCard = f.DelegateCardInput,
            Document = f.DocumentInput, Delivery = f.Delivery.ToInput(), PrivacyConsent = f.PrivacyConsent,
            HealthDelegationDocumentsReceived = f.HealthDocuments, SpecialCases = f.SpecialCasesInput,
        }, ct)).Id;

    public override async Task<CodeRequestView> GetAsync(ICmsClient api, Guid id, CancellationToken ct)
    {
        var r = await api.GetActivationAsync(id, ct);
        var s = r.Summary;
        return new CodeRequestView(r.Id, r.Status, s.CardNumber, s.CardExpiryDate, s.Holder, s.Mode, s.DelegationKind, s.Delegate, s.Document,
            s.Delivery, s.PrivacyConsent, s.HealthDelegationDocumentsReceived, null, null, null, s.ExpiresAt, [.. s.Documents], [],
            r.RecipientProofRequired, s.CodesPrintedAt, null, [.. s.FormsPrinted ?? []], s.SpecialCases);
    }

    public override Task UpdateAsync(ICmsClient api, Guid id, CodeRequestForm f, CancellationToken ct) =>
        api.UpdateActivationAsync(id, new ActivationRequestUpdate
        {
            Mode = f.ParsedMode, DelegationKind = f.ParsedDelegationKind, Delegate = f.DelegatePersonInput, DelegateCard = f.DelegateCardInput, Document = f.DocumentInput,
            Delivery = f.Delivery.ToInput(), PrivacyConsent = f.PrivacyConsent, HealthDelegationDocumentsReceived = f.HealthDocuments,
            SpecialCases = f.SpecialCasesInput,
        }, ct);

    public override async Task<CodeRequestOutcome> ConfirmAsync(ICmsClient api, Guid id, string? recipientProof, bool formPrintedAndSigned, CancellationToken ct)
    {
        var c = await api.ConfirmActivationAsync(id, new CodeReleaseConfirmationInput { RecipientProof = recipientProof, FormPrintedAndSigned = formPrintedAndSigned }, ct);
        return new CodeRequestOutcome(c.FirstHalves, [.. c.Documents], [.. c.Notes]);
    }

    public override Task<RecipientProofSent> SendRecipientProofAsync(ICmsClient api, Guid id, CancellationToken ct) =>
        api.SendActivationRecipientProofAsync(id, ct);

    public override Task CancelAsync(ICmsClient api, Guid id, CancellationToken ct) => api.CancelActivationAsync(id, ct);

    public override Task<FileResponse> DocumentAsync(ICmsClient api, Guid id, string name, CancellationToken ct) =>
        api.GetActivationDocumentAsync(id, name, ct);
}

public sealed class ReprintFlow : CodeRequestFlow
{
    public override string Slug => "ristampa";
    public override string Title => "Ristampa PIN/PUK";
    public override CardOperation Operation => CardOperation.REPRINT;
    public override string StartLabel => "Procedi con la ristampa";
    public override string ConfirmLabel => "Conferma la ristampa";
    public override string OutcomeTitle => "Esito della ristampa PIN/PUK";
    public override string Done(string cardNumber) => $"Operazione effettuata correttamente. I nuovi codici della tessera {cardNumber} sono stati emessi.";
    public override bool HasReason => true;

    public override async Task<Guid> CreateAsync(ICmsClient api, string cardNumber, CodeRequestForm f, CancellationToken ct) =>
        (await api.CreateReprintAsync(new ReprintRequestInput
        {
            CardNumber = cardNumber, Mode = f.ParsedMode, DelegationKind = f.ParsedDelegationKind, Delegate = f.DelegatePersonInput, DelegateCard = f.DelegateCardInput,
            Document = f.DocumentInput, Delivery = f.Delivery.ToInput(), PrivacyConsent = f.PrivacyConsent,
            HealthDelegationDocumentsReceived = f.HealthDocuments, Reason = PersonPresentForm.Parse<ReprintReason>(f.Reason),
            ReasonNote = string.IsNullOrWhiteSpace(f.ReasonNote) ? null : f.ReasonNote,
            OutsideHealthAuthorityReason = string.IsNullOrWhiteSpace(f.OutsideHealthAuthorityReason) ? null : f.OutsideHealthAuthorityReason,
            SpecialCases = f.SpecialCasesInput,
        }, ct)).Id;

    public override async Task<CodeRequestView> GetAsync(ICmsClient api, Guid id, CancellationToken ct)
    {
        var r = await api.GetReprintAsync(id, ct);
        var s = r.Summary;
        return new CodeRequestView(r.Id, r.Status, s.CardNumber, s.CardExpiryDate, s.Holder, s.Mode, s.DelegationKind, s.Delegate, s.Document,
            s.Delivery, s.PrivacyConsent, false, s.Reason.ToString(), s.ReasonLabel, s.ReasonNote, s.ExpiresAt, [.. s.Documents], [.. s.Warnings],
            r.RecipientProofRequired, s.CodesPrintedAt, s.OutsideHealthAuthorityReason, [.. s.FormsPrinted ?? []], s.SpecialCases);
    }

    public override Task UpdateAsync(ICmsClient api, Guid id, CodeRequestForm f, CancellationToken ct) =>
        api.UpdateReprintAsync(id, new ReprintRequestUpdate
        {
            Mode = f.ParsedMode, DelegationKind = f.ParsedDelegationKind, Delegate = f.DelegatePersonInput, DelegateCard = f.DelegateCardInput, Document = f.DocumentInput,
            Delivery = f.Delivery.ToInput(), PrivacyConsent = f.PrivacyConsent, HealthDelegationDocumentsReceived = f.HealthDocuments,
            Reason = PersonPresentForm.Parse<ReprintReason>(f.Reason), ReasonNote = string.IsNullOrWhiteSpace(f.ReasonNote) ? null : f.ReasonNote,
            OutsideHealthAuthorityReason = string.IsNullOrWhiteSpace(f.OutsideHealthAuthorityReason) ? null : f.OutsideHealthAuthorityReason,
            SpecialCases = f.SpecialCasesInput,
        }, ct);

    public override async Task<CodeRequestOutcome> ConfirmAsync(ICmsClient api, Guid id, string? recipientProof, bool formPrintedAndSigned, CancellationToken ct)
    {
        var c = await api.ConfirmReprintAsync(id, new CodeReleaseConfirmationInput { RecipientProof = recipientProof, FormPrintedAndSigned = formPrintedAndSigned }, ct);
        return new CodeRequestOutcome(c.FirstHalves, [.. c.Documents], [.. c.Warnings]);
    }

    public override Task<RecipientProofSent> SendRecipientProofAsync(ICmsClient api, Guid id, CancellationToken ct) =>
        api.SendReprintRecipientProofAsync(id, ct);

    public override Task CancelAsync(ICmsClient api, Guid id, CancellationToken ct) => api.CancelReprintAsync(id, ct);

    public override Task<FileResponse> DocumentAsync(ICmsClient api, Guid id, string name, CancellationToken ct) =>
        api.GetReprintDocumentAsync(id, name, ct);
}
