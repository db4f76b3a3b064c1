using System.Text;
using Cms.ReaderSdk.Iso7816;

namespace Cms.ReaderSdk.Cns;

/// <summary>
/// Reads the CNS files by SELECT FILE (by identifier, from the master file down) and READ BINARY in chunks of at most
/// 255 bytes: EF.ID_Carta (3F00/1000/1003, 16 bytes) and EF.Dati_personali (3F00/1100/1102, its size from its header).
/// </summary>
public static class CnsFiles
{
    public static readonly ushort[] IdCartaPath = [0x3F00, 0x1000, 0x1003];
    public static readonly ushort[] PersonalDataPath = [0x3F00, 0x1100, 0x1102];
    public const int IdCartaLength = 16;
    private const int MaxChunk = 0xFF;

    public static byte[] ReadIdCarta(ICardChannel card)
    {
        Select(card, IdCartaPath);
        return ReadBinary(card, 0, IdCartaLength);
    }

    public static byte[] ReadPersonalData(ICardChannel card)
    {
        Select(card, PersonalDataPath);
        var header = ReadBinary(card, 0, PersonalDataFile.HeaderLength);
        var total = PersonalDataFile.DeclaredLength(header);
        var file = new byte[total];
        header.CopyTo(file, 0);
        var rest = ReadBinary(card, header.Length, total - header.Length);
        rest.CopyTo(file, header.Length);
        return file;
    }

    /// <summary>SELECT FILE by identifier (00 A4 00 00 02 id), each step of the path in turn.</summary>
    public static void Select(ICardChannel card, IEnumerable<ushort> path)
    {
        foreach (var id in path) card.Exchange([0x00, 0xA4, 0x00, 0x00, 0x02, (byte)(id >> 8), (byte)id]);
    }

    /// <summary>READ BINARY of <paramref name="length"/> bytes from <paramref name="offset"/> of the selected file.</summary>
    public static byte[] ReadBinary(ICardChannel card, int offset, int length)
    {
        var result = new byte[length];
        var read = 0;
        while (read < length)
        {
            var position = offset + read;
            if (position > 0x7FFF) throw new ReaderSdkException("File oltre i 32767 byte leggibili con READ BINARY.");
            var chunk = Math.Min(MaxChunk, length - read);
            var answer = card.Exchange([0x00, 0xB0, (byte)(position >> 8), (byte)position, (byte)chunk]);
            if (answer.Data.Length == 0) throw new ReaderSdkException($"Il file finisce a {position} byte, ne servivano {offset + length}.");
            var take = Math.Min(answer.Data.Length, length - read);
            answer.Data.AsSpan(0, take).CopyTo(result.AsSpan(read));
            read += take;
        }
        return result;
    }

    /// <summary>
    /// The TS-CNS card number (20 digits, 80380…) from EF.ID_Carta: its 16 ASCII digits are the number after the
    /// ISO 7812 prefix "8038" (80 health, 380 Italy). See docs/reader-sdk.md.
    /// </summary>
    public static string CardNumber(ReadOnlySpan<byte> idCarta)
    {
        var text = Encoding.ASCII.GetString(idCarta).TrimEnd('\0', ' ');
        if (text.Length != IdCartaLength || !text.All(char.IsAsciiDigit))
            throw new ReaderSdkException($"EF.ID_Carta non contiene le 16 cifre di una TS-CNS ({Convert.ToHexString(idCarta)}).");
        var number = "8038" + text;
        if (!number.StartsWith("80380", StringComparison.Ordinal))
            throw new ReaderSdkException($"Il numero {number} non è di una tessera sanitaria italiana (80380…).");
        return number;
    }

    /// <summary>EF.ID_Carta's content for a card number (the emulated card's file).</summary>
    public static byte[] IdCarta(string cardNumber) =>
        cardNumber.Length == 20 && cardNumber.StartsWith("8038", StringComparison.Ordinal)
            ? Encoding.ASCII.GetBytes(cardNumber[4..])
            : throw new ArgumentException("Numero di tessera di 20 cifre 8038… atteso.", nameof(cardNumber));
}
