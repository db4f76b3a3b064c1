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
/// </summary>
public sealed class FreeSansFontResolver : IFontResolver
{
    public const string Family = "CmsSans";
    private static readonly (string Regular, string Bold)[] Candidates =
    [
        ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
        ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
        ("arial.ttf", "arialbd.ttf"),
    ];

    private readonly byte[] regular;
    private readonly byte[] bold;

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
                    return;
                }
            }
        }
        throw new InvalidOperationException(
            "No font for the printed forms: install Debian's fonts-dejavu-core (or fonts-liberation2), or set Documents:FontFolders.");
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic) => new(isBold ? "cms-bold" : "cms-regular");

    public byte[] GetFont(string faceName) => faceName == "cms-bold" ? bold : regular;

    private static readonly Lock Gate = new();
    private static bool installed;

    /// <summary>PDFsharp takes one resolver per process.</summary>
    public static void Install(IEnumerable<string> folders)
    {
        lock (Gate)
        {
            if (installed) return;
            GlobalFontSettings.FontResolver = new FreeSansFontResolver(folders);
            installed = true;
        }
    }
}
