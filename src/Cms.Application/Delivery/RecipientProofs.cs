using System.Security.Cryptography;
using System.Text;
using Cms.Application.Common.Abstractions;
using Cms.Application.Common.Options;
using Cms.Domain.Common;
using Cms.Domain.Delivery;
using Cms.Domain.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cms.Application.Delivery;

/// <summary>What the counter learns when a recipient-proof code leaves: where to (masked), until when, how many are left.</summary>
public sealed record RecipientProofSent(
    Guid RequestId, DeliveryChannel Channel, string Recipient, DateTimeOffset ExpiresAt, int SendsLeft, int TriesLeft, Guid DeliveryId);

/// <summary>
/// The recipient proof (issue 24, decision 0036): before a confirm releases codes, a 6-digit code goes to the request's own
/// address and the holder reads it out at the counter. The caller holds the request's row lock, so the work on one request's
/// proof is serialised. The code is kept only as a keyed digest bound to the request (a dump tells nothing about it), the
/// address as a keyed digest (a change of address after the code left is noticed); wrong tries are counted per request
/// across resends, like the CIP's, and a wrong one is refused keeping the count.
/// </summary>
public sealed class RecipientProofs(ICmsDbContext db, IKeyedDigest digest, CodeMessageOutbox outbox, IOptions<CmsOptions> options)
{
    private RecipientProofOptions Policy => options.Value.RecipientProof;

    public bool Required => Policy.Required;

    public async Task<RecipientProofSent> SendAsync(Guid requestId, string purpose, string cardNumber, DeliveryAddress address, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (!Policy.Required)
            throw new DomainRuleException("recipient-proof-not-required",
                "La Regione non richiede la verifica del destinatario: la richiesta si conferma senza codice di verifica.", RuleKind.Conflict);
        var card = await CardDayAsync(cardNumber, now, cancellationToken);
        if (card.WrongTries >= Policy.CardDailyWrongTries) throw CardExhausted();
        if (card.Sends >= Policy.CardDailySends)
            throw new DomainRuleException("recipient-proof-send-limit",
                $"Sono già stati inviati {Policy.CardDailySends} codici di verifica per questa tessera nelle ultime 24 ore: riprovare domani.",
                RuleKind.Conflict);
        var proof = await db.RecipientProofs.SingleOrDefaultAsync(p => p.RequestId == requestId, cancellationToken);
        if (proof is null)
        {
            proof = new RecipientProof(requestId, purpose, cardNumber, now);
            db.RecipientProofs.Add(proof);
        }
        if (proof.WrongTries >= Policy.MaxWrongTries) throw Exhausted();
        if (proof.Sends >= Policy.MaxSends)
            throw new DomainRuleException("recipient-proof-send-limit",
                $"Sono già stati inviati {Policy.MaxSends} codici di verifica per questa richiesta: usare l'ultimo ricevuto, oppure annullare la richiesta e crearne una nuova.",
                RuleKind.Conflict);

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        proof.CodeSent(RecipientDigest(requestId, address), CodeDigest(requestId, code), now, Policy.CodeValidFor);
        var deliveryId = outbox.Enqueue(address, cardNumber, "RECIPIENT_PROOF", Compose(address.Channel, cardNumber, code, Policy.CodeValidMinutes));
        return new RecipientProofSent(requestId, address.Channel, RecipientMask.Mask(address.Recipient), proof.ExpiresAt!.Value,
            Policy.MaxSends - proof.Sends, Policy.MaxWrongTries - proof.WrongTries, deliveryId);
    }

    /// <summary>
    /// At the confirm, when the region requires it: the code given must be the last one sent for this request, to the address
    /// the request still has, in time. Returns whether the proof was checked (false when the region does not require it).
    /// </summary>
    public async Task<bool> VerifyAsync(Guid requestId, DeliveryAddress address, string? code, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!Policy.Required) return false;
        var proof = await db.RecipientProofs.SingleOrDefaultAsync(p => p.RequestId == requestId, cancellationToken);
        if (proof is null || proof.Sends == 0)
            throw NotVerified("Prima della conferma occorre inviare il codice di verifica all'indirizzo indicato e farselo leggere dal titolare.");
        if (proof.WrongTries >= Policy.MaxWrongTries) throw Exhausted();
        if ((await CardDayAsync(proof.CardNumber, now, cancellationToken)).WrongTries >= Policy.CardDailyWrongTries) throw CardExhausted();
        if (string.IsNullOrEmpty(code))
            throw NotVerified("Indicare il codice di verifica ricevuto dal titolare all'indirizzo indicato.");
        if (!Matches(proof.RecipientDigest, RecipientDigests(requestId, address)))
            throw NotVerified("L'indirizzo di recapito è cambiato dopo l'invio del codice di verifica: inviarne uno nuovo.");
        if (proof.ExpiresAt < now)
            throw new DomainRuleException("recipient-proof-expired", "Il codice di verifica è scaduto: inviarne uno nuovo.")
                .With("expiredAt", proof.ExpiresAt!.Value);
        if (proof.CodeDigest.Length == 0 || !Matches(proof.CodeDigest, CodeDigests(requestId, code)))
        {
            proof.WrongTry();
            var left = Policy.MaxWrongTries - proof.WrongTries;
            if (left <= 0) throw Exhausted().KeepingWork();
            throw new DomainRuleException("recipient-proof-wrong", $"Il codice di verifica non corrisponde. Tentativi rimasti: {left}.")
                .With("remainingAttempts", left).KeepingWork();
        }
        proof.Verified(now);
        return true;
    }

    /// <summary>
    /// What the card's proofs of the last 24 hours add up to, across its requests: a new request gives no new sends or tries.
    /// (Requests of one card are not serialised here, so two at the very same moment may each pass the last one: by one.)
    /// </summary>
    private async Task<(int Sends, int WrongTries)> CardDayAsync(string cardNumber, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - TimeSpan.FromHours(24);
        var rows = await db.RecipientProofs.AsNoTracking().Where(p => p.CardNumber == cardNumber && p.LastSentAt > since)
            .Select(p => new { p.Sends, p.WrongTries }).ToListAsync(cancellationToken);
        return (rows.Sum(r => r.Sends), rows.Sum(r => r.WrongTries));
    }

    private DomainRuleException CardExhausted() => new("recipient-proof-exhausted",
        $"Troppi codici di verifica errati per questa tessera nelle ultime 24 ore ({Policy.CardDailyWrongTries}): riprovare domani.", RuleKind.Conflict);

    /// <summary>The digest in the row against the digests under every key of the ring (a rotation forgets nothing), in constant time.</summary>
    private static bool Matches(string stored, IReadOnlyList<string> candidates)
    {
        var storedBytes = Encoding.ASCII.GetBytes(stored);
        var any = false;
        foreach (var c in candidates) any |= CryptographicOperations.FixedTimeEquals(storedBytes, Encoding.ASCII.GetBytes(c));
        return any;
    }

    private static byte[] RecipientText(Guid requestId, DeliveryAddress address) =>
        Encoding.UTF8.GetBytes($"{requestId:N}|{address.Channel}|{address.Recipient.Trim().ToLowerInvariant()}");

    private static byte[] CodeText(Guid requestId, string code) => Encoding.UTF8.GetBytes($"{requestId:N}|{code}");

    private string RecipientDigest(Guid requestId, DeliveryAddress address) => digest.Compute(RecipientText(requestId, address), Purposes.Recipient);

    private IReadOnlyList<string> RecipientDigests(Guid requestId, DeliveryAddress address) =>
        digest.ComputeAll(RecipientText(requestId, address), Purposes.Recipient);

    private string CodeDigest(Guid requestId, string code) => digest.Compute(CodeText(requestId, code), Purposes.Code);

    private IReadOnlyList<string> CodeDigests(Guid requestId, string code) => digest.ComputeAll(CodeText(requestId, code), Purposes.Code);

    private static class Purposes
    {
        public const string Recipient = "recipient-proof-address";
        public const string Code = "recipient-proof-code";
    }

    private static DomainRuleException NotVerified(string message) => new("recipient-not-verified", message);

    private DomainRuleException Exhausted() => new("recipient-proof-exhausted",
        $"Il codice di verifica è stato sbagliato {Policy.MaxWrongTries} volte: annullare la richiesta e crearne una nuova.", RuleKind.Conflict);

    /// <summary>Italian, short enough for one SMS; it says what the code is for, so that a holder who did not ask can refuse.</summary>
    public static CodeMessageContent Compose(DeliveryChannel channel, string cardNumber, string code, int validMinutes)
    {
        var masked = "*************" + cardNumber[^7..];
        if (channel == DeliveryChannel.Sms)
            return new CodeMessageContent("Verifica TS-CNS",
                $"TS-CNS {masked}: codice di verifica {code}. Comunicalo all'operatore dello sportello solo se sei presente. Valido {validMinutes} minuti.");
        var text = new StringBuilder()
            .AppendLine("Gentile titolare,")
            .AppendLine()
            .AppendLine($"allo sportello è in corso una richiesta per la Tessera Sanitaria - Carta Nazionale dei Servizi n. {masked}")
            .AppendLine("che invierà a questo indirizzo la seconda parte dei codici personali.")
            .AppendLine()
            .AppendLine($"  Codice di verifica: {code}")
            .AppendLine()
            .AppendLine($"Comunichi il codice all'operatore solo se è presente allo sportello. Il codice vale {validMinutes} minuti.")
            .AppendLine("Se non ha chiesto nulla, non lo comunichi a nessuno e segnali il messaggio alla sua ASL.")
            .AppendLine()
            .AppendLine("Questo messaggio è generato automaticamente: non rispondere.");
        return new CodeMessageContent("Tessera Sanitaria - Carta Nazionale dei Servizi: codice di verifica", text.ToString());
    }
}
