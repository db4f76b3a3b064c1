using MimeKit;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>Reads what the loopback SMTP server received, as MIME messages.</summary>
public static class Mailbox
{
    public static IReadOnlyList<MimeMessage> For(CmsFactory factory, string address) =>
        factory.Smtp.ReceivedEmail
            .Select(m => MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(m.Data))))
            .Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase)))
            .ToList();

    public static async Task<MimeMessage> WaitForAsync(CmsFactory factory, string address, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < until)
        {
            var found = For(factory, address);
            if (found.Count > 0) return found[0];
            await Task.Delay(100);
        }
        throw new TimeoutException($"No e-mail for {address} within the time allowed.");
    }

    public static async Task WaitForCountAsync(CmsFactory factory, string address, int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (For(factory, address).Count < count)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"Fewer than {count} e-mails for {address} within the time allowed.");
            await Task.Delay(100);
        }
    }
}
