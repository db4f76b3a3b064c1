using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Cms.Integration.Tests.Infrastructure;

namespace Cms.Integration.Tests;

/// <summary>
/// The delivery guarantee against real process kills (SIGKILL of a separate Cms.Api process): a confirmed
/// activation never loses its message, and a repeat happens only in the window between the SMTP server's
/// receipt and our record of it — then the identical message with the same Message-ID.
/// </summary>
[Collection(ProcessCollection.Name)]
public class CrashTests(CmsFactoryWithoutJobs factory) : ApiTest(factory)
{
    private static readonly Dictionary<string, string> NoJobs = new() { ["Hangfire__ServerEnabled"] = "false" };

    private async Task<(string OperatorCf, string Number)> ArrangeAsync(string number)
    {
        await FeedAsync(Card(number, pin: "13579", puk: "24681357", cip: "97531864"));
        var (_, cf, _) = await ActorAsync("Operator");
        return (cf, number);
    }

    internal static async Task SignInAsync(CmsProcess cms, string cf)
    {
        var response = await cms.Client.PostAsJsonAsync("/api/v1/auth/token", new { codiceFiscale = cf, password = OperatorPassword });
        var body = await OkAsync(response);
        cms.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
    }

    /// <summary>A direct activation with a passport, the codes by e-mail.</summary>
    internal static object DirectActivation(string number, string address) => new
    {
        cardNumber = number, mode = "DIRECT",
        document = new { type = "PASSAPORTO", number = "YA0000001", issuedBy = "Questura", issueDate = Iso(Today.AddYears(-1)), expiryDate = Iso(Today.AddYears(5)) },
        delivery = new { channel = "EMAIL", email = address, emailConfirmation = address }, privacyConsent = true,
    };

    internal static async Task<string> ActivateAsync(CmsProcess cms, string number, string address)
    {
        var created = await OkAsync(await cms.Client.PostAsJsonAsync("/api/v1/activations", DirectActivation(number, address)), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetString();
        var confirmed = await OkAsync(await cms.Client.PostAsync($"/api/v1/activations/{id}/confirm", await cms.Client.SignedAsync("activations", id)));
        return confirmed.GetProperty("deliveryId").GetString()!;
    }

    private async Task<string> StatusAsync(string deliveryId) =>
        await Factory.ScalarAsync<string>("SELECT status FROM delivery.messages WHERE id = @id", ("id", Guid.Parse(deliveryId)));

    private async Task WaitForStatusAsync(string deliveryId, string status, int seconds = 40)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until && await StatusAsync(deliveryId) != status) await Task.Delay(200);
        Assert.Equal(status, await StatusAsync(deliveryId));
    }

    [Fact]
    public async Task An_instance_restarted_while_a_dead_ones_job_lock_is_still_held_waits_for_the_lock_to_expire_and_starts()
    {
        // What an instance killed while its scheduler held a recurring job's lock leaves behind (seen in a fault test's restart):
        // registering that job at start waits for the lock, which Hangfire gives up on before the lock expires.
        const string resource = "hangfire:lock:recurring-job:outbound-sweep";
        await Factory.ExecuteAsync("INSERT INTO hangfire.lock (resource, updatecount, acquired) VALUES (@r, 0, now())", ("r", resource));
        try
        {
            var started = DateTime.UtcNow;
            await using var cms = await CmsProcess.StartAsync(Factory, Factory.SmtpPort,
                new Dictionary<string, string>(NoJobs) { ["Hangfire__LockTimeoutSeconds"] = "10" });
            Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(8), "the instance did not wait for the lock");
            Assert.Equal(0L, await Factory.ScalarAsync<long>("SELECT count(*) FROM hangfire.lock WHERE resource = @r", ("r", resource)));
        }
        finally
        {
            await Factory.ExecuteAsync("DELETE FROM hangfire.lock WHERE resource = @r", ("r", resource));
        }
    }

    [Fact]
    public async Task A_process_killed_after_the_confirm_loses_no_message_the_next_one_sends_it_once()
    {
        var (cf, number) = await ArrangeAsync("80380000900000077001");
        var address = $"crash.{Guid.NewGuid():N}@example.it";
        string deliveryId;
        await using (var first = await CmsProcess.StartAsync(Factory, Factory.SmtpPort, NoJobs))
        {
            await SignInAsync(first, cf);
            deliveryId = await ActivateAsync(first, number, address);
            first.Kill();
        }
        Assert.Equal("QUEUED", await StatusAsync(deliveryId));
        Assert.Empty(Mailbox.For(Factory, address));

        await using (var second = await CmsProcess.StartAsync(Factory, Factory.SmtpPort))
        {
            await WaitForStatusAsync(deliveryId, "SENT");
        }
        var mail = Assert.Single(Mailbox.For(Factory, address));
        Assert.Contains("Codice PIN: 579", mail.TextBody);
        Assert.Equal("ACTIVE", await Factory.ScalarAsync<string>("SELECT state FROM identification.cards WHERE card_number = @n", ("n", number)));
    }

    [Fact]
    public async Task A_process_killed_while_the_smtp_server_holds_the_message_resends_it_identical()
    {
        var (cf, number) = await ArrangeAsync("80380000900000077002");
        var address = $"window.{Guid.NewGuid():N}@example.it";
        using var smtp = new HoldingSmtpServer { Hold = true };
        string deliveryId;
        await using (var first = await CmsProcess.StartAsync(Factory, smtp.Port))
        {
            await SignInAsync(first, cf);
            deliveryId = await ActivateAsync(first, number, address);
            var until = DateTime.UtcNow.AddSeconds(30);
            while (smtp.Messages.IsEmpty && DateTime.UtcNow < until) await Task.Delay(50);
            Assert.Single(smtp.Messages); // the server has the message; the sender waits for its answer
            first.Kill();
        }
        Assert.Equal("SENDING", await StatusAsync(deliveryId));
        smtp.Hold = false;

        await using (var second = await CmsProcess.StartAsync(Factory, smtp.Port))
        {
            await WaitForStatusAsync(deliveryId, "SENT");
        }
        var copies = smtp.Messages.ToArray();
        Assert.Equal(2, copies.Length);
        Assert.Equal(copies[0], copies[1]); // byte for byte, Message-ID included
        var messageId = await Factory.ScalarAsync<string>("SELECT message_id FROM delivery.messages WHERE id = @id", ("id", Guid.Parse(deliveryId)));
        Assert.Contains("Message-Id: " + messageId, copies[0], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, await Factory.ScalarAsync<int>("SELECT attempts FROM delivery.messages WHERE id = @id", ("id", Guid.Parse(deliveryId))));
    }
}
