namespace Cms.ReaderSdk.Cns;

/// <summary>An Answer To Reset split by ISO 7816-3: the interface bytes' protocols and the historical bytes.</summary>
public sealed record Atr(byte[] Bytes, IReadOnlyList<int> Protocols, byte[] HistoricalBytes)
{
    public static Atr Parse(ReadOnlySpan<byte> atr)
    {
        if (atr.Length < 2 || atr[0] is not (0x3B or 0x3F)) throw new ReaderSdkException("ATR non valido: manca il carattere iniziale TS (3B o 3F).");
        var t0 = atr[1];
        var historical = t0 & 0x0F;
        var position = 2;
        var indicator = t0 >> 4; // which of TA, TB, TC, TD follow
        var protocols = new List<int>();
        while (true)
        {
            var skip = ((indicator & 1) != 0 ? 1 : 0) + ((indicator & 2) != 0 ? 1 : 0) + ((indicator & 4) != 0 ? 1 : 0);
            position += skip;
            if ((indicator & 8) == 0) break;
            if (position >= atr.Length) throw new ReaderSdkException("ATR troncato nei caratteri di interfaccia.");
            var td = atr[position++];
            protocols.Add(td & 0x0F);
            indicator = td >> 4;
        }
        if (position + historical > atr.Length) throw new ReaderSdkException("ATR troncato nei caratteri storici.");
        if (protocols.Count == 0) protocols.Add(0);
        return new Atr(atr.ToArray(), protocols, atr.Slice(position, historical).ToArray());
    }

    /// <summary>
    /// A CNS (and so a TS-CNS) carries "CNS" in its historical bytes followed by the specification's version
    /// (0x10 = 1.0, 0x11 = 1.1…). Null when the card is not a CNS.
    /// </summary>
    public string? CnsVersion
    {
        get
        {
            var h = HistoricalBytes.AsSpan();
            var at = h.IndexOf("CNS"u8);
            if (at < 0 || at + 3 >= h.Length) return null;
            var version = h[at + 3];
            return $"{version >> 4}.{version & 0x0F}";
        }
    }

    public bool IsCns => CnsVersion is not null;

    public override string ToString() => Convert.ToHexString(Bytes);
}
