using Cms.Infrastructure.Persistence;
using Npgsql;

namespace Cms.Unit.Tests;

/// <summary>
/// Decision 0056: an error raised on the auditors' replica that the primary would not give (a conflict with recovery, a replica
/// behind a migration or a grant, the replica unreachable) sends the read to the primary instead of a 500; a data error the
/// primary would give too is the caller's; a command timeout reruns on the primary without marking the replica down for long.
/// </summary>
public sealed class ReplicaFailuresTests
{
    private static PostgresException Postgres(string sqlState) => new("replica test", "ERROR", "ERROR", sqlState);

    [Theory]
    [InlineData("40001")] // canceling statement due to conflict with recovery
    [InlineData("42P01")] // undefined table: the replica behind a migration
    [InlineData("42703")] // undefined column
    [InlineData("42501")] // insufficient privilege: a grant not replayed yet
    [InlineData("57P01")] // admin shutdown
    [InlineData("53300")] // too many connections
    [InlineData("XX000")]
    public void An_error_of_the_replica_marks_it_down(string sqlState)
    {
        Assert.Equal(ReplicaFailure.Down, ReplicaFailures.Classify(Postgres(sqlState)));
        Assert.Equal(ReplicaFailure.Down, ReplicaFailures.Classify(new InvalidOperationException("wrapped", Postgres(sqlState))));
    }

    [Theory]
    [InlineData("22P02")] // invalid text representation
    [InlineData("22003")] // numeric out of range
    [InlineData("23505")] // unique violation
    public void A_data_error_is_not_the_replica_s(string sqlState) =>
        Assert.Equal(ReplicaFailure.None, ReplicaFailures.Classify(Postgres(sqlState)));

    [Fact]
    public void A_command_timeout_reruns_without_marking_the_replica_down()
    {
        Assert.Equal(ReplicaFailure.Slow, ReplicaFailures.Classify(new NpgsqlException("Exception while reading from stream", new TimeoutException())));
        Assert.Equal(ReplicaFailure.Slow, ReplicaFailures.Classify(Postgres("57014")));
    }

    [Fact]
    public void A_lost_connection_marks_it_down_and_a_bug_of_ours_does_not()
    {
        Assert.Equal(ReplicaFailure.Down, ReplicaFailures.Classify(new NpgsqlException("Exception while reading from stream", new System.IO.EndOfStreamException())));
        Assert.Equal(ReplicaFailure.None, ReplicaFailures.Classify(new InvalidOperationException("Sequence contains no elements")));
    }
}
