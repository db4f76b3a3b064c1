using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MailKit.Net.Smtp;

namespace Cms.Infrastructure.Delivery;

/// <summary>
/// What a failed send leaves in <c>last_error</c> (delivery.messages, outbound.calls, interop.requests) — and so in a
/// database dump — and whether it is worth trying again. The text is classified: the exception's type, the SMTP status and
/// enhanced code, the HTTP status. Of what a server said only the words before the first thing that could be a datum are
/// kept — an e-mail address, a phone number, a codice fiscale, a quoted or bracketed value, any digit (a second half can be
/// two digits long) — and nothing after it: mail servers echo the recipient in their 5xx replies, gateways echo bodies.
/// </summary>
public static partial class SendFailures
{
    /// <summary>The longest text kept (the columns hold 500).</summary>
    public const int MaxLength = 200;

    /// <summary>Appended where a server's words were cut.</summary>
    public const string Cut = "[…]";

    public static string Describe(Exception ex) => ex switch
    {
        SmtpCommandException s => Smtp(s),
        HttpRequestException { StatusCode: { } status } => Classified($"{nameof(HttpRequestException)} HTTP {(int)status}", null),
        HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } h => $"{nameof(HttpRequestException)} {h.HttpRequestError}",
        SocketException s => $"{nameof(SocketException)} {s.SocketErrorCode}",
        _ => Classified(ex.GetType().Name, ex.Message),
    };

    /// <summary>An HTTP answer that is not a success: its status and the reason phrase the server gave, masked.</summary>
    public static string Describe(HttpResponseMessage response) => $"HTTP {(int)response.StatusCode} {Mask(response.ReasonPhrase)}".TrimEnd();

    /// <summary>
    /// A failure that trying again cannot mend: the mail server refused the recipient or the message for good (5xx; a refused
    /// sender or a 5xx at connection is the configuration's, mended by the operator, so still retried), or the SMS gateway
    /// refused the message (a 4xx answer, see <see cref="IsRefusal"/>). Connection failures, timeouts, 4xx SMTP replies,
    /// protocol errors (a reply cut short says nothing about the recipient) and 5xx answers are transient.
    /// </summary>
    public static bool IsPermanent(Exception ex) => ex switch
    {
        SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.MessageNotAccepted } s => (int)s.StatusCode >= 500,
        // A proxy that refuses the tunnel (403/407) refuses this host, not the message: the operator mends it.
        HttpRequestException { HttpRequestError: HttpRequestError.ProxyTunnelError } => false,
        HttpRequestException { StatusCode: { } status } => IsRefusal(status),
        _ => false,
    };

    /// <summary>An HTTP answer that refuses the request itself: a 4xx other than 408 (timeout) and 429 (too many requests).</summary>
    public static bool IsRefusal(HttpStatusCode status) =>
        (int)status is >= 400 and < 500 && status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);

    /// <summary>A server's words up to the first possible datum (<see cref="Cut"/> where cut), at most <see cref="MaxLength"/>.</summary>
    public static string Mask(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var flat = Whitespace().Replace(text, " ").Trim();
        var datum = Datum().Match(flat);
        var kept = datum.Success ? flat[..datum.Index].TrimEnd(' ', ':', ';', ',', '(', '[', '=') : flat;
        if (kept.Length > MaxLength - Cut.Length - 1) kept = kept[..(MaxLength - Cut.Length - 1)];
        return datum.Success || kept.Length < flat.Length ? (kept.Length > 0 ? kept + " " + Cut : Cut) : kept;
    }

    private static string Classified(string prefix, string? words)
    {
        var masked = Mask(words);
        var text = masked.Length == 0 ? prefix : $"{prefix}: {masked}";
        return text.Length > MaxLength ? text[..MaxLength] : text;
    }

    /// <summary>The reply's status, and its enhanced status code (5.1.1) moved out of the server's words into the classified part.</summary>
    private static string Smtp(SmtpCommandException s)
    {
        var prefix = $"{nameof(SmtpCommandException)} {s.ErrorCode} {(int)s.StatusCode}";
        var code = EnhancedCode().Match(s.Message);
        return code.Success ? Classified(prefix + " " + code.Groups[1].Value, s.Message[code.Length..]) : Classified(prefix, s.Message);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^\s*([245]\.\d{1,3}\.\d{1,3})\b\s*")]
    private static partial Regex EnhancedCode();

    /// <summary>
    /// Where a datum may start: an e-mail address (from the start of its local part), a codice fiscale (omocodia letters in
    /// the numeric places included), any digit (phone numbers, codes, card numbers), a plus sign, an angle bracket or a quote.
    /// </summary>
    [GeneratedRegex(@"[^\s<>()\[\]""',;:]*@|\b[A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z]\b|[0-9+<>""'`]")]
    private static partial Regex Datum();
}
