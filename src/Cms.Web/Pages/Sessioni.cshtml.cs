namespace Cms.Web.Pages;

/// <summary>The operator's live sessions (on this and other desks), each of which can be ended here.</summary>
[Authorize]
public sealed class SessioniModel(CmsApi api) : PageModel
{
    public IReadOnlyList<Session> Sessions { get; private set; } = [];
    public bool Ended { get; private set; }

    public async Task OnGetAsync(bool terminata, CancellationToken ct)
    {
        Ended = terminata;
        Sessions = [.. await api.Client.ListSessionsAsync(ct)];
    }

    public async Task<IActionResult> OnPostEndAsync(Guid session, CancellationToken ct)
    {
        try
        {
            await api.Client.EndSessionAsync(session, ct);
        }
        catch (CmsApiException e) when (e.StatusCode == 404)
        {
            // Already ended (on another desk, or by its timeout): the list below says the rest.
        }
        return Redirect("/sessioni?terminata=true");
    }
}
