using System.Buffers.Binary;

namespace Cms.Infrastructure.Documents;

/// <summary>
/// A TrueType font cut down, once at start-up, to the glyphs of the characters the forms print, renumbered from 0.
/// PDFsharp subsets the font again for every document, and its subsetting keeps the source's glyph numbering: its cost grows
/// with the source's glyph count — DejaVu Sans has 6,253, and rebuilding that table for every form was most of a form's font
/// work (issue 29). The cut-down font has a few hundred; what it does not cover is printed with the whole font
/// (<see cref="FreeSansFontResolver.Covers"/>), so no character prints differently.
/// </summary>
/// <remarks>
/// Kept: the metric and naming tables, the hinting programs (<c>cvt</c>, <c>fpgm</c>, <c>prep</c>, <c>gasp</c>), and the glyphs
/// of the mapped characters with every component of a composite glyph. Rebuilt: <c>glyf</c>, <c>loca</c> (long offsets),
/// <c>hmtx</c>, <c>cmap</c> (one Unicode BMP subtable), <c>post</c> (version 3, no glyph names), and the counts in <c>maxp</c>,
/// <c>hhea</c> and <c>head</c>. Dropped: every table indexed by the old glyph numbers that PDF text does not use (kerning,
/// OpenType layout, device metrics, vertical metrics).
/// </remarks>
public static class TrueTypeSubset
{
    private const uint TrueTypeVersion = 0x00010000;
    private static readonly string[] Copied = ["OS/2", "cvt ", "fpgm", "gasp", "prep"];

    /// <summary>The cut-down font, and the characters it maps; null when <paramref name="font"/> is not a TrueType font this
    /// reads (e.g. CFF outlines), and the whole font is then used for everything.</summary>
    public static (byte[] Font, IReadOnlySet<int> Covered)? Create(byte[] font, Func<int, bool> keep)
    {
        try
        {
            return CreateCore(font, keep);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null; // a font this cannot read is used whole: the forms print as before
        }
    }

    private static (byte[] Font, IReadOnlySet<int> Covered)? CreateCore(byte[] font, Func<int, bool> keep)
    {
        var data = font.AsSpan();
        if (U32(data, 0) != TrueTypeVersion && U32(data, 0) != 0x74727565 /* 'true' */) return null;
        var tables = new Dictionary<string, (int Offset, int Length)>();
        for (var i = 0; i < U16(data, 4); i++)
        {
            var entry = 12 + 16 * i;
            tables[System.Text.Encoding.ASCII.GetString(data.Slice(entry, 4))] = ((int)U32(data, entry + 8), (int)U32(data, entry + 12));
        }
        foreach (var required in new[] { "head", "hhea", "hmtx", "maxp", "cmap", "loca", "glyf", "post" })
            if (!tables.ContainsKey(required)) return null;
        ReadOnlySpan<byte> Table(string tag) => font.AsSpan(tables[tag].Offset, tables[tag].Length);

        var head = Table("head");
        var longOffsets = I16(head, 50) == 1;
        var glyphCount = U16(Table("maxp"), 4);
        var metricCount = U16(Table("hhea"), 34);
        var glyf = Table("glyf");
        (int Start, int End) GlyphRange(int glyph)
        {
            var entries = Table("loca");
            return longOffsets
                ? ((int)U32(entries, 4 * glyph), (int)U32(entries, 4 * glyph + 4))
                : (2 * U16(entries, 2 * glyph), 2 * U16(entries, 2 * glyph + 2));
        }

        // The characters to keep that the font maps, and their glyphs with every composite's components.
        var map = ReadUnicodeMap(Table("cmap"), keep);
        var kept = map.Where(p => p.Value > 0 && p.Value < glyphCount).ToDictionary(p => p.Key, p => p.Value);
        var glyphs = new SortedSet<int>();
        var pending = new Stack<int>(kept.Values.Append(0));
        while (pending.Count > 0)
        {
            var glyph = pending.Pop();
            if (!glyphs.Add(glyph)) continue;
            foreach (var (_, component) in Components(glyf, GlyphRange(glyph)))
            {
                if (component >= glyphCount) throw new InvalidDataException($"Glyph {glyph} is made of glyph {component}, which the font has not.");
                if (!glyphs.Contains(component)) pending.Push(component);
            }
        }
        var renumbered = new Dictionary<int, int>();
        foreach (var glyph in glyphs) renumbered[glyph] = renumbered.Count;

        // glyf and loca: each kept glyph, composites pointing at the new numbers, 4-byte aligned.
        var newGlyf = new MemoryStream();
        var newLoca = new byte[4 * (renumbered.Count + 1)];
        var index = 0;
        foreach (var glyph in glyphs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(4 * index++), (uint)newGlyf.Length);
            var range = GlyphRange(glyph);
            if (range.End <= range.Start) continue;
            var bytes = glyf[range.Start..range.End].ToArray();
            foreach (var (at, component) in Components(glyf, range))
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at - range.Start), (ushort)renumbered[component]);
            newGlyf.Write(bytes);
            while (newGlyf.Length % 4 != 0) newGlyf.WriteByte(0);
        }
        BinaryPrimitives.WriteUInt32BigEndian(newLoca.AsSpan(4 * index), (uint)newGlyf.Length);

        // hmtx: a full metric per glyph.
        var hmtx = Table("hmtx");
        var newHmtx = new byte[4 * renumbered.Count];
        index = 0;
        foreach (var glyph in glyphs)
        {
            var advance = U16(hmtx, 4 * Math.Min(glyph, metricCount - 1));
            var bearing = glyph < metricCount ? U16(hmtx, 4 * glyph + 2) : U16(hmtx, 4 * metricCount + 2 * (glyph - metricCount));
            BinaryPrimitives.WriteUInt16BigEndian(newHmtx.AsSpan(4 * index), advance);
            BinaryPrimitives.WriteUInt16BigEndian(newHmtx.AsSpan(4 * index + 2), bearing);
            index++;
        }

        var newHead = head.ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(newHead.AsSpan(8), 0); // checkSumAdjustment, set below
        BinaryPrimitives.WriteInt16BigEndian(newHead.AsSpan(50), 1);
        var newMaxp = Table("maxp").ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(newMaxp.AsSpan(4), (ushort)renumbered.Count);
        var newHhea = Table("hhea").ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(newHhea.AsSpan(34), (ushort)renumbered.Count);
        var newPost = new byte[32];
        Table("post")[4..16].CopyTo(newPost.AsSpan(4)); // italic angle, underline, fixed pitch
        BinaryPrimitives.WriteUInt32BigEndian(newPost, 0x00030000);

        var output = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["head"] = newHead, ["hhea"] = newHhea, ["maxp"] = newMaxp, ["hmtx"] = newHmtx, ["loca"] = newLoca,
            ["glyf"] = newGlyf.ToArray(), ["post"] = newPost,
            ["cmap"] = UnicodeMap(kept.ToDictionary(p => p.Key, p => renumbered[p.Value])),
        };
        foreach (var tag in Copied)
            if (tables.ContainsKey(tag)) output[tag] = Table(tag).ToArray();
        output["name"] = Names(tables.ContainsKey("name") ? Table("name") : []);
        return (Assemble(output), kept.Keys.ToHashSet());
    }

    /// <summary>
    /// The cut-down font's names: its own (PDFsharp keeps one font per name, and the whole font has the original's), the
    /// original's copyright, licence and licence address kept, as the fonts' licences ask of a modified font.
    /// </summary>
    private static byte[] Names(ReadOnlySpan<byte> original)
    {
        var names = new SortedDictionary<int, string>();
        if (original.Length >= 6)
        {
            int count = U16(original, 2), strings = U16(original, 4);
            for (var i = 0; i < count; i++)
            {
                var at = 6 + 12 * i;
                if (U16(original, at) != 3 || U16(original, at + 2) != 1 || U16(original, at + 4) != 0x409) continue;
                var id = U16(original, at + 6);
                var text = System.Text.Encoding.BigEndianUnicode.GetString(original.Slice(strings + U16(original, at + 10), U16(original, at + 8)));
                if (id is 0 or 1 or 2 or 4 or 6 or 13 or 14) names[id] = text;
            }
        }
        var family = names.GetValueOrDefault(1, "Sans");
        var style = names.GetValueOrDefault(2, "Regular");
        var full = names.GetValueOrDefault(4, family + " " + style);
        names[1] = family + " Cms";
        names[3] = "Cms cut-down " + full;
        names[4] = full + " Cms";
        names[6] = new string(names.GetValueOrDefault(6, family).Where(char.IsAsciiLetterOrDigit).ToArray()) + "-Cms";
        var texts = names.ToDictionary(p => p.Key, p => System.Text.Encoding.BigEndianUnicode.GetBytes(p.Value));
        // Offsets are 16-bit: a licence text too long for them is left out rather than corrupting the table (its address, 14, stays).
        foreach (var id in new[] { 13, 0 })
            if (texts.Values.Sum(t => t.Length) > ushort.MaxValue && texts.Remove(id)) names.Remove(id);
        if (texts.Values.Sum(t => t.Length) > ushort.MaxValue) throw new InvalidDataException("The font's names are too long.");
        var table = new byte[6 + 12 * names.Count + texts.Values.Sum(t => t.Length)];
        var t = table.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], (ushort)names.Count);
        BinaryPrimitives.WriteUInt16BigEndian(t[4..], (ushort)(6 + 12 * names.Count));
        var record = 6;
        var offset = 0;
        foreach (var (id, bytes) in texts)
        {
            BinaryPrimitives.WriteUInt16BigEndian(t[record..], 3);
            BinaryPrimitives.WriteUInt16BigEndian(t[(record + 2)..], 1);
            BinaryPrimitives.WriteUInt16BigEndian(t[(record + 4)..], 0x409);
            BinaryPrimitives.WriteUInt16BigEndian(t[(record + 6)..], (ushort)id);
            BinaryPrimitives.WriteUInt16BigEndian(t[(record + 8)..], (ushort)bytes.Length);
            BinaryPrimitives.WriteUInt16BigEndian(t[(record + 10)..], (ushort)offset);
            bytes.CopyTo(t[(6 + 12 * names.Count + offset)..]);
            record += 12;
            offset += bytes.Length;
        }
        return table;
    }

    /// <summary>The components of a composite glyph: where each one's glyph number is, and the number.</summary>
    private static List<(int At, int Glyph)> Components(ReadOnlySpan<byte> glyf, (int Start, int End) range)
    {
        var found = new List<(int, int)>();
        if (range.End - range.Start < 10 || I16(glyf, range.Start) >= 0) return found;
        var at = range.Start + 10;
        while (true)
        {
            var flags = U16(glyf, at);
            found.Add((at + 2, U16(glyf, at + 2)));
            at += 4 + ((flags & 0x0001) != 0 ? 4 : 2);                 // ARG_1_AND_2_ARE_WORDS
            if ((flags & 0x0008) != 0) at += 2;                          // WE_HAVE_A_SCALE
            else if ((flags & 0x0040) != 0) at += 4;                     // WE_HAVE_AN_X_AND_Y_SCALE
            else if ((flags & 0x0080) != 0) at += 8;                     // WE_HAVE_A_TWO_BY_TWO
            if ((flags & 0x0020) == 0 || at >= range.End) return found;  // MORE_COMPONENTS
        }
    }

    /// <summary>
    /// Unicode → glyph from the font's Windows Unicode subtable (format 12 for the full range, else format 4), for the wanted
    /// characters of the Basic Multilingual Plane only: each is looked up in the subtable, so a malformed table (huge or
    /// overlapping ranges) costs its size, never its ranges' span.
    /// </summary>
    private static Dictionary<int, int> ReadUnicodeMap(ReadOnlySpan<byte> cmap, Func<int, bool> keep)
    {
        int? format4 = null, format12 = null;
        for (var i = 0; i < U16(cmap, 2); i++)
        {
            var platform = U16(cmap, 4 + 8 * i);
            var encoding = U16(cmap, 6 + 8 * i);
            var offset = (int)U32(cmap, 8 + 8 * i);
            var format = U16(cmap, offset);
            if (format == 12 && (platform, encoding) is (3, 10) or (0, 4) or (0, 6)) format12 = offset;
            if (format == 4 && (platform, encoding) is (3, 1) or (0, 3) or (0, 1) or (0, 0)) format4 ??= offset;
        }
        var map = new Dictionary<int, int>();
        if (format12 is { } at12)
        {
            var groups = U32(cmap, at12 + 12);
            if (groups > (uint)(cmap.Length - at12 - 16) / 12) throw new InvalidDataException("The character map's groups run past its table.");
            for (var c = 0; c <= 0xFFFF; c++)
            {
                if (!keep(c)) continue;
                for (var g = 0; g < groups; g++)
                {
                    var group = at12 + 16 + 12 * g;
                    uint first = U32(cmap, group), last = U32(cmap, group + 4), glyph = U32(cmap, group + 8);
                    if (c < first || c > last) continue;
                    var found = glyph + (uint)c - first;
                    if (found <= 0xFFFF) map[c] = (int)found;
                    break;
                }
            }
            return map;
        }
        if (format4 is not { } at) throw new InvalidDataException("The font has no Unicode character map.");
        var segments = U16(cmap, at + 6) / 2;
        var ends = at + 14;
        var starts = ends + 2 * segments + 2;
        var deltas = starts + 2 * segments;
        var rangeOffsets = deltas + 2 * segments;
        for (var c = 0; c < 0xFFFF; c++)
        {
            if (!keep(c)) continue;
            for (var s = 0; s < segments; s++)
            {
                int start = U16(cmap, starts + 2 * s), end = U16(cmap, ends + 2 * s);
                if (c < start || c > end) continue;
                int delta = U16(cmap, deltas + 2 * s), rangeOffset = U16(cmap, rangeOffsets + 2 * s);
                var glyph = rangeOffset == 0 ? (c + delta) & 0xFFFF : U16(cmap, rangeOffsets + 2 * s + rangeOffset + 2 * (c - start));
                if (rangeOffset != 0 && glyph != 0) glyph = (glyph + delta) & 0xFFFF;
                if (glyph != 0) map[c] = glyph;
                break;
            }
        }
        return map;
    }

    /// <summary>A cmap with one Windows Unicode BMP subtable (format 4): a segment per run of characters with a constant delta.</summary>
    private static byte[] UnicodeMap(Dictionary<int, int> map)
    {
        var runs = new List<(int Start, int End, int Delta)>();
        foreach (var c in map.Keys.Order())
        {
            var delta = (map[c] - c) & 0xFFFF;
            if (runs.Count > 0 && runs[^1].End == c - 1 && runs[^1].Delta == delta) runs[^1] = (runs[^1].Start, c, delta);
            else runs.Add((c, c, delta));
        }
        runs.Add((0xFFFF, 0xFFFF, 1));
        var segments = runs.Count;
        var length = 16 + 8 * segments;
        var table = new byte[12 + length];
        var t = table.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], 1);          // one subtable
        BinaryPrimitives.WriteUInt16BigEndian(t[4..], 3);          // Windows
        BinaryPrimitives.WriteUInt16BigEndian(t[6..], 1);          // Unicode BMP
        BinaryPrimitives.WriteUInt32BigEndian(t[8..], 12);
        var s = t[12..];
        BinaryPrimitives.WriteUInt16BigEndian(s, 4);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], (ushort)length);
        BinaryPrimitives.WriteUInt16BigEndian(s[6..], (ushort)(2 * segments));
        SearchHeader(s[8..], segments, 2);
        for (var i = 0; i < segments; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(s[(14 + 2 * i)..], (ushort)runs[i].End);
            BinaryPrimitives.WriteUInt16BigEndian(s[(16 + 2 * segments + 2 * i)..], (ushort)runs[i].Start);
            BinaryPrimitives.WriteUInt16BigEndian(s[(16 + 4 * segments + 2 * i)..], (ushort)runs[i].Delta);
            // idRangeOffset stays 0: every glyph is the character plus its segment's delta.
        }
        return table;
    }

    /// <summary>The font file: the table directory, the tables 4-byte aligned, every checksum and head's adjustment.</summary>
    private static byte[] Assemble(SortedDictionary<string, byte[]> tables)
    {
        static int Padded(int n) => (n + 3) & ~3;
        var count = tables.Count;
        var offset = 12 + 16 * count;
        var size = offset + tables.Values.Sum(t => Padded(t.Length));
        var font = new byte[size];
        var f = font.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(f, TrueTypeVersion);
        BinaryPrimitives.WriteUInt16BigEndian(f[4..], (ushort)count);
        SearchHeader(f[6..], count, 16);
        var entry = 12;
        var headAt = 0;
        foreach (var (tag, table) in tables)
        {
            System.Text.Encoding.ASCII.GetBytes(tag, f[entry..]);
            BinaryPrimitives.WriteUInt32BigEndian(f[(entry + 4)..], Checksum(table));
            BinaryPrimitives.WriteUInt32BigEndian(f[(entry + 8)..], (uint)offset);
            BinaryPrimitives.WriteUInt32BigEndian(f[(entry + 12)..], (uint)table.Length);
            if (tag == "head") headAt = offset;
            table.CopyTo(f[offset..]);
            offset += Padded(table.Length);
            entry += 16;
        }
        BinaryPrimitives.WriteUInt32BigEndian(f[(headAt + 8)..], unchecked(0xB1B0AFBA - Checksum(font)));
        return font;
    }

    /// <summary>The binary-search hints before a sorted array of <paramref name="count"/> records of <paramref name="size"/> bytes
    /// (the table directory's, the cmap segments'): searchRange, entrySelector, rangeShift.</summary>
    private static void SearchHeader(Span<byte> at, int count, int size)
    {
        var power = 1;
        var log = 0;
        while (power * 2 <= count) { power *= 2; log++; }
        BinaryPrimitives.WriteUInt16BigEndian(at, (ushort)(size * power));
        BinaryPrimitives.WriteUInt16BigEndian(at[2..], (ushort)log);
        BinaryPrimitives.WriteUInt16BigEndian(at[4..], (ushort)(size * (count - power)));
    }

    private static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i < data.Length; i += 4)
        {
            uint word = 0;
            for (var j = 0; j < 4; j++) word = (word << 8) | (i + j < data.Length ? data[i + j] : 0u);
            sum = unchecked(sum + word);
        }
        return sum;
    }

    private static ushort U16(ReadOnlySpan<byte> data, int at) => BinaryPrimitives.ReadUInt16BigEndian(data[at..]);
    private static short I16(ReadOnlySpan<byte> data, int at) => BinaryPrimitives.ReadInt16BigEndian(data[at..]);
    private static uint U32(ReadOnlySpan<byte> data, int at) => BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
}
