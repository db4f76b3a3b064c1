using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Cms.Infrastructure.Documents;

/// <summary>A small flowing layout over PDFsharp: headings, wrapped paragraphs, label/value rows, boxes, signatures.</summary>
public sealed class FormWriter : IDisposable
{
    private const double Margin = 42;
    private readonly PdfDocument document;
    private PdfPage page = null!;
    private XGraphics gfx = null!;
    private double y;
    private readonly string footer;

    public FormWriter(PdfDocument document, string footer)
    {
        this.document = document;
        this.footer = footer;
        NewPage();
    }

    private double Width => page.Width.Point - 2 * Margin;
    private double Bottom => page.Height.Point - Margin - 18;

    /// <summary>
    /// The form's font at this size. Made once per thread: a new <see cref="XFont"/> takes PDFsharp's process-wide font-factory
    /// lock, and a form asks for its fonts hundreds of times — under load, a fifth of the API's CPU went to threads spinning on
    /// that lock (issue 29). A thread of its own per cache, so that no font object is shared by two renderings at once.
    /// </summary>
    public static XFont Font(double size, bool bold = false, bool whole = false)
    {
        var fonts = threadFonts ??= [];
        if (!fonts.TryGetValue((size, bold, whole), out var font))
            fonts[(size, bold, whole)] = font = new XFont(whole ? FreeSansFontResolver.WholeFamily : FreeSansFontResolver.Family, size,
                bold ? XFontStyleEx.Bold : XFontStyleEx.Regular);
        return font;
    }

    [ThreadStatic]
    private static Dictionary<(double Size, bool Bold, bool Whole), XFont>? threadFonts;

    /// <summary>The font that prints <paramref name="text"/>: the cut-down one, or the whole font when a character is not in it.</summary>
    public static XFont FontFor(string text, double size, bool bold = false) => Font(size, bold, whole: !FreeSansFontResolver.Covers(text));

    public void NewPage()
    {
        gfx?.Dispose();
        page = document.AddPage();
        page.Size = PdfSharp.PageSize.A4;
        gfx = XGraphics.FromPdfPage(page);
        y = Margin;
        gfx.DrawString(footer, FontFor(footer, 7), XBrushes.Gray, new XRect(Margin, page.Height.Point - Margin, Width, 10), XStringFormats.TopLeft);
    }

    private void Ensure(double height)
    {
        if (y + height > Bottom) NewPage();
    }

    public void Space(double points = 6) => y += points;

    public void Title(string text, double size = 13)
    {
        var font = FontFor(text, size, bold: true);
        foreach (var line in Wrap(text, font, Width))
        {
            Ensure(size * 1.4);
            gfx.DrawString(line, font, XBrushes.Black, new XRect(Margin, y, Width, size * 1.4), XStringFormats.TopCenter);
            y += size * 1.4;
        }
    }

    public void Section(string text)
    {
        Space(4);
        var font = FontFor(text, 9.5, bold: true);
        Ensure(16);
        gfx.DrawRectangle(new XSolidBrush(XColor.FromArgb(235, 235, 235)), Margin, y, Width, 14);
        gfx.DrawString(text, font, XBrushes.Black, new XRect(Margin + 4, y + 2, Width - 8, 12), XStringFormats.TopLeft);
        y += 17;
    }

    public void Paragraph(string text, double size = 8.5, bool bold = false, double indent = 0)
    {
        var font = FontFor(text, size, bold);
        foreach (var line in Wrap(text, font, Width - indent))
        {
            Ensure(size * 1.35);
            gfx.DrawString(line, font, XBrushes.Black, new XRect(Margin + indent, y, Width - indent, size * 1.35), XStringFormats.TopLeft);
            y += size * 1.35;
        }
        y += 2;
    }

    /// <summary>A row of "Label: value" cells spread over the width.</summary>
    public void Fields(params (string Label, string? Value)[] cells)
    {
        var size = 8.5;
        Ensure(size * 1.6);
        var cellWidth = Width / cells.Length;
        for (var i = 0; i < cells.Length; i++)
        {
            var x = Margin + i * cellWidth;
            var label = cells[i].Label + ": ";
            var labelFont = FontFor(label, size);
            var text = cells[i].Value ?? "";
            var valueFont = FontFor(text, size, bold: true);
            gfx.DrawString(label, labelFont, XBrushes.Black, new XRect(x, y, cellWidth, size * 1.4), XStringFormats.TopLeft);
            var labelWidth = gfx.MeasureString(label, labelFont).Width;
            var value = Fit(text, valueFont, cellWidth - labelWidth - 4);
            gfx.DrawString(value, valueFont, XBrushes.Black, new XRect(x + labelWidth, y, cellWidth - labelWidth, size * 1.4), XStringFormats.TopLeft);
        }
        y += size * 1.6;
    }

    public void Checkbox(bool isChecked, string text, double indent = 0)
    {
        Ensure(12);
        gfx.DrawRectangle(XPens.Black, Margin + indent, y + 1, 8, 8);
        if (isChecked)
        {
            gfx.DrawLine(new XPen(XColors.Black, 1.2), Margin + indent + 1.5, y + 5, Margin + indent + 3.5, y + 8);
            gfx.DrawLine(new XPen(XColors.Black, 1.2), Margin + indent + 3.5, y + 8, Margin + indent + 7, y + 2);
        }
        var font = FontFor(text, 8.5);
        var lines = Wrap(text, font, Width - indent - 14).ToList();
        foreach (var line in lines)
        {
            Ensure(11.5);
            gfx.DrawString(line, font, XBrushes.Black, new XRect(Margin + indent + 14, y, Width - indent - 14, 11.5), XStringFormats.TopLeft);
            y += 11.5;
        }
        y += 1.5;
    }

    /// <summary>A code row: the printed part, then a blank box where the holder writes the part that was sent.</summary>
    public void CodeRow(string label, string printed, int blankDigits)
    {
        Ensure(22);
        var font = FontFor(printed, 11, bold: true);
        gfx.DrawString(label, FontFor(label, 10), XBrushes.Black, new XRect(Margin, y + 3, 110, 16), XStringFormats.TopLeft);
        gfx.DrawRectangle(XPens.Black, Margin + 115, y, 90, 18);
        gfx.DrawString(printed, font, XBrushes.Black, new XRect(Margin + 115, y + 3, 90, 16), XStringFormats.TopCenter);
        gfx.DrawRectangle(XPens.Black, Margin + 210, y, 14 * blankDigits + 10, 18);
        y += 24;
    }

    public void Signatures(params string[] labels)
    {
        Space(18);
        Ensure(40);
        var cell = Width / labels.Length;
        for (var i = 0; i < labels.Length; i++)
        {
            var x = Margin + i * cell;
            gfx.DrawLine(XPens.Black, x + 10, y + 22, x + cell - 10, y + 22);
            gfx.DrawString(labels[i], FontFor(labels[i], 8), XBrushes.Black, new XRect(x, y + 25, cell, 12), XStringFormats.TopCenter);
        }
        y += 40;
    }

    /// <summary>One row of a table: cells in columns of the given relative widths, a header row in bold with a rule below.</summary>
    public void TableRow(IReadOnlyList<string> cells, IReadOnlyList<double> weights, bool header = false)
    {
        const double size = 7.5;
        Ensure(size * 1.7);
        var total = weights.Sum();
        var x = Margin;
        for (var i = 0; i < cells.Count; i++)
        {
            var width = Width * weights[i] / total;
            var font = FontFor(cells[i], size, header);
            gfx.DrawString(Fit(cells[i], font, width - 4), font, XBrushes.Black, new XRect(x, y, width - 4, size * 1.5), XStringFormats.TopLeft);
            x += width;
        }
        y += size * 1.6;
        if (header)
        {
            gfx.DrawLine(XPens.Gray, Margin, y, Margin + Width, y);
            y += 2;
        }
    }

    public void Rule()
    {
        Ensure(6);
        gfx.DrawLine(XPens.Gray, Margin, y + 2, Margin + Width, y + 2);
        y += 6;
    }

    private string Fit(string text, XFont font, double width)
    {
        if (gfx.MeasureString(text, font).Width <= width) return text;
        while (text.Length > 1 && gfx.MeasureString(text + "…", font).Width > width) text = text[..^1];
        return text + "…";
    }

    /// <summary>
    /// The lines of <paramref name="text"/> within <paramref name="width"/>, breaking at spaces. Each word is measured once: a
    /// line's width is its words' and spaces' widths added up, as PDFsharp measures a text (advance widths, no kerning) — measuring
    /// every candidate line again made a long paragraph's layout quadratic in its words.
    /// </summary>
    private IEnumerable<string> Wrap(string text, XFont font, double width)
    {
        var space = gfx.MeasureString(" ", font).Width;
        foreach (var paragraph in text.Split('\n'))
        {
            var line = new System.Text.StringBuilder();
            var lineWidth = 0.0;
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var wordWidth = gfx.MeasureString(word, font).Width;
                if (line.Length > 0 && lineWidth + space + wordWidth > width)
                {
                    yield return line.ToString();
                    line.Clear();
                    lineWidth = 0;
                }
                if (line.Length > 0)
                {
                    line.Append(' ');
                    lineWidth += space;
                }
                line.Append(word);
                lineWidth += wordWidth;
            }
            yield return line.ToString();
        }
    }

    public void Dispose() => gfx?.Dispose();
}
