using System.Net;
using System.Net.Sockets;
using Cms.Infrastructure.Delivery;
using MailKit.Net.Smtp;
using MimeKit;

namespace Cms.Unit.Tests;

/// <summary>Issue 23: what a failed send leaves in last_error, and which failures end a message at once.</summary>
public class SendFailuresTests
{
    private static SmtpCommandException Smtp(SmtpErrorCode code, int status, string text) =>
        new(code, (SmtpStatusCode)status, MailboxAddress.Parse("mario.rossi@example.it"), text);

    // Replies as real servers give them (MailKit's message is the reply without its status code).
    [Theory]
    [InlineData(550, "5.1.1 <mario.rossi@example.it>: Recipient address rejected: User unknown in virtual mailbox table",
        "SmtpCommandException RecipientNotAccepted 550 5.1.1: […]")]
    [InlineData(550, "5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser mario.rossi@example.it - gsmtp",
        "SmtpCommandException RecipientNotAccepted 550 5.1.1: The email account that you tried to reach does not exist. Please try double-checking the recipient […]")]
    [InlineData(550, "Requested action not taken: mailbox unavailable (mario.rossi@example.it)", "SmtpCommandException RecipientNotAccepted 550: Requested action not taken: mailbox unavailable […]")]
    [InlineData(553, "5.1.3 mario.rossi@example.it... Invalid recipient", "SmtpCommandException RecipientNotAccepted 553 5.1.3: […]")]
    [InlineData(554, "5.7.1 Message content rejected: PIN 091 PUK 0517", "SmtpCommandException RecipientNotAccepted 554 5.7.1: Message content rejected: PIN […]")]
    [InlineData(550, "5.1.1 RSSMRA80A01H501U@pec.example.it: no such user", "SmtpCommandException RecipientNotAccepted 550 5.1.1: […]")]
    public void A_rejected_recipient_leaves_its_status_and_enhanced_code_never_its_address(int status, string reply, string expected)
    {
        var error = SendFailures.Describe(Smtp(SmtpErrorCode.RecipientNotAccepted, status, reply));
        Assert.Equal(expected, error);
        Assert.DoesNotContain("mario", error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@", error, StringComparison.Ordinal);
        Assert.True(error.Length <= SendFailures.MaxLength);
    }

    [Theory]
    [InlineData("Il titolare RSSMRA80A01H501U non è raggiungibile", "Il titolare […]")]
    [InlineData("Destinatario non raggiungibile: RSSMRALTMLTHLMNX", "Destinatario non raggiungibile […]")] // omocodia: no digit at all
    [InlineData("numero +39 347 1234567 non valido", "numero […]")]
    [InlineData("rejected 3471234567", "rejected […]")]
    [InlineData("user \"mario\" unknown", "user […]")]
    [InlineData("Service Unavailable", "Service Unavailable")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Mask_keeps_the_words_before_the_first_possible_datum(string? text, string expected) =>
        Assert.Equal(expected, SendFailures.Mask(text));

    [Fact]
    public void A_long_text_is_cut()
    {
        var masked = SendFailures.Mask(new string('x', 1000));
        Assert.True(masked.Length <= SendFailures.MaxLength);
        Assert.EndsWith(SendFailures.Cut, masked, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_failures_are_classified_by_type_and_code()
    {
        Assert.Equal("SocketException ConnectionRefused", SendFailures.Describe(new SocketException((int)SocketError.ConnectionRefused)));
        Assert.Equal("HttpRequestException HTTP 400", SendFailures.Describe(new HttpRequestException("SMS gateway answered 400 for +393471234567", null, HttpStatusCode.BadRequest)));
        Assert.Equal("HttpRequestException ConnectionError", SendFailures.Describe(new HttpRequestException(HttpRequestError.ConnectionError, "refused 127.0.0.1:9")));
        Assert.Equal("TimeoutException: The operation has timed out.", SendFailures.Describe(new TimeoutException("The operation has timed out.")));
        using var response = new HttpResponseMessage(HttpStatusCode.UnprocessableEntity) { ReasonPhrase = "Unprocessable <mario.rossi@example.it>" };
        Assert.Equal("HTTP 422 Unprocessable […]", SendFailures.Describe(response));
    }

    public static TheoryData<Exception, bool> Failures() => new()
    {
        { Smtp(SmtpErrorCode.RecipientNotAccepted, 550, "5.1.1 unknown"), true },
        { Smtp(SmtpErrorCode.MessageNotAccepted, 554, "5.7.1 rejected"), true },
        { Smtp(SmtpErrorCode.RecipientNotAccepted, 450, "4.2.1 mailbox busy"), false },   // greylisting, a full mailbox: later
        { Smtp(SmtpErrorCode.MessageNotAccepted, 451, "4.3.0 try again"), false },
        { Smtp(SmtpErrorCode.SenderNotAccepted, 550, "5.7.1 sender rejected"), false },  // our From: the configuration's, not the message's
        { Smtp(SmtpErrorCode.UnexpectedStatusCode, 554, "5.3.2 not accepting"), false },  // the server, at connection
        { new SmtpProtocolException("The SMTP server has unexpectedly disconnected."), false },
        { new SocketException((int)SocketError.ConnectionRefused), false },
        { new HttpRequestException("x", null, HttpStatusCode.BadRequest), true },
        { new HttpRequestException("x", null, HttpStatusCode.UnprocessableEntity), true },
        { new HttpRequestException("x", null, HttpStatusCode.RequestTimeout), false },
        { new HttpRequestException("x", null, HttpStatusCode.TooManyRequests), false },
        { new HttpRequestException("x", null, HttpStatusCode.ServiceUnavailable), false },
        { new HttpRequestException(HttpRequestError.ConnectionError, "refused"), false },
        { new TimeoutException(), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Only_a_refused_recipient_or_message_is_permanent(Exception failure, bool permanent) =>
        Assert.Equal(permanent, SendFailures.IsPermanent(failure));
}
