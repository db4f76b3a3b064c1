using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cms.Integration.Tests.Infrastructure;

/// <summary>
/// A minimal SMTP server on loopback that records each message's raw DATA and, while <see cref="Hold"/> is
/// set, never answers the end of DATA: the sender is left waiting in the window between the server's
/// receipt of the message and its own record of success. <see cref="RecipientReplies"/> makes it answer RCPT TO for an
/// address as a real server would refuse it.
/// </summary>
public sealed class HoldingSmtpServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();

    public ConcurrentQueue<string> Messages { get; } = new();
    public volatile bool Hold;

    /// <summary>The reply to RCPT TO for an address (e.g. <c>550 5.1.1 &lt;…&gt;: Recipient address rejected</c>); others get 250.</summary>
    public ConcurrentDictionary<string, string> RecipientReplies { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every address given in RCPT TO, whatever the reply.</summary>
    public ConcurrentDictionary<string, bool> RecipientsSeen { get; } = new(StringComparer.OrdinalIgnoreCase);

    public HoldingSmtpServer()
    {
        listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { return; }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            try
            {
                await writer.WriteLineAsync("220 holding.test ESMTP");
                while (await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                        case "HELO":
                            await writer.WriteLineAsync("250 holding.test");
                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 end with <CRLF>.<CRLF>");
                            var data = new StringBuilder();
                            while (await reader.ReadLineAsync(stop.Token) is { } dataLine && dataLine != ".") data.Append(dataLine).Append("\r\n");
                            Messages.Enqueue(data.ToString());
                            while (Hold) await Task.Delay(50, stop.Token);
                            await writer.WriteLineAsync("250 queued");
                            break;
                        case "RCPT":
                            var address = line[(line.IndexOf('<') + 1)..line.LastIndexOf('>')];
                            RecipientsSeen[address] = true;
                            await writer.WriteLineAsync(RecipientReplies.TryGetValue(address, out var reply) ? reply : "250 ok");
                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 bye");
                            return;
                        default:
                            await writer.WriteLineAsync("250 ok");
                            break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (killed): that is the point of the exercise.
            }
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
    }
}
