using Cms.Application.Common.Abstractions;
using Cms.Application.Delivery;
using Cms.Application.Common.Telemetry;
using Cms.Domain.Requests;
using Cms.Infrastructure.Outbox;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cms.Infrastructure.Delivery;

/// <summary>
/// Sends the code messages of the outbox <c>delivery.messages</c> through the outbox engine (<see cref="OutboxSender{TSelf,T}"/>):
/// claimed with a lease, <see cref="ParallelSends"/> at a time, marked SENT after the server accepted it. If the process dies
/// between the server's acceptance and that mark, the lease expires and the message is sent again — the identical message, with
/// the same Message-ID. Failures are retried with back-off for RetryForHours, except a recipient or message refused for good
/// (<see cref="SendFailures.IsPermanent"/>), which is FAILED at once; the error kept is masked.
/// </summary>
public sealed class CodeMessageSender(
    NpgsqlDataSource dataSource, ICodeCipher cipher, IEmailTransport email, ISmsTransport sms, IOptions<DeliveryOptions> options,
    IBackgroundJobClient jobs, ILogger<CodeMessageSender> logger)
    : OutboxSender<CodeMessageSender, CodeMessageSender.Message>(dataSource, Table, options.Value, jobs)
{
    /// <summary>Messages in flight at once (each its own SMTP session or gateway call), claimed together.</summary>
    public const int ParallelSends = 8;

    private static readonly OutboxTable Table = new()
    {
        Name = "delivery.messages",
        DoneAt = "sent_at",
        Columns = "channel, recipient, message_id, key_id, content_ciphertext",
        // The sealed content is erased after the retention period: such a message is not sent again.
        Claimable = "content_ciphertext IS NOT NULL",
        ParallelSends = ParallelSends,
        SweepAhead = TimeSpan.FromMinutes(1),
        SweepLimit = 1000,
    };

    /// <summary>A claimed message's own columns.</summary>
    public sealed record Message(DeliveryChannel Channel, string Recipient, string MessageId, string KeyId, byte[] Ciphertext);

    protected override Message Read(NpgsqlDataReader reader)
    {
        const int first = OutboxItem<Message>.FirstColumn;
        return new Message(reader.GetString(first) == "SMS" ? DeliveryChannel.Sms : DeliveryChannel.Email, reader.GetString(first + 1),
            reader.GetString(first + 2), reader.GetString(first + 3), (byte[])reader[first + 4]);
    }

    protected override async Task<OutboxResult> DeliverAsync(OutboxItem<Message> item, CancellationToken cancellationToken)
    {
        var message = item.Value;
        var content = CodeMessageOutbox.Open(cipher, item.Id, message.KeyId, message.Ciphertext);
        var outgoing = new OutgoingMessage(item.Id, message.MessageId, message.Recipient, item.Since, content);
        if (message.Channel == DeliveryChannel.Email) await email.SendAsync(outgoing, cancellationToken);
        else await sms.SendAsync(outgoing, cancellationToken);
        return OutboxResult.Done;
    }

    /// <summary>A recipient or a message the mail server or the SMS gateway refused for good (<see cref="SendFailures.IsPermanent"/>).</summary>
    protected override bool IsPermanent(Exception exception) => SendFailures.IsPermanent(exception);

    protected override void Delivered(OutboxItem<Message> item)
    {
        logger.LogInformation("Code message {MessageId} sent by {Channel} after {Attempts} attempt(s)", item.Id, item.Value.Channel, item.Attempts);
        CmsMetrics.CodeMessagesSent.Add(1, new KeyValuePair<string, object?>("cms.channel", ChannelTag(item.Value.Channel)));
    }

    protected override void NotDelivered(OutboxItem<Message> item, OutboxResult result, bool givenUp, string next)
    {
        CmsMetrics.CodeMessageAttemptsFailed.Add(1, new KeyValuePair<string, object?>("cms.channel", ChannelTag(item.Value.Channel)),
            new KeyValuePair<string, object?>("cms.given_up", givenUp));
        // The exception's type only: a server's words may carry the recipient.
        logger.LogWarning("Code message {MessageId} not sent (attempt {Attempts}, {ExceptionType}); {Next}", item.Id, item.Attempts,
            result.Exception?.GetType().Name, next);
    }

    private static string ChannelTag(DeliveryChannel channel) => channel == DeliveryChannel.Email ? "email" : "sms";
}
