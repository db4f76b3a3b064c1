using System.Net.Sockets;
using Npgsql;

namespace Cms.Infrastructure.Persistence;

/// <summary>
/// Tells a database that is not there (down, restarting, unreachable, out of connections, failing over) from a fault of ours.
/// A failover (issue 27, decision 0055) shows every one of these in turn: connections refused or cut while the primary is
/// gone, "No suitable host was found" while neither host is a primary yet, 57P01/57P03 while a server stops or starts, and
/// 25006 (read-only transaction) when a connection still reaches the demoted primary, now a standby.
/// </summary>
public static class DatabaseFailures
{
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // 08: connection exception; 57P01-57P04: admin shutdown, crash shutdown, cannot connect now, database dropped.
                case PostgresException p:
                    return p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("57P", StringComparison.Ordinal)
                           || p.SqlState is "53300" or "25006";
                // A second command on a busy connection is a fault of ours, not the database's.
                case NpgsqlOperationInProgressException:
                    return false;
                // Npgsql's own exceptions that are not the server's answer are all about reaching it: a connection refused,
                // cut or timed out, the pool exhausted, no host of a multi-host connection string being the primary
                // ("No suitable host was found", with each host's failure inside or none when every host answered as a standby).
                case NpgsqlException:
                    return true;
                case AggregateException a:
                    return a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsUnavailable);
                case SocketException:
                    return true;
            }
        }
        return false;
    }
}
