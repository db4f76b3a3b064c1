using Cms.Application.Common.Documents;
using Cms.Domain.Requests;
using Cms.Infrastructure.Documents;
using Microsoft.Extensions.Options;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Fonts.TrueType;
using UglyToad.PdfPig.Fonts.TrueType.Parser;

namespace Cms.Integration.Tests;

/// <summary>
/// The forms' font cut down at start-up (issue 29): every character it keeps prints as in the installed font, read back by
/// another program's TrueType parser (PdfPig's), and a text with a character it lacks prints in the whole font.
/// </summary>
public class PrintedFontTests
{
    private const string Folder = "/usr/share/fonts/truetype/dejavu"; // fonts-dejavu-core, installed by scripts/deps.sh

    [Theory]
    [InlineData("DejaVuSans.ttf")]
    [InlineData("DejaVuSans-Bold.ttf")]
    public void The_cut_down_font_draws_and_spaces_every_character_it_keeps_as_the_installed_font(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, file));
        var (cutBytes, covered) = TrueTypeSubset.Create(bytes, FreeSansFontResolver.Printed)
            ?? throw new InvalidOperationException("DejaVu Sans is TrueType: it must be cut down");
        var whole = TrueTypeFontParser.Parse(new TrueTypeDataBytes(bytes));
        var cut = TrueTypeFontParser.Parse(new TrueTypeDataBytes(cutBytes));

        // Every character of Italian (and of its neighbours' names) is kept; what the font cannot print is not claimed.
        foreach (var c in "àèéìíòóùÀÈÉÌÒÙçÇñÑäöüßøåæœłśźżčřšžğşőűțș€•…’“”–—·'".Distinct())
            Assert.True(covered.Contains(c), $"U+{(int)c:X4} '{c}' should be kept");
        Assert.DoesNotContain(covered, c => !FreeSansFontResolver.Printed(c));
        Assert.InRange(cut.TableRegister.HorizontalMetricsTable.HorizontalMetrics.Count, covered.Count / 2, covered.Count + 64); // renumbered: a few hundred, not 6,253
        Assert.True(cutBytes.Length < bytes.Length / 5, $"{cutBytes.Length} bytes of {bytes.Length}");

        foreach (var c in covered)
        {
            Assert.True(whole.TryGetAdvanceWidth(c, out var expectedWidth), $"U+{c:X4}");
            Assert.True(cut.TryGetAdvanceWidth(c, out var width), $"U+{c:X4}");
            Assert.Equal(expectedWidth, width);
            Assert.True(whole.TryGetPath(c, out var expectedPath), $"U+{c:X4}");
            Assert.True(cut.TryGetPath(c, out var path), $"U+{c:X4}");
            Assert.Equal(expectedPath.SelectMany(p => p.Commands), path.SelectMany(p => p.Commands));
        }
        // A composite glyph (a letter and its accent) points at its parts' new numbers: 'à' has the outline of 'a' and of '`'.
        Assert.True(cut.TryGetPath('à', out var grave));
        Assert.True(cut.TryGetPath('a', out var plain));
        Assert.True(grave.Sum(p => p.Commands.Count) > plain.Sum(p => p.Commands.Count));

        // The cut-down font carries its own name, and keeps the original's copyright and licence.
        Assert.EndsWith(" Cms", cut.TableRegister.NameTable!.FontFamilyName);
        var names = (cut.TableRegister.NameTable?.NameRecords ?? []).Select(r => r?.Value ?? "").ToList();
        Assert.Contains(names, n => n.Contains("Bitstream", StringComparison.Ordinal));
    }

    [Fact]
    public void A_form_prints_in_the_cut_down_font_and_a_name_it_lacks_in_the_whole_font()
    {
        var renderer = new PdfFormRenderer(Options.Create(new DocumentOptions { FontFolders = [Folder] }));

        var italian = Render(renderer, "DELL'ACQUA", "NICCOLÒ");
        using (var pdf = PdfDocument.Open(italian))
        {
            var letters = pdf.GetPages().SelectMany(p => p.Letters).ToList();
            var text = string.Concat(letters.Select(l => l.Value));
            Assert.Contains("NICCOLÒ", text);
            Assert.Contains("qualitàdiesercentelapotestàgenitoriale", text.Replace(" ", ""));
            Assert.All(letters, l => Assert.Contains("Cms", l.FontName ?? ""));
        }

        var cyrillic = Render(renderer, "ПЕТРОВ", "АННА");
        using (var pdf = PdfDocument.Open(cyrillic))
        {
            var letters = pdf.GetPages().SelectMany(p => p.Letters).ToList();
            Assert.Contains("ПЕТРОВ", string.Concat(letters.Select(l => l.Value)));
            Assert.All(letters.Where(l => l.Value is "П" or "Е" or "Т"), l => Assert.DoesNotContain("Cms", l.FontName ?? ""));
            Assert.Contains(letters, l => (l.FontName ?? "").Contains("Cms", StringComparison.Ordinal)); // the rest of the form stays cut down
        }
        Assert.True(italian.Length < 80_000, $"{italian.Length} bytes"); // 155 KB with the whole font in every form
    }

    private static byte[] Render(PdfFormRenderer renderer, string surname, string givenName)
    {
        var holder = new PersonOnForm(surname, givenName, "RSSMRA80A41H501Y", "ROMA", "RM", new DateOnly(1980, 1, 1), "ITALIANA", 'F',
            "VIA ROMA 1", "50122", "FIRENZE", "FI");
        var model = new ActivationFormModel("090-201-AS001", "ASL Toscana Centro", Guid.NewGuid(), DateTimeOffset.UtcNow,
            "80380000900000000001", new DateOnly(2030, 1, 1), holder, holder, RequestMode.Direct, null,
            new IdentityDocument(DocumentType.CartaIdentita, "CA1", "COMUNE", new DateOnly(2022, 1, 1), new DateOnly(2032, 1, 1)),
            new DeliveryAddress(DeliveryChannel.Email, "a@example.it", null), true, null);
        var bytes = renderer.ActivationRequestForm(model);
        ActivationTests.QpdfCheckAsync(bytes).GetAwaiter().GetResult();
        return bytes;
    }
}
