namespace Cms.ReaderSdk.Pcsc;

/// <summary>The few PC/SC calls the SDK needs, with managed types; one implementation per platform's native sizes.</summary>
internal interface IPcscApi
{
    uint EstablishContext(out nint context);
    uint ReleaseContext(nint context);
    uint ListReaders(nint context, out IReadOnlyList<string> readers);
    /// <summary>Waits for any state to differ from <see cref="ReaderState.CurrentState"/>; fills EventState and Atr.</summary>
    uint GetStatusChange(nint context, uint timeoutMilliseconds, ReaderState[] states);
    uint Cancel(nint context);
    uint Connect(nint context, string reader, out nint card, out uint protocol);
    uint Disconnect(nint card, uint disposition);
    uint Transmit(nint card, uint protocol, ReadOnlySpan<byte> command, Span<byte> response, out int received);
}

/// <summary>A reader's state as PC/SC reports it (SCARD_READERSTATE).</summary>
internal sealed class ReaderState(string reader)
{
    public string Reader { get; } = reader;
    public uint CurrentState { get; set; }
    public uint EventState { get; set; }
    public byte[] Atr { get; set; } = [];
}

internal static class ReaderStates
{
    public const uint Unaware = 0x0000;
    public const uint Changed = 0x0002;
    public const uint Unavailable = 0x0008;
    public const uint Empty = 0x0010;
    public const uint Present = 0x0020;
    public const uint Mute = 0x0200;
    /// <summary>The pseudo-reader whose state changes when a reader is attached or removed.</summary>
    public const string PnpNotification = @"\\?PnP?\Notification";

    public const uint ShareShared = 2;
    public const uint ProtocolT0 = 1;
    public const uint ProtocolT1 = 2;
    public const uint LeaveCard = 0;
    public const uint ScopeSystem = 2;
}
