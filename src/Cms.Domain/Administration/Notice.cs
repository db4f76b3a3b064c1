using Cms.Domain.Common;

namespace Cms.Domain.Administration;

/// <summary>A notice (Avviso) published by a security administrator and shown on the operators' welcome page [T 2.1].</summary>
public sealed class Notice
{
    private Notice() { }

    public Notice(Guid id, string title, string body, DateTimeOffset visibleFrom, DateTimeOffset? visibleUntil, Guid authorOperatorId, DateTimeOffset now)
    {
        Id = id;
        Title = title;
        Body = body;
        VisibleFrom = visibleFrom;
        VisibleUntil = visibleUntil;
        AuthorOperatorId = authorOperatorId;
        PublishedAt = now;
    }

    public Guid Id { get; private set; }
    public string Title { get; private set; } = null!;
    public string Body { get; private set; } = null!;
    public DateTimeOffset PublishedAt { get; private set; }
    public DateTimeOffset VisibleFrom { get; private set; }
    public DateTimeOffset? VisibleUntil { get; private set; }
    public DateTimeOffset? WithdrawnAt { get; private set; }
    public Guid AuthorOperatorId { get; private set; }

    public bool IsVisibleAt(DateTimeOffset now) => WithdrawnAt is null && VisibleFrom <= now && (VisibleUntil is null || VisibleUntil > now);

    public void Withdraw(DateTimeOffset now) => WithdrawnAt ??= now;
}
