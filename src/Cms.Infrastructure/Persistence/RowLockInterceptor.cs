using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Cms.Infrastructure.Persistence;

/// <summary>
/// Turns a query tagged <see cref="Tag"/> into <c>SELECT … FOR UPDATE</c>: the row is read and locked by one statement (one
/// round trip where a lock and a read took two). Only single-table queries by key carry the tag (a locking clause on an outer
/// join's nullable side would be refused by PostgreSQL).
/// </summary>
public sealed class RowLockInterceptor : DbCommandInterceptor
{
    public const string Tag = "cms:for-update";

    private const string Marker = "-- " + Tag;

    public static RowLockInterceptor Instance { get; } = new();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Lock(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Lock(command);
        return ValueTask.FromResult(result);
    }

    private static void Lock(DbCommand command)
    {
        if (IsTagged(command.CommandText)) command.CommandText += " FOR UPDATE";
    }

    /// <summary>
    /// Whether one of the comment lines EF writes before the statement (one per tag, each ended by the platform's newline:
    /// "\n" here, "\r\n" on Windows) is exactly the tag.
    /// </summary>
    public static bool IsTagged(string commandText)
    {
        var rest = commandText.AsSpan();
        while (rest.StartsWith("-- ", StringComparison.Ordinal))
        {
            var end = rest.IndexOf('\n');
            if (end < 0) return false;
            if (rest[..end].TrimEnd('\r').SequenceEqual(Marker)) return true;
            rest = rest[(end + 1)..];
        }
        return false;
    }
}
