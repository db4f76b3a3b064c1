using System.Buffers.Binary;
using System.Net.Sockets;
using Cms.ReaderSdk.Iso7816;

namespace Cms.CardEmulator;

/// <summary>
/// Puts an emulated card into vsmartcard's virtual reader (vpcd, a pcscd driver listening on TCP, 35963 for its first
/// slot): connecting inserts the card, disconnecting removes it. The protocol is a 2-byte big-endian length and a
/// payload; a 1-byte payload is a control (0 power off, 1 power on, 2 reset, 4 send the ATR), anything longer an APDU.
/// </summary>
public sealed class VpcdCard : IAsyncDisposable
{
    public const int DefaultPort = 35963;
    private readonly TcpClient client;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly TaskCompletionSource powered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool powerOnSeen;

    private VpcdCard(TcpClient client, TsCnsCardEmulator card, byte[] atr)
    {
        this.client = client;
        loop = Task.Run(() => RunAsync(card, atr, stop.Token));
    }

    /// <summary>Inserts the card: connects to vpcd (retrying while pcscd starts its driver) and answers it until removed.</summary>
    public static async Task<VpcdCard> InsertAsync(TsCnsCardEmulator card, string host = "127.0.0.1", int port = DefaultPort,
        CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var client = new TcpClient { NoDelay = true };
            try
            {
                await client.ConnectAsync(host, port, cancellationToken);
                var inserted = new VpcdCard(client, card, card.Atr);
                // pcscd has taken the card in once it has powered it and read its ATR (as it does on every insertion).
                await inserted.powered.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                return inserted;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                client.Dispose();
                await Task.Delay(200, cancellationToken);
            }
            catch
            {
                client.Dispose();
                throw;
            }
        }
    }

    /// <summary>The loop's end: after removal, or an error of the connection (null while inserted).</summary>
    public Task Completion => loop;

    private async Task RunAsync(ICardChannel card, byte[] atr, CancellationToken cancellationToken)
    {
        var stream = client.GetStream();
        var header = new byte[2];
        while (!cancellationToken.IsCancellationRequested)
        {
            QuickAck();
            await stream.ReadExactlyAsync(header, cancellationToken);
            var length = BinaryPrimitives.ReadUInt16BigEndian(header);
            var payload = new byte[length];
            QuickAck();
            await stream.ReadExactlyAsync(payload, cancellationToken);
            if (Environment.GetEnvironmentVariable("CMS_VPCD_TRACE") is not null) Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} vpcd> {Convert.ToHexString(payload)}");
            byte[]? answer = length switch
            {
                1 when payload[0] == 4 => atr,
                1 => Control(card, payload[0]),
                _ => card.Transmit(payload),
            };
            if (length == 1) powerOnSeen |= payload[0] == 1;
            if (answer is null) continue;
            var framed = new byte[2 + answer.Length];
            BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)answer.Length);
            answer.CopyTo(framed, 2);
            await stream.WriteAsync(framed, cancellationToken);
            if (powerOnSeen && length == 1 && payload[0] == 4) powered.TrySetResult();
        }
    }

    private static byte[]? Control(ICardChannel card, byte control)
    {
        if (control is 0 or 2 && card is TsCnsCardEmulator emulator) emulator.Reset();
        return null;
    }

    /// <summary>
    /// vpcd writes the length and the payload separately without TCP_NODELAY: without an immediate ACK every APDU waits
    /// for the delayed-ACK timer (~40 ms). TCP_QUICKACK (Linux, level 6, option 12) is reset by the kernel, so it is set
    /// again before every read.
    /// </summary>
    private void QuickAck()
    {
        if (!OperatingSystem.IsLinux()) return;
        // Removal disposes the client while this loop may be between two reads: its socket is then gone (null).
        if (client.Client is not { } socket) return;
        try
        {
            socket.SetRawSocketOption(6, 12, BitConverter.GetBytes(1));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Removes the card, and waits until pcscd has seen it go: pcscd polls vpcd every 400 ms, and a card put back within one
    /// poll would pass for the same card still in the reader (with the old card's ATR).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        client.Dispose();
        try
        {
            await loop;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
        }
        stop.Dispose();
        await Task.Delay(RemovalNoticed);
    }

    /// <summary>Two and a half of pcscd's polls of the virtual reader.</summary>
    public static readonly TimeSpan RemovalNoticed = TimeSpan.FromMilliseconds(1000);
}
