using PdfSharp.Fonts;

namespace Cms.Infrastructure.Documents;

/// <summary>Section <c>Documents</c>.</summary>
public sealed class DocumentOptions
{
    public const string Section = "Documents";
    /// <summary>Folders searched for DejaVu Sans or Liberation Sans (Debian: fonts-dejavu-core, fonts-liberation2).</summary>
    public List<string> FontFolders { get; set; } =
    [
        "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation",
        "/usr/local/share/fonts", "C:\\Windows\\Fonts",
    ];
    /// <summary>Local time printed on the forms.</summary>
    public string TimeZone { get; set; } = "Europe/Rome";
}

/// <summary>
/// PDFsharp has no font discovery on Linux: this resolver serves one free sans family (regular and bold) from
/// the installed TTF files; PDFsharp embeds the subset it uses, so accented Italian letters print anywhere.
/// Two families: <see cref="Family"/>, the font cut down at start-up to the characters of Italian and its neighbours
/// (<see cref="TrueTypeSubset"/>), and <see cref="WholeFamily"/>, the whole font, for a text with a character the cut-down
/// font does not have (<see cref="Covers"/>).
/// </summary>
public sealed class FreeSansFontResolver : IFontResolver
{
    public const string Family = "CmsSans";
    public const string WholeFamily = "CmsSansWhole";
    private static readonly (string Regular, string Bold)[] Candidates =
    [
        ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
        ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
        ("arial.ttf", "arialbd.ttf"),
    ];

    private readonly byte[] regular;
    private readonly byte[] bold;
    private readonly byte[] regularCut;
    private readonly byte[] boldCut;
    private readonly bool[] covered = new bool[0x10000];

    public FreeSansFontResolver(IEnumerable<string> folders)
    {
        foreach (var folder in folders.Where(Directory.Exists))
        {
            foreach (var (r, b) in Candidates)
            {
                var rp = Path.Combine(folder, r);
                var bp = Path.Combine(folder, b);
                if (File.Exists(rp) && File.Exists(bp))
                {
                    regular = File.ReadAllBytes(rp);
                    bold = File.ReadAllBytes(bp);
                    var regularSubset = TrueTypeSubset.Create(regular, Printed);
                    var boldSubset = TrueTypeSubset.Create(bold, Printed);
                    if (regularSubset is { } rs && boldSubset is { } bs)
                    {
                        (regularCut, boldCut) = (rs.Font, bs.Font);
                        foreach (var c in rs.Covered) covered[c] = bs.Covered.Contains(c);
                    }
                    else (regularCut, boldCut) = (regular, bold); // a font this cannot cut: the whole font covers what it covers
                    return;
                }
            }
        }
        throw new InvalidOperationException(
            "No font for the printed forms: install Debian's fonts-dejavu-core (or fonts-liberation2), or set Documents:FontFolders.");
    }

    /// <summary>
    /// The characters of the cut-down font: Basic Latin, Latin-1 and Latin Extended-A (every accented letter of Italian and of
    /// most European names), Romanian's comma-below letters, typographic punctuation (dashes, quotes, bullet, ellipsis), the euro.
    /// </summary>
    public static bool Printed(int c) =>
        c is (>= 0x20 and <= 0x7E) or (>= 0xA0 and <= 0x17F) or (>= 0x218 and <= 0x21B) or (>= 0x2010 and <= 0x2027)
            or (>= 0x2030 and <= 0x203A) or 0x20AC or 0x2122;

    /// <summary>Whether every character of <paramref name="text"/> is in the cut-down font (regular and bold); a line break is
    /// where the layout breaks the text, never printed.</summary>
    public bool CoversAll(string text)
    {
        foreach (var c in text)
            if (!covered[c] && c != '\n') return false; // a surrogate is never covered: such a text takes the whole font
        return true;
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        new((familyName == WholeFamily ? "whole-" : "cut-") + (isBold ? "bold" : "regular"));

    public byte[] GetFont(string faceName) => faceName switch
    {
        "cut-bold" => boldCut,
        "cut-regular" => regularCut,
        "whole-bold" => bold,
        _ => regular,
    };

    private static readonly Lock Gate = new();
    private static FreeSansFontResolver? installed;

    /// <summary>Whether every character of <paramref name="text"/> prints in <see cref="Family"/>.</summary>
    public static bool Covers(string text) => installed?.CoversAll(text) ?? false;

    /// <summary>PDFsharp takes one resolver per process.</summary>
    public static void Install(IEnumerable<string> folders)
    {
        lock (Gate)
        {
            if (installed is not null) return;
            var resolver = new FreeSansFontResolver(folders);
            GlobalFontSettings.FontResolver = resolver;
            installed = resolver;
        }
    }
}
