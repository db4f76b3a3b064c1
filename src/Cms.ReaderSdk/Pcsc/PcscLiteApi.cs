using System.Runtime.InteropServices;
using System.Text;

namespace Cms.ReaderSdk.Pcsc;

/// <summary>
/// pcsc-lite (libpcsclite.so.1) on Linux: its DWORD and LONG are C longs — 8 bytes on 64-bit Linux — and its context and
/// card handles are LONGs too, so every one of them is a native-sized integer here. Reader names are UTF-8.
/// </summary>
internal sealed unsafe partial class PcscLiteApi : IPcscApi
{
    private const string Library = "libpcsclite.so.1";
    private const int MaxAtrSize = 33;

    [StructLayout(LayoutKind.Sequential)]
    private struct SCardReaderState
    {
        public nint Reader;
        public nint UserData;
        public nuint CurrentState;
        public nuint EventState;
        public nuint AtrLength;
        public fixed byte Atr[MaxAtrSize];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SCardIoRequest
    {
        public nuint Protocol;
        public nuint Length;
    }

    [LibraryImport(Library)] private static partial nint SCardEstablishContext(nuint scope, nint reserved1, nint reserved2, out nint context);
    [LibraryImport(Library)] private static partial nint SCardReleaseContext(nint context);
    [LibraryImport(Library)] private static partial nint SCardListReaders(nint context, nint groups, byte* readers, ref nuint length);
    [LibraryImport(Library)] private static partial nint SCardGetStatusChange(nint context, nuint timeout, SCardReaderState* states, nuint count);
    [LibraryImport(Library)] private static partial nint SCardCancel(nint context);
    [LibraryImport(Library)] private static partial nint SCardConnect(nint context, byte* reader, nuint shareMode, nuint preferredProtocols, out nint card, out nuint activeProtocol);
    [LibraryImport(Library)] private static partial nint SCardDisconnect(nint card, nuint disposition);
    [LibraryImport(Library)] private static partial nint SCardTransmit(nint card, SCardIoRequest* sendPci, byte* send, nuint sendLength, SCardIoRequest* receivePci, byte* receive, ref nuint receiveLength);

    private static uint Code(nint result) => unchecked((uint)result);

    public uint EstablishContext(out nint context) => Code(SCardEstablishContext(ReaderStates.ScopeSystem, 0, 0, out context));

    public uint ReleaseContext(nint context) => Code(SCardReleaseContext(context));

    public uint ListReaders(nint context, out IReadOnlyList<string> readers)
    {
        readers = [];
        nuint length = 0;
        var code = Code(SCardListReaders(context, 0, null, ref length));
        if (code != PcscCodes.Success) return code;
        var buffer = new byte[(int)length];
        fixed (byte* p = buffer) code = Code(SCardListReaders(context, 0, p, ref length));
        if (code == PcscCodes.Success) readers = MultiString.Parse(buffer.AsSpan(0, (int)length), Encoding.UTF8);
        return code;
    }

    public uint GetStatusChange(nint context, uint timeoutMilliseconds, ReaderState[] states)
    {
        var names = states.Select(s => Marshal.StringToCoTaskMemUTF8(s.Reader)).ToArray();
        try
        {
            var native = new SCardReaderState[states.Length];
            for (var i = 0; i < states.Length; i++)
                native[i] = new SCardReaderState { Reader = names[i], CurrentState = states[i].CurrentState };
            uint code;
            fixed (SCardReaderState* p = native) code = Code(SCardGetStatusChange(context, timeoutMilliseconds, p, (nuint)native.Length));
            for (var i = 0; i < states.Length; i++)
            {
                states[i].EventState = (uint)native[i].EventState;
                var length = Math.Min((int)native[i].AtrLength, MaxAtrSize);
                fixed (byte* atr = native[i].Atr) states[i].Atr = new ReadOnlySpan<byte>(atr, length).ToArray();
            }
            return code;
        }
        finally
        {
            foreach (var name in names) Marshal.FreeCoTaskMem(name);
        }
    }

    public uint Cancel(nint context) => Code(SCardCancel(context));

    public uint Connect(nint context, string reader, out nint card, out uint protocol)
    {
        var name = Encoding.UTF8.GetBytes(reader + "\0");
        fixed (byte* p = name)
        {
            var code = Code(SCardConnect(context, p, ReaderStates.ShareShared, ReaderStates.ProtocolT0 | ReaderStates.ProtocolT1, out card, out var active));
            protocol = (uint)active;
            return code;
        }
    }

    public uint Disconnect(nint card, uint disposition) => Code(SCardDisconnect(card, disposition));

    public uint Transmit(nint card, uint protocol, ReadOnlySpan<byte> command, Span<byte> response, out int received)
    {
        var pci = new SCardIoRequest { Protocol = protocol, Length = (nuint)sizeof(SCardIoRequest) };
        nuint length = (nuint)response.Length;
        uint code;
        fixed (byte* send = command)
        fixed (byte* receive = response)
            code = Code(SCardTransmit(card, &pci, send, (nuint)command.Length, null, receive, ref length));
        received = (int)length;
        return code;
    }
}

/// <summary>PC/SC's lists of names: each ends with a NUL, the list with one more.</summary>
internal static class MultiString
{
    public static IReadOnlyList<string> Parse(ReadOnlySpan<byte> bytes, Encoding encoding)
    {
        var names = new List<string>();
        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOf((byte)0);
            if (end < 0) end = bytes.Length;
            if (end == 0) break;
            names.Add(encoding.GetString(bytes[..end]));
            bytes = end < bytes.Length ? bytes[(end + 1)..] : [];
        }
        return names;
    }
}
