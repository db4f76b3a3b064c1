using System.Net;
using Cms.Application.Delivery;
using Cms.Application.Requests;
using Cms.Domain.Interop;
using Cms.Domain.Requests;
using Cms.Infrastructure.Delivery;
using Cms.Infrastructure.Persistence;
using Cms.Infrastructure.Security;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cms.Integration.Tests;

/// <summary>
/// Issue 23: nothing is kept longer than it serves. The sealed second halves of a code message are erased some days after it
/// was sent (or failed), the first halves an issuing region answered some days after completion, the answers given to a peer
/// some days after its request; the rows stay, and what reads them copes.
/// </summary>
public class RetentionTests(CmsFactory factory) : ApiTest(factory)
{
    private async Task<Guid> QueueAsync(string cardNumber)
    {
        using var scope = Factory.Services.CreateScope();
        var id = scope.ServiceProvider.GetRequiredService<CodeMessageOutbox>().Enqueue(
            new DeliveryAddress(DeliveryChannel.Email, $"conservazione.{Guid.NewGuid():N}@example.it", null), cardNumber, "ACTIVATION",
            new CodeParts("123", "4567", "8901"));
        await scope.ServiceProvider.GetRequiredService<CmsDbContext>().SaveChangesAsync();
        return id;
    }

    private async Task<PurgedCounts> PurgeAsync() =>
        await Factory.Services.GetRequiredService<SealedContentRetention>().PurgeAsync(CancellationToken.None);

    private Task<bool> SealedAsync(string sql, Guid id) => Factory.ScalarAsync<bool>(sql, ("id", id));

    [Fact]
    public async Task The_second_halves_of_a_message_sent_more_than_thirty_days_ago_are_erased_and_its_history_stays()
    {
        var old = await QueueAsync("80380000900000056001");
        var recent = await QueueAsync("80380000900000056002");
        var failed = await QueueAsync("80380000900000056003");
        await Factory.ExecuteAsync("""
            UPDATE delivery.messages SET status = 'SENT', attempts = 1, sent_at = now() - interval '31 days', created_at = now() - interval '31 days' WHERE id = @old;
            UPDATE delivery.messages SET status = 'SENT', attempts = 1, sent_at = now() - interval '29 days', created_at = now() - interval '29 days' WHERE id = @recent;
            UPDATE delivery.messages SET status = 'FAILED', attempts = 9, created_at = now() - interval '33 days', last_error = 'SocketException ConnectionRefused' WHERE id = @failed;
            """, ("old", old), ("recent", recent), ("failed", failed));

        Assert.True((await PurgeAsync()).CodeMessages >= 2);

        const string Sealed = "SELECT key_id IS NOT NULL AND content_ciphertext IS NOT NULL FROM delivery.messages WHERE id = @id";
        Assert.False(await SealedAsync(Sealed, old));
        Assert.False(await SealedAsync(Sealed, failed));
        Assert.True(await SealedAsync(Sealed, recent));
        Assert.Equal("SENT|1|true", await Factory.ScalarAsync<string>(
            "SELECT status || '|' || attempts || '|' || (sent_at IS NOT NULL AND recipient LIKE 'conservazione.%') FROM delivery.messages WHERE id = @id", ("id", old)));
        Assert.Equal(0L, await Factory.ScalarAsync<long>(
            "SELECT count(*) FROM delivery.messages WHERE content_ciphertext IS NOT NULL AND status = 'SENT' AND sent_at < now() - interval '30 days'"));

        // The counter's view of the delivery does not need the content; a key rotation's reseal passes over the erased ones.
        var (client, _, _) = await ActorAsync("Operator");
        var view = await OkAsync(await client.GetAsync($"/api/v1/deliveries/{old}"));
        Assert.Equal("SENT", view.GetProperty("status").GetString());
        using (var scope = Factory.Services.CreateScope())
        {
            var counts = await scope.ServiceProvider.GetRequiredService<Resealer>().ResealAllAsync(CancellationToken.None);
            Assert.Contains(counts, c => c.What == "code messages");
        }
        Assert.False(await SealedAsync(Sealed, old));

        // A purged message is never claimed for sending again, whatever its status says.
        await Factory.ExecuteAsync("UPDATE delivery.messages SET status = 'QUEUED', next_attempt_at = now() WHERE id = @id", ("id", old));
        using (var scope = Factory.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<CodeMessageSender>().SendAsync(old, CancellationToken.None);
        Assert.Equal("QUEUED|1", await Factory.ScalarAsync<string>("SELECT status || '|' || attempts FROM delivery.messages WHERE id = @id", ("id", old)));
        await Factory.ExecuteAsync("UPDATE delivery.messages SET status = 'SENT' WHERE id = @id", ("id", old));
    }

    [Fact]
    public async Task Interop_first_halves_and_answers_are_erased_after_a_week_and_the_counter_is_told_a_reprint_is_the_way()
    {
        var (client, _, operatorId) = await ActorAsync("Operator");
        var me = await OkAsync(await client.GetAsync("/api/v1/auth/me"));
        var counter = me.GetProperty("counterCode").GetString()!;
        var old = Guid.CreateVersion7();
        var recent = Guid.CreateVersion7();
        var received = Guid.CreateVersion7();
        using (var scope = Factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            foreach (var id in new[] { old, recent })
                db.InteropRequests.Add(new InteropRequest(id, InteropKind.Activation, "200", "80380000900000056010", "RSSMRA80A01H501U", "{}",
                    null, null, Guid.Parse(operatorId), counter, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(30)));
            db.InboundInteropRequests.Add(new InboundInteropRequest("200", received, InteropKind.Activation, "80380000900000056011", Guid.CreateVersion7(),
                "test-1", [1, 2, 3], DateTimeOffset.UtcNow.AddDays(-8)));
            await db.SaveChangesAsync();
        }
        await Factory.ExecuteAsync("""
            UPDATE interop.requests SET status = 'COMPLETED', confirmed_at = now() - interval '8 days', completed_at = now() - interval '8 days',
                first_halves_key_id = 'test-1', first_halves_ciphertext = '\x010203' WHERE id = @old;
            UPDATE interop.requests SET status = 'COMPLETED', confirmed_at = now() - interval '6 days', completed_at = now() - interval '6 days',
                first_halves_key_id = 'test-1', first_halves_ciphertext = '\x010203' WHERE id = @recent;
            """, ("old", old), ("recent", recent));

        var counts = await PurgeAsync();
        Assert.True(counts.InteropFirstHalves >= 1 && counts.InteropAnswers >= 1, counts.ToString());

        const string Halves = "SELECT first_halves_key_id IS NOT NULL AND first_halves_ciphertext IS NOT NULL FROM interop.requests WHERE id = @id";
        Assert.False(await SealedAsync(Halves, old));
        Assert.True(await SealedAsync(Halves, recent));
        Assert.False(await SealedAsync(
            "SELECT answer_key_id IS NOT NULL OR answer_ciphertext IS NOT NULL FROM interop.inbound_requests WHERE request_id = @id", received));
        Assert.Equal("COMPLETED", await Factory.ScalarAsync<string>("SELECT status FROM interop.requests WHERE id = @id", ("id", old)));

        // The print of a purged one: an honest answer, in Italian, not an error.
        var problem = await ProblemAsync(await client.GetAsync($"/api/v1/interop/requests/{old}/documents/codici-personali"),
            HttpStatusCode.Conflict, "first-halves-purged");
        Assert.Contains("ristampa", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
