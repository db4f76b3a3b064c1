using System.Globalization;

namespace Cms.Web.Pages;

/// <summary>Security administrators publish and withdraw the notices operators read at sign-in.</summary>
[Authorize(Roles = "SecurityAdministrator")]
public sealed class AvvisiModel(CmsApi api) : PageModel
{
    public sealed class NoticeForm
    {
        public string? Title { get; set; }
        public string? Body { get; set; }
        public string? VisibleUntil { get; set; }
    }

    [BindProperty] public NoticeForm Input { get; set; } = new();
    public IReadOnlyList<Notice> Notices { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Notices = [.. await api.Client.ListNoticesAsync(all: true, ct)];

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            DateTimeOffset? until = DateOnly.TryParseExact(Input.VisibleUntil, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? new DateTimeOffset(d.ToDateTime(new TimeOnly(23, 59)), TimeSpan.Zero) : null;
            await api.Client.PublishNoticeAsync(new NoticeInput { Title = Input.Title, Body = Input.Body, VisibleUntil = until }, ct);
            return Redirect("/avvisi");
        }
        catch (CmsApiException e) when (e.StatusCode != 401)
        {
            Problems.AddTo(ModelState, e);
            Notices = [.. await api.Client.ListNoticesAsync(all: true, ct)];
            return Page();
        }
    }

    public async Task<IActionResult> OnPostWithdrawAsync(Guid notice, CancellationToken ct)
    {
        await api.Client.WithdrawNoticeAsync(notice, ct);
        return Redirect("/avvisi");
    }
}
