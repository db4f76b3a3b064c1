using Cms.Infrastructure.Persistence;
using Npgsql;

namespace Cms.Unit.Tests;

/// <summary>Which statements the interceptor turns into SELECT … FOR UPDATE: those EF tagged for it, whatever the newline.</summary>
public sealed class RowLockInterceptorTests
{
    private const string Select = "SELECT c.id FROM identification.cards AS c WHERE c.card_number = @n\nLIMIT 2";

    [Theory]
    [InlineData("-- cms:for-update\n" + Select)]
    [InlineData("-- cms:for-update\r\n" + Select)]
    [InlineData("-- another tag\n-- cms:for-update\n" + Select)]
    [InlineData("-- another tag\r\n-- cms:for-update\r\n" + Select)]
    public async Task A_tagged_query_is_sent_with_for_update(string text)
    {
        await using var command = new NpgsqlCommand(text);
        await RowLockInterceptor.Instance.ReaderExecutingAsync(command, null!, default);
        Assert.EndsWith("LIMIT 2 FOR UPDATE", command.CommandText);
    }

    [Theory]
    [InlineData(Select)]
    [InlineData("-- cms:for-update-later\n" + Select)]
    [InlineData("-- another tag\n" + Select)]
    [InlineData("-- cms:for-update")]
    [InlineData("SELECT 1 -- cms:for-update\n")]
    public async Task Any_other_query_is_sent_as_it_is(string text)
    {
        await using var command = new NpgsqlCommand(text);
        await RowLockInterceptor.Instance.ReaderExecutingAsync(command, null!, default);
        Assert.Equal(text, command.CommandText);
    }
}
