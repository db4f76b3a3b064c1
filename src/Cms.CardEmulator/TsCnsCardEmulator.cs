using Cms.ReaderSdk.Cns;
using Cms.ReaderSdk.Iso7816;

namespace Cms.CardEmulator;

/// <summary>
/// A TS-CNS as far as the reader SDK sees it: the CNS ATR and a file system (MF 3F00; DF 1000 with EF.ID_Carta 1003;
/// DF 1100 with the certificate 1101 and EF.Dati_personali 1102) answering SELECT FILE, GET RESPONSE and READ BINARY as a
/// real card does — SELECT announces its FCI with 61 xx, a READ BINARY asking for more than is left gets 6C xx.
/// </summary>
public sealed class TsCnsCardEmulator : ICardChannel
{
    /// <summary>A CNS ATR: T=1, historical bytes ending in "CNS", version 1.0 (0x10), 0x31 0x80.</summary>
    public static readonly byte[] CnsAtr = Convert.FromHexString("3BFF1800FF8131FE55006B02090303010101434E531031809D");

    /// <summary>An ATR of some other card (no "CNS"), for the refusal path.</summary>
    public static readonly byte[] OtherAtr = Convert.FromHexString("3B8F8001804F0CA000000306030001000000006A");

    private readonly Dictionary<ushort, Node> root;
    private Dictionary<ushort, Node> currentDirectory;
    private byte[]? selectedFile;
    private byte[]? pendingResponse;

    public TsCnsCardEmulator(byte[] idCarta, byte[] personalData, byte[]? atr = null)
    {
        Atr = atr ?? CnsAtr;
        var df1000 = new Dictionary<ushort, Node> { [0x1003] = new(idCarta, null) };
        var df1100 = new Dictionary<ushort, Node> { [0x1101] = new(new byte[64], null), [0x1102] = new(personalData, null) };
        root = new Dictionary<ushort, Node> { [0x1000] = new(null, df1000), [0x1100] = new(null, df1100) };
        currentDirectory = root;
    }

    /// <summary>A card of the given number and holder.</summary>
    public static TsCnsCardEmulator For(string cardNumber, PersonalData holder, byte[]? atr = null) =>
        new(CnsFiles.IdCarta(cardNumber), PersonalDataFile.Write(holder), atr);

    public byte[] Atr { get; }

    /// <summary>How many APDUs the card answered (tests check the chunking with it).</summary>
    public int Exchanges { get; private set; }

    public void Reset()
    {
        currentDirectory = root;
        selectedFile = null;
        pendingResponse = null;
    }

    public byte[] Transmit(ReadOnlySpan<byte> command)
    {
        Exchanges++;
        if (command.Length < 4) return Sw(0x6700);
        if (command[0] != 0x00) return Sw(0x6E00);
        var pending = pendingResponse;
        pendingResponse = null;
        return command[1] switch
        {
            0xA4 => Select(command),
            0xC0 => GetResponse(command, pending),
            0xB0 => ReadBinary(command),
            _ => Sw(0x6D00),
        };
    }

    private byte[] Select(ReadOnlySpan<byte> command)
    {
        if (command[2] != 0x00 || command[3] != 0x00 || command.Length < 7 || command[4] != 2) return Sw(0x6A86);
        var id = (ushort)(command[5] << 8 | command[6]);
        Node? node;
        if (id == 0x3F00) node = new Node(null, root);
        else if (!currentDirectory.TryGetValue(id, out node)) return Sw(0x6A82);
        if (node.Children is { } children)
        {
            currentDirectory = children;
            selectedFile = null;
        }
        else
        {
            selectedFile = node.Content;
        }
        var size = node.Content?.Length ?? 0;
        // FCI: file identifier and (for an EF) its size.
        pendingResponse = [0x62, 0x08, 0x83, 0x02, (byte)(id >> 8), (byte)id, 0x80, 0x02, (byte)(size >> 8), (byte)size];
        return [0x61, (byte)pendingResponse.Length];
    }

    private static byte[] GetResponse(ReadOnlySpan<byte> command, byte[]? pending)
    {
        if (pending is null) return Sw(0x6985);
        var le = command.Length >= 5 ? (command[4] == 0 ? 256 : command[4]) : 256;
        if (le != pending.Length) return Sw((ushort)(0x6C00 | pending.Length));
        return [.. pending, 0x90, 0x00];
    }

    private byte[] ReadBinary(ReadOnlySpan<byte> command)
    {
        if (selectedFile is null) return Sw(0x6986);
        if ((command[2] & 0x80) != 0) return Sw(0x6A86);
        var offset = command[2] << 8 | command[3];
        var le = command.Length >= 5 ? (command[4] == 0 ? 256 : command[4]) : 256;
        if (offset >= selectedFile.Length) return Sw(0x6B00);
        var left = selectedFile.Length - offset;
        if (le > left) return Sw((ushort)(0x6C00 | Math.Min(left, 0xFF)));
        return [.. selectedFile.AsSpan(offset, le), 0x90, 0x00];
    }

    private static byte[] Sw(ushort sw) => [(byte)(sw >> 8), (byte)sw];

    private sealed record Node(byte[]? Content, Dictionary<ushort, Node>? Children);
}
