using System.Net.Http.Json;
using Cms.Application.Delivery;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Cms.Infrastructure.Delivery;

public sealed record OutgoingMessage(Guid Id, string MessageId, string Recipient, DateTimeOffset CreatedAt, CodeMessageContent Content);

public interface IEmailTransport
{
    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

public interface ISmsTransport
{
    Task SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

/// <summary>Builds the e-mail; the same message always yields the same MIME (Message-ID, Date), so a resend is identical.</summary>
public static class CodeEmail
{
    public static MimeMessage Build(OutgoingMessage m, string from)
    {
        var message = new MimeMessage
        {
            MessageId = m.MessageId.Trim('<', '>'),
            Date = m.CreatedAt,
            Subject = m.Content.Subject,
            Body = new TextPart("plain") { Text = m.Content.Text },
        };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(m.Recipient));
        message.Headers.Add("Auto-Submitted", "auto-generated");
        // 7-bit transfer encoding chosen once, so that any resend is byte-for-byte the same message.
        message.Prepare(EncodingConstraint.SevenBit);
        return message;
    }
}

public sealed class SmtpEmailTransport(IOptions<SmtpOptions> options) : IEmailTransport
{
    public async Task SendAsync(OutgoingMessage m, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var mime = CodeEmail.Build(m, o.From);
        using var client = new SmtpClient { Timeout = o.TimeoutSeconds * 1000 };
        await client.ConnectAsync(o.Host!, o.Port, Enum.Parse<SecureSocketOptions>(o.Security ?? "StartTls", ignoreCase: true), cancellationToken);
        if (!string.IsNullOrEmpty(o.Username)) await client.AuthenticateAsync(o.Username, o.Password ?? string.Empty, cancellationToken);
        await client.SendAsync(mime, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}

/// <summary>Writes .eml files (named by Message-ID, so a resend overwrites the same file) when no SMTP host is set.</summary>
public sealed class PickupEmailTransport(IOptions<DeliveryOptions> options, IOptions<SmtpOptions> smtp) : IEmailTransport
{
    public async Task SendAsync(OutgoingMessage m, CancellationToken cancellationToken)
    {
        var folder = options.Value.PickupFolder ?? throw new InvalidOperationException("Neither Smtp:Host nor Delivery:PickupFolder is configured.");
        Directory.CreateDirectory(folder);
        var mime = CodeEmail.Build(m, smtp.Value.From);
        var path = Path.Combine(folder, $"{m.Id:N}.eml");
        var temp = path + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            // The file carries code halves: readable by the service account only.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await mime.WriteToAsync(stream, cancellationToken);
        }
        File.Move(temp, path, overwrite: true);
    }
}

public sealed class HttpSmsTransport(HttpClient http, IOptions<SmsOptions> options) : ISmsTransport
{
    public async Task SendAsync(OutgoingMessage m, CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, o.GatewayUrl)
        {
            Content = JsonContent.Create(new { to = m.Recipient, text = m.Content.Text, sender = o.Sender, reference = m.Id.ToString("N") }),
        };
        if (!string.IsNullOrEmpty(o.ApiKey)) request.Headers.Add(o.ApiKeyHeader, o.ApiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"SMS gateway answered {(int)response.StatusCode}", null, response.StatusCode);
    }
}

public sealed class PickupSmsTransport(IOptions<DeliveryOptions> options) : ISmsTransport
{
    public async Task SendAsync(OutgoingMessage m, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(options.Value.PickupFolder ?? throw new InvalidOperationException("Neither Sms:GatewayUrl nor Delivery:PickupFolder is configured."), "sms");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{m.Id:N}.txt");
        await using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync($"To: {m.Recipient}\nReference: {m.Id:N}\n\n{m.Content.Text}\n");
    }
}
