using Cms.Infrastructure;
using Npgsql;

namespace Cms.Unit.Tests;

/// <summary>Decision 0020: the pool keeps a floor of connections unless the connection string sets its own.</summary>
public sealed class ConnectionPoolTests
{
    [Fact]
    public void The_pool_keeps_its_floor_when_the_connection_string_is_silent()
    {
        var pooled = new NpgsqlConnectionStringBuilder(DependencyInjection.WithPoolDefaults("Host=db;Database=cms;Username=cms"));
        Assert.Equal(DependencyInjection.MinimumPoolSize, pooled.MinPoolSize);
        Assert.Equal("db", pooled.Host);
        Assert.Equal("cms", pooled.Database);
    }

    [Theory]
    [InlineData("Host=db;Minimum Pool Size=0", 0)]
    [InlineData("Host=db;Minimum Pool Size=5", 5)]
    [InlineData("Host=db;minimum pool size=7", 7)]
    [InlineData("Host=db;MinPoolSize=3", 3)]
    public void A_floor_in_the_connection_string_wins(string connectionString, int expected) =>
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(DependencyInjection.WithPoolDefaults(connectionString)).MinPoolSize);

    [Fact]
    public void The_floor_never_exceeds_the_pool_s_maximum()
    {
        var pooled = new NpgsqlConnectionStringBuilder(DependencyInjection.WithPoolDefaults("Host=db;Maximum Pool Size=10"));
        Assert.Equal(10, pooled.MinPoolSize);
    }

    [Fact]
    public void The_application_s_data_source_carries_the_floor()
    {
        using var dataSource = DependencyInjection.DataSource("Host=db;Database=cms;Username=cms");
        Assert.Equal(DependencyInjection.MinimumPoolSize, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MinPoolSize);
    }

    [Theory]
    [InlineData("Host=db", 100)]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;MaxAutoPrepare=7", 7)]
    public void Statements_are_prepared_unless_the_connection_string_says_otherwise(string connectionString, int expected)
    {
        using var dataSource = DependencyInjection.DataSource(connectionString);
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxAutoPrepare);
    }
}
