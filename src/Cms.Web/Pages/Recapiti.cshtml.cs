namespace Cms.Web.Pages;

/// <summary>
/// Security administrators: the addresses approved to receive second halves of holders of different households (decision
/// 0034), shown masked; an approval is granted with its reason and end, and revoked. Each act is in the trail.
/// </summary>
[Authorize(Roles = "SecurityAdministrator")]
public sealed class RecapitiModel(CmsApi api) : PageModel
{
    public sealed class ApprovalForm
    {
        public string? Channel { get; set; } = "EMAIL";
        public string? Address { get; set; }
        public string? HolderCodiceFiscale { get; set; }
        public string? Reason { get; set; }
        public DateOnly? ValidUntil { get; set; }
    }

    public static readonly IReadOnlyList<(string Value, string Label)> Channels = [("EMAIL", "E-mail"), ("SMS", "SMS (cellulare)")];

    [BindProperty] public ApprovalForm Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public bool Tutte { get; set; }
    public IReadOnlyList<RecipientApproval> Approvals { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Approvals = [.. await api.Client.ListRecipientApprovalsAsync(Tutte, ct)];

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            await api.Client.ApproveRecipientAsync(new RecipientApprovalInput
            {
                Channel = Input.Channel == "SMS" ? DeliveryChannel.SMS : DeliveryChannel.EMAIL,
                Address = Input.Address?.Trim(),
                HolderCodiceFiscale = string.IsNullOrWhiteSpace(Input.HolderCodiceFiscale) ? null : Input.HolderCodiceFiscale.Trim().ToUpperInvariant(),
                Reason = Input.Reason,
                // The end of the day chosen (Italian time, near enough: the approval is reviewed by date).
                ValidUntil = Input.ValidUntil is { } until ? new DateTimeOffset(until.ToDateTime(new TimeOnly(23, 59)), TimeSpan.Zero) : null,
            }, ct);
            TempData["avviso"] = "Recapito autorizzato.";
            return Redirect("/recapiti");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: new Dictionary<string, string> { ["recipient-approval-period-invalid"] = "validUntil" });
            await OnGetAsync(ct);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        try
        {
            await api.Client.RevokeRecipientApprovalAsync(id, ct);
            TempData["avviso"] = "Autorizzazione revocata.";
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, prefix: "");
            await OnGetAsync(ct);
            return Page();
        }
        return Redirect("/recapiti");
    }
}
