using System.Net.Sockets;
using Npgsql;

namespace Cms.Infrastructure.Persistence;

/// <summary>Tells a database that is not there (down, restarting, unreachable, out of connections) from a fault of ours.</summary>
public static class DatabaseFailures
{
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now; 53300: too many connections.
                case PostgresException p when p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("57P", StringComparison.Ordinal)
                                              || p.SqlState == "53300":
                    return true;
                case PostgresException:
                    return false;
                case NpgsqlException n when n.IsTransient || n.InnerException is SocketException or IOException or TimeoutException:
                    return true;
                case SocketException:
                    return true;
            }
        }
        return false;
    }
}
