using System.Runtime.InteropServices;
using System.Text;

namespace Cms.ReaderSdk.Pcsc;

/// <summary>
/// WinSCard (winscard.dll) on Windows: DWORD and LONG are 4 bytes, the context and card handles pointer-sized (ULONG_PTR);
/// the ANSI entry points, reader names in Latin-1.
/// </summary>
internal sealed unsafe partial class WinScardApi : IPcscApi
{
    private const string Library = "winscard.dll";
    private const int MaxAtrSize = 36;

    [StructLayout(LayoutKind.Sequential)]
    private struct SCardReaderState
    {
        public nint Reader;
        public nint UserData;
        public uint CurrentState;
        public uint EventState;
        public uint AtrLength;
        public fixed byte Atr[MaxAtrSize];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SCardIoRequest
    {
        public uint Protocol;
        public uint Length;
    }

    [LibraryImport(Library)] private static partial int SCardEstablishContext(uint scope, nint reserved1, nint reserved2, out nint context);
    [LibraryImport(Library)] private static partial int SCardReleaseContext(nint context);
    [LibraryImport(Library, EntryPoint = "SCardListReadersA")] private static partial int SCardListReaders(nint context, nint groups, byte* readers, ref uint length);
    [LibraryImport(Library, EntryPoint = "SCardGetStatusChangeA")] private static partial int SCardGetStatusChange(nint context, uint timeout, SCardReaderState* states, uint count);
    [LibraryImport(Library)] private static partial int SCardCancel(nint context);
    [LibraryImport(Library, EntryPoint = "SCardConnectA")] private static partial int SCardConnect(nint context, byte* reader, uint shareMode, uint preferredProtocols, out nint card, out uint activeProtocol);
    [LibraryImport(Library)] private static partial int SCardDisconnect(nint card, uint disposition);
    [LibraryImport(Library)] private static partial int SCardTransmit(nint card, SCardIoRequest* sendPci, byte* send, uint sendLength, SCardIoRequest* receivePci, byte* receive, ref uint receiveLength);

    private static uint Code(int result) => unchecked((uint)result);

    public uint EstablishContext(out nint context) => Code(SCardEstablishContext(ReaderStates.ScopeSystem, 0, 0, out context));

    public uint ReleaseContext(nint context) => Code(SCardReleaseContext(context));

    public uint ListReaders(nint context, out IReadOnlyList<string> readers)
    {
        readers = [];
        uint length = 0;
        var code = Code(SCardListReaders(context, 0, null, ref length));
        if (code != PcscCodes.Success) return code;
        var buffer = new byte[length];
        fixed (byte* p = buffer) code = Code(SCardListReaders(context, 0, p, ref length));
        if (code == PcscCodes.Success) readers = MultiString.Parse(buffer.AsSpan(0, (int)length), Encoding.Latin1);
        return code;
    }

    public uint GetStatusChange(nint context, uint timeoutMilliseconds, ReaderState[] states)
    {
        var names = states.Select(s => Marshal.StringToHGlobalAnsi(s.Reader)).ToArray();
        try
        {
            var native = new SCardReaderState[states.Length];
            for (var i = 0; i < states.Length; i++)
                native[i] = new SCardReaderState { Reader = names[i], CurrentState = states[i].CurrentState };
            uint code;
            fixed (SCardReaderState* p = native) code = Code(SCardGetStatusChange(context, timeoutMilliseconds, p, (uint)native.Length));
            for (var i = 0; i < states.Length; i++)
            {
                states[i].EventState = native[i].EventState;
                var length = Math.Min((int)native[i].AtrLength, MaxAtrSize);
                fixed (byte* atr = native[i].Atr) states[i].Atr = new ReadOnlySpan<byte>(atr, length).ToArray();
            }
            return code;
        }
        finally
        {
            foreach (var name in names) Marshal.FreeHGlobal(name);
        }
    }

    public uint Cancel(nint context) => Code(SCardCancel(context));

    public uint Connect(nint context, string reader, out nint card, out uint protocol)
    {
        var name = Encoding.Latin1.GetBytes(reader + "\0");
        fixed (byte* p = name)
            return Code(SCardConnect(context, p, ReaderStates.ShareShared, ReaderStates.ProtocolT0 | ReaderStates.ProtocolT1, out card, out protocol));
    }

    public uint Disconnect(nint card, uint disposition) => Code(SCardDisconnect(card, disposition));

    public uint Transmit(nint card, uint protocol, ReadOnlySpan<byte> command, Span<byte> response, out int received)
    {
        var pci = new SCardIoRequest { Protocol = protocol, Length = (uint)sizeof(SCardIoRequest) };
        var length = (uint)response.Length;
        uint code;
        fixed (byte* send = command)
        fixed (byte* receive = response)
            code = Code(SCardTransmit(card, &pci, send, (uint)command.Length, null, receive, ref length));
        received = (int)length;
        return code;
    }
}
