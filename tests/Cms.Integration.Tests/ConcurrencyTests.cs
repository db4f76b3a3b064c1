using System.Net;
using System.Net.Http.Json;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Integration.Tests;

/// <summary>
/// Issue 10, concurrency: fifty simultaneous confirms for one card release its codes once; a thousand retries with one
/// idempotency key have one effect. Figures in docs/reliability.md.
/// </summary>
public class ConcurrencyTests(CmsFactory factory) : ApiTest(factory)
{
    private const string Number = "80380000900000055501";

    private static object Direct(string number) => new
    {
        cardNumber = number, mode = "DIRECT",
        document = new { type = "CARTA_IDENTITA", number = "CA12345AB", issuedBy = "Comune di Firenze", issueDate = Iso(Today.AddYears(-2)), expiryDate = Iso(Today.AddYears(8)) },
        delivery = new { channel = "EMAIL", email = "titolare@example.it", emailConfirmation = "titolare@example.it" },
        privacyConsent = true,
    };

    [Fact]
    public async Task A_row_read_for_update_stays_locked_until_the_commands_transaction_ends()
    {
        const string number = "80380000900000055502";
        await FeedAsync(Card(number));
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Cms.Infrastructure.Persistence.CmsDbContext>();
        await db.BeginAsync(CancellationToken.None);
        var card = await db.ForUpdate<Cms.Domain.Identification.Card>(c => c.CardNumber == number).SingleAsync();
        Assert.Equal(number, card.CardNumber.Trim());
        // Another session cannot take the row while the transaction holds it (55P03: lock_not_available) ...
        async Task<string?> TryLockAsync()
        {
            await using var other = new Npgsql.NpgsqlConnection(Factory.ConnectionString);
            await other.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT 1 FROM identification.cards WHERE card_number = @n FOR UPDATE NOWAIT", other);
            command.Parameters.AddWithValue("n", number);
            try
            {
                await command.ExecuteScalarAsync();
                return null;
            }
            catch (Npgsql.PostgresException ex)
            {
                return ex.SqlState;
            }
        }
        Assert.Equal("55P03", await TryLockAsync());
        // ... and takes it once the transaction is over.
        await db.RollbackAsync(CancellationToken.None);
        Assert.Null(await TryLockAsync());
    }

    [Fact]
    public async Task The_card_lock_finds_its_row_through_the_card_number_index()
    {
        // A parameter typed text against the character(20) column would make PostgreSQL compare as text and scan the whole
        // table under the lock; the statement EF sends, with EF's own parameters, is explained with sequential scans priced out.
        var number = "80380000900000055503"; // a variable, as in CardRegistry: EF sends it as a parameter (a constant would be inlined)
        await FeedAsync(Card(number));
        var explain = new ExplainingInterceptor();
        await using var db = new Cms.Infrastructure.Persistence.CmsDbContext(new DbContextOptionsBuilder<Cms.Infrastructure.Persistence.CmsDbContext>()
            .UseNpgsql(Factory.ConnectionString).AddInterceptors(Cms.Infrastructure.Persistence.RowLockInterceptor.Instance, explain).Options);
        await db.BeginAsync(CancellationToken.None);
        var card = await db.ForUpdate<Cms.Domain.Identification.Card>(c => c.CardNumber == number).SingleAsync();
        Assert.Equal(number, card.CardNumber.Trim());
        await db.RollbackAsync(CancellationToken.None);
        Assert.NotNull(explain.Plan);
        Assert.Equal(1, explain.Parameters);
        Assert.Contains("LockRows", explain.Plan);
        Assert.Contains("Index Scan", explain.Plan);
        Assert.DoesNotContain("Seq Scan", explain.Plan);
    }

    /// <summary>Explains the statement tagged for update just before it runs, on its connection, with its parameters.</summary>
    private sealed class ExplainingInterceptor : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public string? Plan { get; private set; }

        public int Parameters { get; private set; }

        public override async ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(
            System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (!command.CommandText.Contains("FOR UPDATE", StringComparison.Ordinal)) return result;
            var connection = (Npgsql.NpgsqlConnection)command.Connection!;
            await using (var off = new Npgsql.NpgsqlCommand("SET LOCAL enable_seqscan = off", connection, (Npgsql.NpgsqlTransaction?)command.Transaction))
                await off.ExecuteNonQueryAsync(cancellationToken);
            await using var explain = new Npgsql.NpgsqlCommand("EXPLAIN " + command.CommandText, connection, (Npgsql.NpgsqlTransaction?)command.Transaction);
            foreach (Npgsql.NpgsqlParameter p in command.Parameters) explain.Parameters.Add(p.Clone());
            var lines = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken)) lines.Add(reader.GetString(0));
            Plan = string.Join("\n", lines);
            Parameters = command.Parameters.Count;
            return result;
        }
    }

    [Fact]
    public async Task Fifty_simultaneous_confirms_for_one_card_release_its_codes_exactly_once()
    {
        await FeedAsync(Card(Number));
        var operators = new List<HttpClient>();
        for (var i = 0; i < 5; i++) operators.Add((await ActorAsync("Operator")).Client);
        // Fifty requests for the same card, made at five desks of the counter, all pending.
        var ids = new List<(HttpClient Client, string Id)>();
        for (var i = 0; i < 50; i++)
        {
            var client = operators[i % operators.Count];
            ids.Add((client, (await OkAsync(await client.PostAsJsonAsync("/api/v1/activations", Direct(Number)), HttpStatusCode.Created)).GetProperty("id").GetString()!));
        }
        foreach (var (client, id) in ids) await client.PrintFormsAsync("activations", id); // sign before confirm
        using var start = new ManualResetEventSlim();
        var confirms = ids.Select(r => Task.Run(async () =>
        {
            start.Wait();
            return await r.Client.PostAsJsonAsync($"/api/v1/activations/{r.Id}/confirm", SignBeforeConfirm.SignedBody());
        })).ToList();
        start.Set();
        var answers = await Task.WhenAll(confirms);
        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(49, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
            await ProblemAsync(refused, HttpStatusCode.Conflict, "card-not-activatable");
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages WHERE card_number = @n", ("n", Number)));
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM activation.requests WHERE card_number = @n AND status = 'COMPLETED'", ("n", Number)));
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", Number)));

        // And one request confirmed fifty times at once: one answer, the others told it is no longer pending.
        await SetStateAsync(Number, "NOT_ACTIVE");
        var one = (await OkAsync(await operators[0].PostAsJsonAsync("/api/v1/activations", Direct(Number)), HttpStatusCode.Created)).GetProperty("id").GetString();
        var signed = SignBeforeConfirm.SignedBody();
        await operators[0].PrintFormsAsync("activations", one!);
        var same = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => operators[0].PostAsJsonAsync($"/api/v1/activations/{one}/confirm", signed)));
        Assert.Equal(1, same.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(49, same.Count(a => a.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(2L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages WHERE card_number = @n", ("n", Number)));
    }

    [Fact]
    public async Task A_thousand_retries_with_one_idempotency_key_have_one_effect()
    {
        await FeedAsync(Card(Number));
        var (client, _, _) = await ActorAsync("Operator");
        async Task<HttpResponseMessage> SendAsync(string path, object? body, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request);
        }
        async Task<HttpResponseMessage[]> ThousandAsync(string path, object? body, string key)
        {
            var answers = new HttpResponseMessage[1000];
            await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 25 },
                async (i, _) => answers[i] = await SendAsync(path, body, key));
            return answers;
        }

        var creates = await ThousandAsync("/api/v1/activations", Direct(Number), "mille-create");
        // Every answer is the first one, or "still running" while the first was in flight; never a second request.
        Assert.All(creates, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        var ids = new HashSet<string>();
        foreach (var created in creates.Where(a => a.StatusCode == HttpStatusCode.Created))
            ids.Add((await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!);
        Assert.Single(ids);
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM activation.requests WHERE card_number = @n", ("n", Number)));

        await client.PrintFormsAsync("activations", ids.Single()); // sign before confirm
        var confirms = await ThousandAsync($"/api/v1/activations/{ids.Single()}/confirm", SignBeforeConfirm.SignedBody(), "mille-confirm");
        Assert.All(confirms, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var bodies = new HashSet<string>();
        foreach (var confirmed in confirms.Where(a => a.StatusCode == HttpStatusCode.OK)) bodies.Add(await confirmed.Content.ReadAsStringAsync());
        Assert.Single(bodies);
        Assert.Equal(1L, await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages WHERE card_number = @n", ("n", Number)));
        Assert.Equal(1L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM audit.operations WHERE type = 'ACTIVATION' AND outcome = 'SUCCEEDED' AND card_number = @n AND detail LIKE 'confirm%'", ("n", Number)));
    }
}
