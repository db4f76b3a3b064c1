using System.Net.Sockets;
using Cms.Infrastructure;
using Cms.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cms.Unit.Tests;

/// <summary>
/// Decision 0055: what a PostgreSQL failover throws at Cms is "the database is unavailable" (503 service-unavailable with
/// Retry-After), never a fault of ours (500). The connection failures are Npgsql's own, raised against closed local ports.
/// </summary>
public sealed class DatabaseFailuresTests
{
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port; // closed again when disposed
    }

    private static async Task<Exception> OpenFailsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync());
    }

    [Fact]
    public async Task A_refused_connection_is_unavailability()
    {
        var e = await OpenFailsAsync($"Host=127.0.0.1;Port={ClosedPort()};Username=cms;Password=x;Timeout=2;Pooling=false");
        Assert.True(DatabaseFailures.IsUnavailable(e), e.ToString());
    }

    [Fact]
    public async Task No_suitable_host_of_a_multi_host_connection_string_is_unavailability()
    {
        var e = await OpenFailsAsync($"Host=127.0.0.1:{ClosedPort()},127.0.0.1:{ClosedPort()};Username=cms;Password=x;Timeout=2;"
            + "Target Session Attributes=primary");
        Assert.Contains("suitable host", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(DatabaseFailures.IsUnavailable(e), e.ToString());
    }

    [Fact]
    public void No_suitable_host_when_every_host_answered_as_a_standby_is_unavailability() =>
        // Npgsql's own message when each host answered but none was the primary (no inner failure to look at).
        Assert.True(DatabaseFailures.IsUnavailable(new NpgsqlException("No suitable host was found.")));

    [Theory]
    [InlineData("57P01")] // admin_shutdown: Patroni stops or demotes the server
    [InlineData("57P02")] // crash_shutdown
    [InlineData("57P03")] // cannot_connect_now: the server is starting or in recovery
    [InlineData("08006")] // connection_failure
    [InlineData("53300")] // too_many_connections
    [InlineData("25006")] // read_only_sql_transaction: the demoted primary still answers, now a standby
    public void The_server_s_answers_of_a_failover_are_unavailability(string sqlState) =>
        Assert.True(DatabaseFailures.IsUnavailable(Postgres(sqlState)));

    [Theory]
    [InlineData("23505")] // unique_violation
    [InlineData("42P01")] // undefined_table
    [InlineData("40001")] // serialization_failure
    [InlineData("22P02")] // invalid_text_representation
    public void Other_answers_of_the_server_are_not(string sqlState) =>
        Assert.False(DatabaseFailures.IsUnavailable(Postgres(sqlState)));

    [Fact]
    public void Wrapped_by_EF_the_failover_is_still_recognised()
    {
        var inner = new NpgsqlException("Exception while reading from stream", new EndOfStreamException());
        Assert.True(DatabaseFailures.IsUnavailable(new DbUpdateException("An error occurred while saving the entity changes.", inner)));
        Assert.True(DatabaseFailures.IsUnavailable(new InvalidOperationException("transient", Postgres("25006"))));
        Assert.True(DatabaseFailures.IsUnavailable(new AggregateException(new SocketException(111), Postgres("57P03"))));
    }

    [Fact]
    public void Faults_of_ours_are_not()
    {
        Assert.False(DatabaseFailures.IsUnavailable(new InvalidOperationException("bug")));
        Assert.False(DatabaseFailures.IsUnavailable(new DbUpdateException("conflict", Postgres("23505"))));
        Assert.False(DatabaseFailures.IsUnavailable(new AggregateException(new SocketException(111), new InvalidOperationException("bug"))));
    }

    [Theory]
    [InlineData("Host=a,b;Database=cms", 1)]
    [InlineData("Host=127.0.0.1:5432,127.0.0.1:5433;Database=cms;Target Session Attributes=primary", 1)]
    [InlineData("Host=a,b;Host Recheck Seconds=7", 7)]
    [InlineData("Host=a,b;HostRecheckSeconds=0", 0)]
    [InlineData("Host=a;Database=cms", 10)] // one host: Npgsql's default, which then matters not
    public void Several_hosts_are_rechecked_every_second_unless_the_connection_string_says_otherwise(string connectionString, int expected)
    {
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(DependencyInjection.WithPoolDefaults(connectionString)).HostRecheckSeconds);
        using var dataSource = DependencyInjection.DataSource(connectionString);
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).HostRecheckSeconds);
    }

    [Theory]
    [InlineData("Host=a,b;Database=cms", "primary")]
    [InlineData("Host=a,b;Target Session Attributes=prefer-standby", "prefer-standby")]
    [InlineData("Host=a;Database=cms", null)] // one host: nothing to choose
    public void Several_hosts_target_the_primary_unless_the_connection_string_says_otherwise(string connectionString, string? expected)
    {
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(DependencyInjection.WithPoolDefaults(connectionString)).TargetSessionAttributes);
    }

    private static PostgresException Postgres(string sqlState) => new("failure", "FATAL", "FATAL", sqlState);
}
