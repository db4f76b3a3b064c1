using System.Text;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Delivery;
using Cms.Application.Common.Requests;
using Cms.Domain.Requests;
using Cms.Infrastructure.Delivery;
using Cms.Infrastructure.Persistence;
using Cms.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Cms.Integration.Tests;

public class DeliveryTests(CmsFactory factory) : ApiTest(factory)
{
    /// <summary>Queues messages straight into the outbox, without waking the background sender.</summary>
    private async Task<List<(Guid Id, string Address)>> QueueAsync(int count)
    {
        var queued = new List<(Guid, string)>();
        using var scope = Factory.Services.CreateScope();
        var outbox = scope.ServiceProvider.GetRequiredService<CodeMessageOutbox>();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        for (var i = 0; i < count; i++)
        {
            var address = $"multi.{Guid.NewGuid():N}@example.it";
            queued.Add((outbox.Enqueue(new DeliveryAddress(DeliveryChannel.Email, address, null), $"8038000090{i:D10}", "ACTIVATION",
                new CodeParts("123", "4567", "8901")), address));
        }
        await db.SaveChangesAsync();
        return queued;
    }

    [Theory]
    [InlineData(false)] // each message claimed on its own
    [InlineData(true)] // the whole batch claimed in one statement
    public async Task Several_instances_sending_from_one_outbox_never_send_a_message_twice(bool claimInBatches)
    {
        var queued = await QueueAsync(40);
        // Three "instances": each its own sender, all racing for every message in a different order.
        var instances = Enumerable.Range(0, 3).Select(_ =>
        {
            var order = queued.Select(q => q.Id).OrderBy(_ => Random.Shared.Next()).ToArray();
            return Task.Run(async () =>
            {
                using var scope = Factory.Services.CreateScope();
                var sender = scope.ServiceProvider.GetRequiredService<CodeMessageSender>();
                if (claimInBatches) await sender.SendManyAsync(order, CancellationToken.None);
                else foreach (var id in order) await sender.SendAsync(id, CancellationToken.None);
            });
        });
        await Task.WhenAll(instances);
        await Task.Delay(500);
        foreach (var (id, address) in queued)
        {
            Assert.Single(Mailbox.For(Factory, address));
            Assert.Equal("SENT", await Factory.ScalarAsync<string>("SELECT status FROM delivery.messages WHERE id = @id", ("id", id)));
            Assert.Equal(1, await Factory.ScalarAsync<int>("SELECT attempts FROM delivery.messages WHERE id = @id", ("id", id)));
        }
    }

    [Fact]
    public async Task A_woken_message_is_sent_by_the_instance_itself_not_through_a_hangfire_job()
    {
        var queued = await QueueAsync(12);
        var scheduler = Factory.Services.GetRequiredService<IDeliveryScheduler>();
        foreach (var (id, _) in queued) scheduler.Schedule(id);
        // The sweep runs once a minute: well within that, every message is sent, each once.
        var until = DateTime.UtcNow.AddSeconds(10);
        var ids = queued.Select(q => q.Id).ToArray();
        while (DateTime.UtcNow < until
            && await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages WHERE id = ANY(@ids) AND status <> 'SENT'", ("ids", ids)) > 0)
            await Task.Delay(50);
        foreach (var (id, address) in queued)
        {
            Assert.Equal("SENT", await Factory.ScalarAsync<string>("SELECT status FROM delivery.messages WHERE id = @id", ("id", id)));
            Assert.Single(Mailbox.For(Factory, address));
            // Decision 0022: the instance running a Hangfire server sends by itself; no job was made for the wake-up.
            Assert.Equal(0, await Factory.ScalarAsync<long>("SELECT count(*) FROM hangfire.job WHERE arguments::text LIKE '%' || @id || '%'",
                ("id", id.ToString())));
        }
    }

    [Fact]
    public async Task The_sweep_sends_what_was_committed_but_never_handed_to_the_sender()
    {
        var queued = await QueueAsync(3);
        using (var scope = Factory.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<CodeMessageSender>().SweepAsync(CancellationToken.None);
        // Another sender (the host's own recurring sweep) may have claimed one first: wait for it to finish.
        var until = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < until && await Factory.ScalarAsync<long>("SELECT count(*) FROM delivery.messages WHERE status <> 'SENT'") > 0)
            await Task.Delay(100);
        await Task.Delay(300);
        foreach (var (_, address) in queued) Assert.Single(Mailbox.For(Factory, address));
    }

    [Fact]
    public async Task A_message_that_cannot_be_sent_for_the_whole_retry_window_is_marked_failed_with_its_error()
    {
        // The server is down before the message exists, so that no sender (the host's sweep included) can deliver it.
        Factory.StopSmtp();
        Guid id;
        try
        {
            id = (await QueueAsync(1))[0].Id;
            await Factory.ExecuteAsync("UPDATE delivery.messages SET created_at = now() - interval '3 days' WHERE id = @id", ("id", id));
            using var scope = Factory.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<CodeMessageSender>().SendAsync(id, CancellationToken.None);
            // Another sender may hold it or have scheduled a retry: wait, SMTP still down, until it gives up.
            var until = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < until && await Factory.ScalarAsync<string>("SELECT status FROM delivery.messages WHERE id = @id", ("id", id)) is "QUEUED" or "SENDING")
                await Task.Delay(100);
        }
        finally
        {
            Factory.StartSmtp();
        }
        Assert.Equal("FAILED", await Factory.ScalarAsync<string>("SELECT status FROM delivery.messages WHERE id = @id", ("id", id)));
        Assert.Contains("Socket", await Factory.ScalarAsync<string>("SELECT last_error FROM delivery.messages WHERE id = @id", ("id", id)));
    }

    [Fact]
    public async Task Without_an_smtp_host_messages_go_to_the_pickup_folder_readable_by_the_service_only()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"cms-pickup-{Guid.NewGuid():N}");
        var options = Options.Create(new DeliveryOptions { PickupFolder = folder });
        var message = new OutgoingMessage(Guid.NewGuid(), "<abc@cms.ts-cns.local>", "titolare@example.it", DateTimeOffset.UtcNow,
            CodeMessageOutbox.Compose(DeliveryChannel.Email, "80380000900000000001", "ACTIVATION", new CodeParts("579", "1357", "1864")));
        try
        {
            var transport = new PickupEmailTransport(options, Options.Create(new SmtpOptions()));
            await transport.SendAsync(message, CancellationToken.None);
            await transport.SendAsync(message, CancellationToken.None); // a resend overwrites: still one file
            var files = Directory.GetFiles(folder, "*.eml");
            var eml = Assert.Single(files);
            var mime = await MimeMessage.LoadAsync(eml);
            Assert.Equal("abc@cms.ts-cns.local", mime.MessageId);
            Assert.Contains("Codice PIN: 579", mime.TextBody);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(eml));

            await new PickupSmsTransport(options).SendAsync(message with { Recipient = "+393331234567" }, CancellationToken.None);
            Assert.Contains("+393331234567", await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(folder, "sms")))));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_resent_email_is_byte_for_byte_the_same_message()
    {
        var message = new OutgoingMessage(Guid.NewGuid(), "<same@cms.ts-cns.local>", "titolare@example.it", DateTimeOffset.UtcNow,
            CodeMessageOutbox.Compose(DeliveryChannel.Email, "80380000900000000001", "ACTIVATION", new CodeParts("579", "1357", "1864")));
        string Render()
        {
            using var stream = new MemoryStream();
            CodeEmail.Build(message, "Cms <noreply@cms.ts-cns.local>").WriteTo(stream);
            return Encoding.ASCII.GetString(stream.ToArray());
        }
        Assert.Equal(Render(), Render());
        Assert.DoesNotContain("è", Render()); // 7-bit: quoted-printable for the accented letters
    }
}
