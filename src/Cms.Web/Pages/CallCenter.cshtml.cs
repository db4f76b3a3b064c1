namespace Cms.Web.Pages;

/// <summary>
/// The call centre's page [TM 8.2, S 6.2, S 9.5.2; decision 0041]: the holder on the telephone gives codice fiscale and CIP
/// (tries counted with the counter's), then the operator suspends the active card or reactivates the suspended one. The
/// identification's id travels in the form; the API answers only to the operator who made it, for 15 minutes.
/// </summary>
[Authorize(Roles = "CallCentre")]
public sealed class CallCenterModel(CmsApi api) : PageModel
{
    public sealed class IdentificationForm
    {
        public string? CodiceFiscale { get; set; }
        public string? Cip { get; set; }
    }

    /// <summary>What the identification answered, carried by the change form (shown only: the API checks the id).</summary>
    public sealed class IdentifiedCard
    {
        public Guid Id { get; set; }
        public string? CardNumber { get; set; }
        public string? Holder { get; set; }
        public CardState State { get; set; }
        public DateTimeOffset ExpiresAt { get; set; }
    }

    public sealed class ChangeForm
    {
        public string? Reason { get; set; }
        public string? Note { get; set; }
    }

    private static readonly Dictionary<string, string> IdentificationRules = new(StringComparer.Ordinal)
    {
        ["cip-mismatch"] = "cip", ["cip-locked"] = "cip", ["holder-card-not-found"] = "codiceFiscale",
    };

    private static readonly Dictionary<string, string> ChangeRules = new(StringComparer.Ordinal)
    {
        ["reason-note-required"] = "note",
    };

    [BindProperty] public IdentificationForm Input { get; set; } = new();
    [BindProperty] public IdentifiedCard? Identified { get; set; }
    [BindProperty] public ChangeForm Change { get; set; } = new();
    public StateChange? Done { get; private set; }

    public void OnGet() => Identified = null;

    public async Task<IActionResult> OnPostIdentifyAsync(CancellationToken ct)
    {
        Identified = null;
        ModelState.Clear();
        try
        {
            var found = await api.Client.IdentifyCallCentreHolderAsync(new CallCentreIdentificationInput
            {
                CodiceFiscale = Input.CodiceFiscale?.Trim().ToUpperInvariant(), Cip = Input.Cip?.Trim(),
            }, ct);
            Identified = new IdentifiedCard
            {
                Id = found.Id, CardNumber = found.CardNumber, Holder = $"{found.HolderSurname} {found.HolderGivenName}", State = found.CardState,
                ExpiresAt = found.ExpiresAt,
            };
            Input = new IdentificationForm();
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: IdentificationRules);
        }
        Input.Cip = null; // never drawn again
        return Page();
    }

    public Task<IActionResult> OnPostSuspendAsync(CancellationToken ct) =>
        ChangeAsync(id => api.Client.SuspendIdentifiedCardAsync(id, new CallCentreSuspensionInput
        {
            Reason = PersonPresentForm.Parse<SuspensionReason>(Change.Reason), Note = Labels.Blank(Change.Note),
        }, ct));

    public Task<IActionResult> OnPostReactivateAsync(CancellationToken ct) =>
        ChangeAsync(id => api.Client.ReactivateIdentifiedCardAsync(id, new CallCentreReactivationInput { Note = Labels.Blank(Change.Note) }, ct));

    private async Task<IActionResult> ChangeAsync(Func<Guid, Task<StateChange>> call)
    {
        ModelState.Clear();
        if (Identified is null) return Redirect("/call-center");
        try
        {
            Done = await call(Identified.Id);
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            // An identification that expired or is not this operator's: identify the holder again.
            if (Problems.Rule(e) is "call-centre-identification-expired" or "call-centre-identification-not-found") Identified = null;
            Problems.AddTo(ModelState, e, prefix: "Change", ruleFields: ChangeRules);
        }
        return Page();
    }
}
