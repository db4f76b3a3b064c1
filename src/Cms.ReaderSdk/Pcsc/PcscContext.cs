using System.Runtime.CompilerServices;
using Cms.ReaderSdk.Iso7816;

namespace Cms.ReaderSdk.Pcsc;

/// <summary>A reader and whether it holds a card (with the card's ATR).</summary>
public sealed record ReaderStatus(string Reader, bool CardPresent, byte[] Atr);

/// <summary>A card put into or taken out of a reader.</summary>
public sealed record ReaderEvent(string Reader, bool Inserted, byte[] Atr);

/// <summary>
/// A connection to the PC/SC service: lists readers, waits for cards, connects to them. One per thread of work; dispose it
/// to release the service's context.
/// </summary>
public sealed class PcscContext : IDisposable
{
    private readonly IPcscApi api;
    private nint context;

    private PcscContext(IPcscApi api, nint context)
    {
        this.api = api;
        this.context = context;
    }

    /// <summary>Opens a context on the platform's PC/SC service (pcsc-lite on Linux, WinSCard on Windows).</summary>
    public static PcscContext Establish()
    {
        IPcscApi api = OperatingSystem.IsWindows() ? new WinScardApi()
            : OperatingSystem.IsLinux() ? new PcscLiteApi()
            : throw new ReaderSdkException("Sistema operativo non supportato: il lettore è gestito su Linux e Windows.");
        uint code;
        nint context;
        try
        {
            code = api.EstablishContext(out context);
        }
        catch (DllNotFoundException e)
        {
            throw new ReaderSdkException(OperatingSystem.IsWindows()
                ? "winscard.dll non trovata: il servizio Smart Card di Windows non è disponibile."
                : "Libreria PC/SC non trovata (libpcsclite.so.1): installare il pacchetto libpcsclite1 e il servizio pcscd.", e);
        }
        Check(code, "l'apertura del contesto PC/SC");
        return new PcscContext(api, context);
    }

    /// <summary>The attached readers (none is an empty list, not an error).</summary>
    public IReadOnlyList<string> ListReaders()
    {
        var code = api.ListReaders(Handle, out var readers);
        if (code == PcscCodes.NoReadersAvailable) return [];
        Check(code, "l'elenco dei lettori");
        return readers;
    }

    /// <summary>Each attached reader, with its card if there is one.</summary>
    public IReadOnlyList<ReaderStatus> GetStatus()
    {
        var readers = ListReaders();
        if (readers.Count == 0) return [];
        var states = readers.Select(r => new ReaderState(r) { CurrentState = ReaderStates.Unaware }).ToArray();
        var code = api.GetStatusChange(Handle, 0, states);
        if (code != PcscCodes.Timeout) Check(code, "la lettura dello stato dei lettori");
        return states.Select(ToStatus).ToList();
    }

    /// <summary>
    /// Reports every card put into or taken out of any reader, readers attached later included; cards already present
    /// when the watch starts are reported first as insertions.
    /// </summary>
    public async IAsyncEnumerable<ReaderEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var known = new Dictionary<string, ReaderState>(StringComparer.Ordinal);
        var present = new Dictionary<string, bool>(StringComparer.Ordinal);
        while (!cancellationToken.IsCancellationRequested)
        {
            var readers = ListReaders();
            foreach (var gone in known.Keys.Except(readers).ToList())
            {
                known.Remove(gone);
                if (present.Remove(gone, out var had) && had) yield return new ReaderEvent(gone, false, []);
            }
            foreach (var reader in readers.Where(r => !known.ContainsKey(r))) known[reader] = new ReaderState(reader) { CurrentState = ReaderStates.Unaware };
            if (known.Count == 0)
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var states = known.Values.ToArray();
            // Short waits, so that cancellation and newly attached readers are noticed within a quarter of a second.
            var code = await Task.Run(() => api.GetStatusChange(Handle, 250, states), CancellationToken.None).ConfigureAwait(false);
            if (code == PcscCodes.Timeout) continue;
            if (code is PcscCodes.UnknownReader or PcscCodes.ReaderUnavailable) continue; // a reader left meanwhile
            Check(code, "l'attesa di una carta");
            foreach (var state in states)
            {
                var status = ToStatus(state);
                state.CurrentState = state.EventState & ~ReaderStates.Changed;
                var was = present.GetValueOrDefault(state.Reader);
                present[state.Reader] = status.CardPresent;
                if (status.CardPresent != was) yield return new ReaderEvent(state.Reader, status.CardPresent, status.Atr);
            }
        }
    }

    /// <summary>Waits for a card in the named reader, or in any reader; answers at once if one is there.</summary>
    public async Task<ReaderStatus> WaitForCardAsync(string? reader, CancellationToken cancellationToken = default)
    {
        await foreach (var e in WatchAsync(cancellationToken).ConfigureAwait(false))
            if (e.Inserted && (reader is null || e.Reader == reader)) return new ReaderStatus(e.Reader, true, e.Atr);
        throw new PcscCancelledException(PcscCodes.Cancelled);
    }

    /// <summary>Connects (shared, T=0 or T=1) to the card in the reader.</summary>
    public PcscCard Connect(string reader)
    {
        var atr = GetStatus().FirstOrDefault(s => s.Reader == reader)?.Atr ?? [];
        Check(api.Connect(Handle, reader, out var card, out var protocol), "il collegamento alla carta");
        return new PcscCard(api, card, protocol, reader, atr);
    }

    private static ReaderStatus ToStatus(ReaderState state) =>
        new(state.Reader, (state.EventState & ReaderStates.Present) != 0 && (state.EventState & ReaderStates.Mute) == 0, state.Atr);

    private nint Handle => context != 0 ? context : throw new ObjectDisposedException(nameof(PcscContext));

    internal static void Check(uint code, string operation)
    {
        if (code != PcscCodes.Success) throw PcscException.From(code, operation);
    }

    public void Dispose()
    {
        if (context == 0) return;
        api.ReleaseContext(context);
        context = 0;
    }
}

/// <summary>A connected card: raw APDU exchange (see <see cref="CardChannelExtensions"/> for ISO 7816 status handling).</summary>
public sealed class PcscCard : ICardChannel, IDisposable
{
    private readonly IPcscApi api;
    private readonly uint protocol;
    private nint card;

    internal PcscCard(IPcscApi api, nint card, uint protocol, string reader, byte[] atr)
    {
        this.api = api;
        this.card = card;
        this.protocol = protocol;
        Reader = reader;
        Atr = atr;
    }

    public string Reader { get; }
    public byte[] Atr { get; }

    public byte[] Transmit(ReadOnlySpan<byte> command)
    {
        if (card == 0) throw new ObjectDisposedException(nameof(PcscCard));
        var response = new byte[258 + 2];
        PcscContext.Check(api.Transmit(card, protocol, command, response, out var received), "lo scambio con la carta");
        return response[..received];
    }

    public void Dispose()
    {
        if (card == 0) return;
        api.Disconnect(card, ReaderStates.LeaveCard);
        card = 0;
    }
}
