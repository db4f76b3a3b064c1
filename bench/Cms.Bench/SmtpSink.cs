using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cms.Bench;

/// <summary>
/// A minimal SMTP server on loopback for the messages benchmark: it greets, takes EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP and QUIT
/// in clear (the API runs as "Testing" for that, decision 0032), accepts every message and records, per recipient, the
/// <see cref="Stopwatch"/> timestamp of its first acceptance (the moment it answers 250 to the message's final dot) and how
/// often it was accepted. <see cref="Hold"/> makes new sessions wait before the greeting — the sender's connections hang, its
/// outbox fills — until <see cref="Release"/>. Lighter than netDumbster, which parses and keeps every message.
/// </summary>
public sealed class SmtpSink : IDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stop = new();
    private volatile TaskCompletionSource gate = Open();

    public SmtpSink(int port)
    {
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start(512);
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>Recipient (lower case) → timestamp of the first acceptance of a message to it.</summary>
    public ConcurrentDictionary<string, long> Accepted { get; } = new(StringComparer.Ordinal);

    /// <summary>Messages accepted in all, a repeat to the same recipient included.</summary>
    public long Messages => Interlocked.Read(ref messages);

    private long messages;

    public void Hold()
    {
        if (gate.Task.IsCompleted) gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release() => gate.TrySetResult();

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => SessionAsync(client));
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            await gate.Task.WaitAsync(stop.Token);
            client.NoDelay = true;
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.Latin1, false, 8192, leaveOpen: true);
            async Task ReplyAsync(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"), stop.Token);
            var recipients = new List<string>();
            await ReplyAsync("220 bench ESMTP");
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                var verb = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await ReplyAsync("250 bench");
                        break;
                    case "MAIL":
                        recipients.Clear();
                        await ReplyAsync("250 OK");
                        break;
                    case "RCPT":
                        var open = line.IndexOf('<');
                        var close = line.IndexOf('>', open + 1);
                        recipients.Add(line[(open + 1)..close].ToLowerInvariant());
                        await ReplyAsync("250 OK");
                        break;
                    case "DATA":
                        await ReplyAsync("354 end with <CRLF>.<CRLF>");
                        while (await reader.ReadLineAsync(stop.Token) is { } data && data != ".")
                        {
                        }
                        var at = Stopwatch.GetTimestamp();
                        foreach (var recipient in recipients) Accepted.TryAdd(recipient, at);
                        Interlocked.Increment(ref messages);
                        await ReplyAsync("250 OK accepted");
                        break;
                    case "RSET":
                        recipients.Clear();
                        await ReplyAsync("250 OK");
                        break;
                    case "NOOP":
                        await ReplyAsync("250 OK");
                        break;
                    case "QUIT":
                        await ReplyAsync("221 bye");
                        return;
                    default:
                        await ReplyAsync("502 not implemented");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }
}
