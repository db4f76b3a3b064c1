namespace Cms.Infrastructure.Delivery;

/// <summary>Section <c>Delivery</c>.</summary>
public sealed class DeliveryOptions : Outbox.IOutboxSettings
{
    public const string Section = "Delivery";
    /// <summary>When no SMTP host (or SMS gateway) is configured, messages are written here: .eml files and sms/*.txt.</summary>
    public string? PickupFolder { get; set; }
    /// <summary>How long a message is retried before it is marked FAILED.</summary>
    public int RetryForHours { get; set; } = 48;
    /// <summary>First retry delay; it doubles each time, up to <see cref="RetryMaxSeconds"/>.</summary>
    public int RetryBaseSeconds { get; set; } = 30;
    public int RetryMaxSeconds { get; set; } = 3600;
    /// <summary>How long an instance holds a message while sending it; a crashed sender's lease then expires.</summary>
    public int LeaseSeconds { get; set; } = 120;
    public string SweepCron { get; set; } = "* * * * *";
    /// <summary>
    /// Days after which the sealed content (the second halves) of a message SENT — or FAILED, counted from its creation — is
    /// erased; the row stays, with its status, for the delivery history. The content serves only a resend after a crash.
    /// </summary>
    public int PurgeSentAfterDays { get; set; } = 30;
    /// <summary>When <see cref="SealedContentRetention"/> runs (Hangfire cron, hourly): code messages and interop answers.</summary>
    public string PurgeCron { get; set; } = "47 * * * *";
}

/// <summary>Section <c>Smtp</c>.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    /// <summary>
    /// None, Auto, StartTls, StartTlsWhenAvailable or SslOnConnect. Unset: StartTls (required) outside Development and Testing,
    /// Auto there; outside them only StartTls and SslOnConnect start (decision 0032).
    /// </summary>
    public string? Security { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "Tessera Sanitaria - CNS <noreply@cms.ts-cns.local>";
    public int TimeoutSeconds { get; set; } = 30;
}

/// <summary>Section <c>Sms</c>: an HTTP gateway taking a JSON POST with an API key.</summary>
public sealed class SmsOptions
{
    public const string Section = "Sms";
    public string? GatewayUrl { get; set; }
    public string? ApiKey { get; set; }
    public string ApiKeyHeader { get; set; } = "X-Api-Key";
    public string Sender { get; set; } = "TS-CNS";
}

/// <summary>Section <c>Hangfire</c>.</summary>
public sealed class BackgroundJobOptions
{
    public const string Section = "Hangfire";
    public bool ServerEnabled { get; set; } = true;
    public int WorkerCount { get; set; } = 4;
    public int SchedulePollingSeconds { get; set; } = 5;

    /// <summary>
    /// A Hangfire lock older than this is taken to belong to a dead server and removed (Hangfire.PostgreSql's default, 10 minutes,
    /// would stop scheduled retries and the sweep for that long after a crash). Every job of Cms holds its locks for well under it.
    /// </summary>
    public int LockTimeoutSeconds { get; set; } = 30;
}
