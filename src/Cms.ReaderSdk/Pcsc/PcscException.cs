namespace Cms.ReaderSdk.Pcsc;

/// <summary>A PC/SC call failed; <see cref="Code"/> is the SCARD_* code (as on Windows, 32 bits).</summary>
public class PcscException(uint code, string message) : ReaderSdkException($"{message} (PC/SC 0x{code:X8})")
{
    public uint Code { get; } = code;

    /// <summary>A card just inserted, reset or being powered by another process: worth a second try.</summary>
    public bool IsTransient => Code is PcscCodes.RemovedCard or PcscCodes.UnpoweredCard or PcscCodes.UnresponsiveCard
        or PcscCodes.NotTransacted or PcscCodes.ResetCard or PcscCodes.SharingViolation;

    internal static PcscException From(uint code, string operation) => code switch
    {
        PcscCodes.NoService or PcscCodes.ServiceStopped => new PcscServiceUnavailableException(code),
        PcscCodes.NoReadersAvailable or PcscCodes.UnknownReader or PcscCodes.ReaderUnavailable => new NoReaderException(code),
        PcscCodes.NoSmartcard or PcscCodes.RemovedCard or PcscCodes.UnpoweredCard or PcscCodes.UnresponsiveCard =>
            new NoCardException(code),
        PcscCodes.Cancelled => new PcscCancelledException(code),
        _ => new PcscException(code, $"Errore del lettore durante {operation}"),
    };
}

/// <summary>The PC/SC service (pcscd on Linux, "Smart Card" on Windows) is not running or not reachable.</summary>
public sealed class PcscServiceUnavailableException(uint code)
    : PcscException(code, "Il servizio PC/SC non è in esecuzione: avviare pcscd (Linux) o il servizio Smart Card (Windows)");

/// <summary>No reader is attached, or the named one is gone.</summary>
public sealed class NoReaderException(uint code) : PcscException(code, "Nessun lettore di smart card collegato");

/// <summary>No card in the reader, or it was removed or does not answer.</summary>
public sealed class NoCardException(uint code) : PcscException(code, "Nessuna carta nel lettore, oppure la carta è stata estratta o non risponde");

/// <summary>A wait was cancelled.</summary>
public sealed class PcscCancelledException(uint code) : PcscException(code, "Attesa annullata");

internal static class PcscCodes
{
    public const uint Success = 0;
    public const uint Cancelled = 0x80100002;
    public const uint UnknownReader = 0x80100009;
    public const uint Timeout = 0x8010000A;
    public const uint NoSmartcard = 0x8010000C;
    public const uint SharingViolation = 0x8010000B;
    public const uint NotTransacted = 0x80100016;
    public const uint ReaderUnavailable = 0x80100017;
    public const uint NoService = 0x8010001D;
    public const uint ServiceStopped = 0x8010001E;
    public const uint NoReadersAvailable = 0x8010002E;
    public const uint UnresponsiveCard = 0x80100066;
    public const uint UnpoweredCard = 0x80100067;
    public const uint ResetCard = 0x80100068;
    public const uint RemovedCard = 0x80100069;
}
