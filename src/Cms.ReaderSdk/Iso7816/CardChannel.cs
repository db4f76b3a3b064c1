namespace Cms.ReaderSdk.Iso7816;

/// <summary>Sends one command APDU and returns the card's answer as it came, data and status word.</summary>
public interface ICardChannel
{
    byte[] Transmit(ReadOnlySpan<byte> command);
}

/// <summary>An answer whose status word was 90 00 (or 62 82, end of file reached, for READ BINARY).</summary>
public sealed record ResponseApdu(byte[] Data, ushort StatusWord);

/// <summary>A card answered with an error status word; the subclasses name the usual ones.</summary>
public class CardStatusException(ushort statusWord, string message) : ReaderSdkException($"{message} (SW {statusWord:X4})")
{
    public ushort StatusWord { get; } = statusWord;

    public static CardStatusException For(ushort sw) => sw switch
    {
        0x6A82 => new CardFileNotFoundException(sw),
        0x6982 => new CardSecurityStatusException(sw),
        0x6700 => new CardStatusException(sw, "Lunghezza del comando errata"),
        0x6B00 => new CardStatusException(sw, "Posizione oltre la fine del file"),
        0x6D00 => new CardStatusException(sw, "Comando non supportato dalla carta"),
        0x6E00 => new CardStatusException(sw, "Classe del comando non supportata dalla carta"),
        _ => new CardStatusException(sw, "La carta ha rifiutato il comando"),
    };
}

/// <summary>6A 82: the file is not on the card (not a TS-CNS, or a different layout).</summary>
public sealed class CardFileNotFoundException(ushort sw) : CardStatusException(sw, "File non presente sulla carta");

/// <summary>69 82: the file needs a PIN or a secure channel.</summary>
public sealed class CardSecurityStatusException(ushort sw) : CardStatusException(sw, "Accesso al file non consentito senza PIN");

/// <summary>ISO 7816-4 exchange: 61 xx fetches the rest with GET RESPONSE, 6C xx repeats with the right Le, errors throw.</summary>
public static class CardChannelExtensions
{
    private const int MaxRounds = 64;

    public static ResponseApdu Exchange(this ICardChannel channel, byte[] command)
    {
        var data = new List<byte>();
        var current = command;
        for (var round = 0; round < MaxRounds; round++)
        {
            var answer = channel.Transmit(current);
            if (answer.Length < 2) throw new ReaderSdkException("Risposta della carta troppo corta: manca lo status word.");
            var sw1 = answer[^2];
            var sw2 = answer[^1];
            data.AddRange(answer.AsSpan(0, answer.Length - 2).ToArray());
            switch (sw1)
            {
                case 0x90 when sw2 == 0x00:
                case 0x62 when sw2 == 0x82:
                    return new ResponseApdu([.. data], (ushort)(sw1 << 8 | sw2));
                case 0x61:
                    // More data waiting: GET RESPONSE with Le = xx (00 = 256).
                    current = [command[0], 0xC0, 0x00, 0x00, sw2];
                    break;
                case 0x6C:
                    // Wrong Le: the same command again with Le = xx.
                    data.Clear();
                    current = WithLe(command, sw2);
                    break;
                default:
                    throw CardStatusException.For((ushort)(sw1 << 8 | sw2));
            }
        }
        throw new ReaderSdkException("La carta continua a chiedere altri scambi: risposta non valida.");
    }

    /// <summary>A short APDU with its Le set (replaced if the command had one, appended otherwise).</summary>
    private static byte[] WithLe(byte[] command, byte le)
    {
        var hasData = command.Length > 5 && command.Length >= 5 + command[4];
        var body = command.Length == 4 ? command : hasData ? command.AsSpan(0, 5 + command[4]).ToArray() : command.AsSpan(0, 4).ToArray();
        return [.. body, le];
    }
}
