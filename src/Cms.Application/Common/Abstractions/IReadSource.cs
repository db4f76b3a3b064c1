namespace Cms.Application.Common.Abstractions;

/// <summary>
/// Where the auditors' reads run (decision 0056): on the hot standby of <c>ConnectionStrings:CmsReadOnly</c> when it is set,
/// reachable and either caught up with the primary or no further behind than <c>Database:ReadOnlyMaxLagSeconds</c> with its WAL
/// receiver streaming; on the primary otherwise. Only reads go there:
/// the use case's own trail entry ("auditor X read Y") is written on the primary by the usual unit of work.
/// </summary>
public interface IReadSource
{
    /// <summary>
    /// Runs <paramref name="read"/> on the replica when it is usable, else on the primary; a replica that fails during the
    /// read (connection lost, a timeout, an error the primary would not give such as a conflict with recovery or a table not
    /// replayed yet — not a data error) is marked down and the read runs again on the primary. <paramref name="useCase"/> tags the metric.
    /// </summary>
    Task<T> ReadAsync<T>(string useCase, Func<ICmsDbContext, CancellationToken, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>
    /// The context to read from for the rest of the request (a stream read after the handler returns): the replica's (no
    /// tracking, disposed with the request) when it is usable, else the primary's.
    /// </summary>
    ValueTask<ICmsDbContext> ContextAsync(string useCase, CancellationToken cancellationToken);
}
