using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cms.Infrastructure.Auditing;

/// <summary>The fields of one entry of the trail as the chain hashes them, read as the database stores them.</summary>
public sealed record AuditEntryFields(
    long Sequence, Guid Id, DateTime OccurredAtUtc, string Type, string Outcome, Guid? OperatorId, string? OperatorCodiceFiscale,
    string? CounterCode, string? Region, string? CardNumber, string? HolderCodiceFiscale, string? RequestId, string? Detail);

/// <summary>
/// The canonical text of an entry and the hash of a link, computed by the application exactly as the database's chainer
/// computes them (audit.canonical, audit.chain_pending), so that the chain can be checked without trusting a function stored
/// in the database it proves (decision 0028).
/// <list type="bullet">
/// <item>Format 1 (links written before migration AuditChainFormat): the fields joined with <c>|</c>, NULL written <c>-</c>. Ambiguous
/// (a <c>|</c> inside a field, or a field holding <c>-</c>), kept only so that the old links keep their hashes.</item>
/// <item>Format 2: <c>cms-audit-2</c>, then each field after a <c>|</c> as <c>~</c> for NULL or its length in UTF-8 bytes, <c>:</c> and
/// the text. No field can move into another, NULL is distinct from every text, and no format-1 text looks like a format-2 one.</item>
/// </list>
/// </summary>
public static class AuditCanonical
{
    public const short LegacyFormat = 1;
    public const short CurrentFormat = 2;
    public const string CurrentPrefix = "cms-audit-2";

    /// <summary>The hash before the first link: SHA-256 of <c>cms-audit-trail</c> (audit.genesis()).</summary>
    public static byte[] Genesis { get; } = SHA256.HashData("cms-audit-trail"u8);

    public static string Text(short format, long chainIndex, AuditEntryFields entry)
    {
        string?[] fields =
        [
            chainIndex.ToString(CultureInfo.InvariantCulture), entry.Sequence.ToString(CultureInfo.InvariantCulture), entry.Id.ToString("D"),
            entry.OccurredAtUtc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), entry.Type, entry.Outcome,
            entry.OperatorId?.ToString("D"), entry.OperatorCodiceFiscale, entry.CounterCode, entry.Region, entry.CardNumber,
            entry.HolderCodiceFiscale, entry.RequestId, entry.Detail,
        ];
        return format switch
        {
            LegacyFormat => string.Join('|', fields.Select(f => f ?? "-")),
            CurrentFormat => LengthPrefixed(fields),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown canonical format of the audit chain."),
        };
    }

    public static string LengthPrefixed(IEnumerable<string?> fields)
    {
        var text = new StringBuilder(CurrentPrefix, 256);
        foreach (var field in fields)
        {
            text.Append('|');
            if (field is null) text.Append('~');
            else text.Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field);
        }
        return text.ToString();
    }

    /// <summary>SHA-256 of the previous hash followed by the UTF-8 bytes of the canonical text.</summary>
    public static byte[] Hash(ReadOnlySpan<byte> previousHash, string canonicalText)
    {
        var length = previousHash.Length + Encoding.UTF8.GetByteCount(canonicalText);
        var buffer = length <= 1024 ? stackalloc byte[length] : new byte[length];
        previousHash.CopyTo(buffer);
        Encoding.UTF8.GetBytes(canonicalText, buffer[previousHash.Length..]);
        return SHA256.HashData(buffer);
    }
}
