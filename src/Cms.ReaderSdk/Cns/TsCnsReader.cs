using Cms.ReaderSdk.Iso7816;
using Cms.ReaderSdk.Pcsc;

namespace Cms.ReaderSdk.Cns;

/// <summary>Reads a TS-CNS in a reader: checks the ATR, then EF.ID_Carta and EF.Dati_personali.</summary>
public static class TsCnsReader
{
    private const int Attempts = 3;

    /// <summary>
    /// Reads the card in <paramref name="reader"/>, or in the first reader that holds one. A card just put in may still be
    /// being powered by the service: a failure of that kind is tried again (three times in all, a quarter of a second
    /// apart) while the reader still holds a card.
    /// </summary>
    public static ChipReading Read(PcscContext context, string? reader = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return ReadOnce(context, reader);
            }
            catch (PcscException e) when (attempt < Attempts && e.IsTransient)
            {
                Thread.Sleep(250);
            }
        }
    }

    private static ChipReading ReadOnce(PcscContext context, string? reader)
    {
        var status = context.GetStatus();
        if (status.Count == 0) throw new NoReaderException(0x8010002E);
        var target = reader is null ? status.FirstOrDefault(s => s.CardPresent)
            : status.FirstOrDefault(s => s.Reader == reader) ?? throw new ReaderSdkException($"Lettore '{reader}' non trovato.");
        if (target is null || !target.CardPresent) throw new NoCardException(0x8010000C);
        using var card = context.Connect(target.Reader);
        return Read(card, target.Reader, card.Atr.Length > 0 ? card.Atr : target.Atr);
    }

    /// <summary>Reads the files through any channel (a real card, or the emulator in tests).</summary>
    public static ChipReading Read(ICardChannel card, string reader, byte[] atrBytes)
    {
        var atr = Atr.Parse(atrBytes);
        if (atr.CnsVersion is not { } version)
            throw new NotCnsCardException(atr.ToString());
        byte[] idCarta;
        byte[] personal;
        try
        {
            idCarta = CnsFiles.ReadIdCarta(card);
            personal = CnsFiles.ReadPersonalData(card);
        }
        catch (CardFileNotFoundException)
        {
            throw new NotCnsCardException(atr.ToString());
        }
        var holder = PersonalDataFile.Parse(personal);
        return new ChipReading(reader, atr.ToString(), version, System.Text.Encoding.ASCII.GetString(idCarta), CnsFiles.CardNumber(idCarta), holder);
    }
}

/// <summary>The card in the reader is not a CNS (its ATR does not say so, or its files are not there).</summary>
public sealed class NotCnsCardException(string atr)
    : ReaderSdkException($"La carta nel lettore non è una TS-CNS (ATR {atr}).");
