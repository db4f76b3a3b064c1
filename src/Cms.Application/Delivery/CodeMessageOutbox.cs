using System.Text;
using System.Text.Json;
using Cms.Application.Common.Abstractions;
using Cms.Application.Requests;
using Cms.Domain.Delivery;
using Cms.Domain.Requests;

namespace Cms.Application.Delivery;

/// <summary>The message as composed, in clear: only in memory, at composition and at sending.</summary>
public sealed record CodeMessageContent(string Subject, string Text)
{
    public override string ToString() => $"CodeMessageContent {{ Subject = {Subject} }}";
}

/// <summary>Wakes the background sender after the transaction that queued a message has committed.</summary>
public interface IDeliveryScheduler
{
    void Schedule(Guid messageId);
}

/// <summary>
/// Writes the code message to the outbox (table delivery.messages) in the caller's transaction, sealed, and
/// asks for it to be sent once the transaction commits.
/// </summary>
public sealed class CodeMessageOutbox(ICmsDbContext db, ICodeCipher cipher, IDeliveryScheduler scheduler, AfterCommit afterCommit, TimeProvider clock)
{
    public const string MessageIdDomain = "cms.ts-cns.local";

    public Guid Enqueue(DeliveryAddress address, string cardNumber, string purpose, CodeParts secondHalves) =>
        Enqueue(address, cardNumber, purpose, Compose(address.Channel, cardNumber, purpose, secondHalves));

    /// <summary>Any message for the holder's address that carries a secret (the second halves, a recipient-proof code).</summary>
    public Guid Enqueue(DeliveryAddress address, string cardNumber, string purpose, CodeMessageContent content)
    {
        var id = Guid.CreateVersion7();
        var plain = JsonSerializer.SerializeToUtf8Bytes(content);
        var (keyId, ciphertext) = cipher.SealBytes(plain, Context(id));
        Array.Clear(plain);
        db.CodeMessages.Add(new CodeMessage(id, address.Channel, address.Recipient, cardNumber, purpose,
            $"<{id:N}@{MessageIdDomain}>", keyId, ciphertext, clock.GetUtcNow()));
        afterCommit.Add(_ =>
        {
            scheduler.Schedule(id);
            return Task.CompletedTask;
        });
        return id;
    }

    public static string Context(Guid messageId) => "code-message:" + messageId.ToString("N");

    public static CodeMessageContent Open(ICodeCipher cipher, Guid id, string keyId, byte[] ciphertext) =>
        JsonSerializer.Deserialize<CodeMessageContent>(cipher.OpenBytes(keyId, ciphertext, Context(id)))!;

    /// <summary>Italian text carrying only the second halves [T 2.2.1, TM 9.1.4].</summary>
    public static CodeMessageContent Compose(DeliveryChannel channel, string cardNumber, string purpose, CodeParts second)
    {
        var masked = "*************" + cardNumber[^7..];
        if (channel == DeliveryChannel.Sms)
            return new CodeMessageContent("Codici TS-CNS",
                $"TS-CNS {masked}: seconda parte dei codici. PIN {second.Pin} PUK {second.Puk} CIP {second.Cip}. " +
                "Completali con la prima parte consegnata allo sportello. Non comunicarli a nessuno.");
        var text = new StringBuilder()
            .AppendLine("Gentile titolare,")
            .AppendLine()
            .AppendLine($"a seguito della richiesta presentata allo sportello ({PurposeLabel(purpose)}) le inviamo la seconda parte dei codici personali")
            .AppendLine($"della Tessera Sanitaria - Carta Nazionale dei Servizi n. {masked}.")
            .AppendLine()
            .AppendLine($"  Codice PIN: {second.Pin}")
            .AppendLine($"  Codice PUK: {second.Puk}")
            .AppendLine($"  Codice CIP: {second.Cip}")
            .AppendLine()
            .AppendLine("Ogni codice completo si ottiene scrivendo prima la parte stampata sul modulo consegnato allo sportello")
            .AppendLine("e poi, di seguito, la parte riportata in questo messaggio.")
            .AppendLine()
            .AppendLine("I codici personali della Carta Nazionale dei Servizi devono essere custoditi in luogo sicuro e separatamente")
            .AppendLine("dalla carta. Non li comunichi a nessuno: nessun operatore glieli chiederà mai.")
            .AppendLine()
            .AppendLine("Questo messaggio è generato automaticamente: non rispondere.");
        return new CodeMessageContent("Tessera Sanitaria - Carta Nazionale dei Servizi: seconda parte dei codici personali", text.ToString());
    }

    private static string PurposeLabel(string purpose) => purpose switch
    {
        "ACTIVATION" => "attivazione della carta",
        "REPRINT" => "ristampa dei codici",
        _ => purpose.ToLowerInvariant(),
    };

    public static readonly Encoding Utf8 = new UTF8Encoding(false);
}
