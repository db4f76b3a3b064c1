namespace Cms.Web.Pages;

public sealed class IndexModel(CmsApi api) : PageModel
{
    public IReadOnlyList<Notice> Notices { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Notices = [.. await api.Client.ListNoticesAsync(cancellationToken: ct)];
}
