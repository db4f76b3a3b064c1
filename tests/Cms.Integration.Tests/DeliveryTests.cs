using System.Text;
using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Application.Delivery;
using Cms.Application.Requests;
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
    /// <remarks>Held messages are due tomorrow, out of reach of the host's own sweep (it looks one minute ahead), until
    /// <see cref="ReleaseAsync"/> makes them due: a test sending them through its own transport must be the one to claim them.</remarks>
    private async Task<List<(Guid Id, string Address)>> QueueAsync(int count, bool held = false)
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
        // Held from the insert on (not by an update after it: a sweep of any instance on this database could claim them between).
        if (held)
            foreach (var entry in db.ChangeTracker.Entries<Cms.Domain.Delivery.CodeMessage>())
                entry.Property(m => m.NextAttemptAt).CurrentValue = DateTimeOffset.UtcNow.AddDays(1);
        await db.SaveChangesAsync();
        return queued;
    }

    private Task ReleaseAsync(params Guid[] ids) =>
        Factory.ExecuteAsync("UPDATE delivery.messages SET next_attempt_at = now() WHERE id = ANY(@ids)", ("ids", ids));

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

    private async Task<(string Status, int Attempts, string? LastError)> RowAsync(Guid id)
    {
        var row = await Factory.ScalarAsync<string>("SELECT status || '|' || attempts || '|' || coalesce(last_error, '') FROM delivery.messages WHERE id = @id", ("id", id));
        var parts = row.Split('|', 3);
        return (parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[2]);
    }

    [Fact]
    public async Task A_recipient_the_mail_server_refuses_for_good_fails_at_the_first_attempt_without_its_address_in_the_error()
    {
        using var server = new HoldingSmtpServer();
        Guid refused = default, busy = default;
        string refusedAddress = "", busyAddress = "";
        // The messages are released just before this test's sender claims them; a sweep of another instance on this database
        // (the suite's API processes) may still claim them in between, and send them through its own mail server: then the
        // case did not happen, and it is played again with new messages (the outcome of this sender is what is asserted).
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var queued = await QueueAsync(2, held: true);
            (refused, refusedAddress) = queued[0];
            (busy, busyAddress) = queued[1];
            server.RecipientReplies[refusedAddress] = $"550 5.1.1 <{refusedAddress}>: Recipient address rejected: User unknown in virtual mailbox table";
            server.RecipientReplies[busyAddress] = $"450 4.2.1 <{busyAddress}>: Recipient address rejected: mailbox busy, try again";
            using (var scope = Factory.Services.CreateScope())
            {
                var sender = ActivatorUtilities.CreateInstance<CodeMessageSender>(scope.ServiceProvider,
                    new SmtpEmailTransport(Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = server.Port, Security = "None" })));
                await ReleaseAsync(refused, busy);
                await sender.SendManyAsync([refused, busy], CancellationToken.None);
            }
            if (server.RecipientsSeen.ContainsKey(refusedAddress) && server.RecipientsSeen.ContainsKey(busyAddress)) break;
        }

        Assert.Equal(("FAILED", 1, "SmtpCommandException RecipientNotAccepted 550 5.1.1: […]"), await RowAsync(refused));
        var (status, attempts, error) = await RowAsync(busy);
        Assert.Equal(("QUEUED", 1), (status, attempts)); // 4xx: tried again later
        Assert.Equal("SmtpCommandException RecipientNotAccepted 450 4.2.1: […]", error);
        var dump = await Factory.ScalarAsync<string>("SELECT string_agg(coalesce(last_error, ''), '|') FROM delivery.messages");
        foreach (var address in new[] { refusedAddress, busyAddress }) Assert.DoesNotContain(address.Split('@')[0], dump, StringComparison.Ordinal);

        // What the counter sees of it.
        var (client, _, _) = await ActorAsync("Operator");
        var view = await OkAsync(await client.GetAsync($"/api/v1/deliveries/{refused}"));
        Assert.Equal("FAILED", view.GetProperty("status").GetString());
        Assert.Equal(1, view.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("nextAttemptAt").ValueKind);
        Assert.StartsWith("SmtpCommandException RecipientNotAccepted 550", view.GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_number_the_sms_gateway_refuses_fails_at_the_first_attempt_an_unavailable_gateway_is_tried_again()
    {
        var mobiles = Enumerable.Range(0, 2).Select(_ => "+39347" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Factory.SmsGateway.StatusFor[mobiles[0]] = 400;
        Factory.SmsGateway.StatusFor[mobiles[1]] = 503;
        try
        {
            Guid[] ids;
            using (var scope = Factory.Services.CreateScope())
            {
                var outbox = scope.ServiceProvider.GetRequiredService<CodeMessageOutbox>();
                ids = [.. mobiles.Select((m, i) => outbox.Enqueue(new DeliveryAddress(DeliveryChannel.Sms, null, m), $"803800009{i:D11}", "ACTIVATION",
                    new CodeParts("123", "4567", "8901")))];
                await scope.ServiceProvider.GetRequiredService<CmsDbContext>().SaveChangesAsync();
                await scope.ServiceProvider.GetRequiredService<CodeMessageSender>().SendManyAsync(ids, CancellationToken.None);
            }
            Assert.Equal(("FAILED", 1, "HttpRequestException HTTP 400"), await RowAsync(ids[0]));
            Assert.Equal(("QUEUED", 1, "HttpRequestException HTTP 503"), await RowAsync(ids[1]));
        }
        finally
        {
            foreach (var m in mobiles) Factory.SmsGateway.StatusFor.TryRemove(m, out _);
        }
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
