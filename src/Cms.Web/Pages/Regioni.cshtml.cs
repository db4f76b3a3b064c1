namespace Cms.Web.Pages;

/// <summary>Security administrators: the regions linked for interoperability and the certificates they are recognised by (ModI).</summary>
[Authorize(Roles = "SecurityAdministrator")]
public sealed class RegioniModel(CmsApi api) : PageModel
{
    public sealed class PeerForm
    {
        public string? RegionCode { get; set; }
        public string? Name { get; set; }
        public string? BaseUrl { get; set; }
        public string? Certificates { get; set; }
        public string? CertificateSubject { get; set; }
        public string? PdndClientId { get; set; }
        public bool Enabled { get; set; } = true;
    }

    [BindProperty] public PeerForm Input { get; set; } = new();
    public IReadOnlyList<Peer> Peers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Peers = [.. await api.Client.ListPeersAsync(ct)];

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            await api.Client.RegisterPeerAsync(Input.RegionCode?.Trim() ?? "", new PeerInput
            {
                Name = Input.Name, BaseUrl = Input.BaseUrl?.Trim(), Enabled = Input.Enabled,
                Certificates = string.IsNullOrWhiteSpace(Input.Certificates) ? null : Input.Certificates,
                CertificateSubject = string.IsNullOrWhiteSpace(Input.CertificateSubject) ? null : Input.CertificateSubject.Trim(),
                PdndClientId = string.IsNullOrWhiteSpace(Input.PdndClientId) ? null : Input.PdndClientId.Trim(),
            }, ct);
            TempData["avviso"] = $"Regione {Input.RegionCode} salvata.";
            return Redirect("/regioni");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e, ruleFields: new Dictionary<string, string>
            {
                ["peer-certificate-required"] = "certificates", ["peer-certificate-subject-required"] = "certificateSubject",
            });
            await OnGetAsync(ct);
            return Page();
        }
    }

    /// <summary>Enable or disable: the registration is sent again without the certificates (which are kept).</summary>
    public async Task<IActionResult> OnPostToggleAsync(string region, bool enabled, CancellationToken ct)
    {
        var current = (await api.Client.ListPeersAsync(ct)).FirstOrDefault(p => p.RegionCode == region);
        if (current is null) return Redirect("/regioni");
        await api.Client.RegisterPeerAsync(region, new PeerInput { Name = current.Name, BaseUrl = current.BaseUrl, Enabled = enabled }, ct);
        return Redirect("/regioni");
    }
}
